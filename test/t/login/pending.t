# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Crawlers and a busy morning cannot crowd out a real login: a login
# started before 20,000 other pending logins still completes. Also
# measures how many pending logins a MiB of login cache holds
# (docs/sessions.md).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(new_browser follow full_tier_only);
use SSOServer;
use SSOFlood qw(flood);
use Time::HiRes qw(time);

use constant { CROWD => 20_000, PROCS => 8 };
full_tier_only('20,000 pending logins');
plan tests => 6;

sub start_login {
    my ($srv) = @_;
    my $ua = new_browser();
    my $res = $ua->get($srv->url('/sso/start?return=/protected/'));
    return ($ua, $res);
}
sub finish_login {
    my ($ua, $res) = @_;
    my @seen = follow($ua, $res, user => 'alice');
    return $seen[-1];
}

# SSOSessionCache of 16 MiB: its login cache is 4 MiB.
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => [
    'MaxKeepAliveRequests 0', 'SSOSessionCache shmcb:' . "$ENV{SSO_TEST_OUT}/pending-cache(16777216)" ]);
$srv->{lines}[1] = "SSOSessionCache shmcb:$srv->{dir}/pending-cache(16777216)";
$srv->write_config;
$srv->start;
my ($first, $started) = start_login($srv);
is($started->code, 302, 'the first login is started');
my $t0 = time;
my %got = flood(hostport => "127.0.0.1:$ENV{SSO_TEST_PORT_SRV4}",
                path => '/sso/start?return=/', count => CROWD, procs => PROCS);
my $took = time - $t0;
is($got{302} // 0, CROWD, sprintf('%d more logins started by other clients in %.1f s (%s)',
   CROWD, $took, join(' ', map { "$_: $got{$_}" } sort keys %got)));
my $last = finish_login($first, $started);
is($last->code, 200, 'the first login then completes');
like($last->content, qr/PROTECTED-CONTENT/, 'and lands on the page it asked for');
$srv->stop;

# Capacity: a 1 MiB login cache (the least, with SSOSessionCache of up to
# 4 MiB), filled with 12,000 logins; every 300th one is then finished.
# The ones still pending are the most recent: survivors x 300 is about
# the number of pending logins it holds.
$srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => [ 'MaxKeepAliveRequests 0' ]);
$srv->lines_add("SSOSessionCache shmcb:$srv->{dir}/small(4194304)");
$srv->start;
my ($total, $every, @samples) = (12_000, 300);
for my $i (1 .. $total / $every) {
    flood(hostport => "127.0.0.1:$ENV{SSO_TEST_PORT_SRV4}", path => '/sso/start?return=/',
          count => $every - 1, procs => 4);
    push @samples, [start_login($srv)];
}
my @alive = map { finish_login(@$_)->code == 200 ? 1 : 0 } @samples;
my $survivors = grep { $_ } @alive;
my $capacity = $survivors * $every;
diag("pending logins alive after $total (oldest first, 1 = completed): @alive");
diag("a 1 MiB login cache holds about $capacity pending logins");
ok($capacity >= 4000, "a 1 MiB login cache holds about $capacity pending logins (at least 4,000)");
ok(!$alive[0] && $alive[-1], 'the oldest pending login made room, the newest completed');
$srv->stop;
