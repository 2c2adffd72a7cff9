# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Sliding inactivity timeout and absolute lifetime; the sliding refresh is
# written back at most once per tenth of the timeout.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login);
use SSOServer;
use Time::HiRes qw(sleep time);

plan tests => 8;

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_EXPIRY},
    lines => [ 'SSOSessionTimeout 2', 'SSOSessionMaxAge 5' ])->start;
my $url = $srv->url('/protected/');

# Inactivity: idle for longer than the timeout. Checked while bob's
# session below slides, to wait once for both.
my ($ua, @seen) = login(user => 'alice', url => $url);
is($seen[-1]->code, 200, 'logged in');
my $alice_idle = time;
sub alice_idle_check {
    sleep 2.5 - (time - $alice_idle) if time - $alice_idle < 2.5;
    my $res = $ua->get($url);
    is($res->code, 302, 'idle past SSOSessionTimeout: refused');
    like($res->header('Location') // '', qr{/sso/login\?return=.*&expired=1}, 'sent to login with an expiry notice');
}

# Sliding: active every second stays in past the timeout, until max age.
my ($bua) = login(user => 'bob', url => $url);
# Session times have whole seconds: the login second counts from its start.
my $start = time;
my ($served_late, $last_served, $refused_at, $alice_checked) = (0, 0, undef, 0);
while (time - $start < 9) {
    my $sent = time - $start;
    my $r = $bua->get($url);
    if ($r->code == 200) { $served_late = 1 if $sent > 3; $last_served = $sent }
    else { $refused_at = time - $start; last }
    if (!$alice_checked && time - $alice_idle >= 2.5) { alice_idle_check(); $alice_checked = 1 }
    sleep 0.5;
}
alice_idle_check() unless $alice_checked;
ok($served_late, 'activity keeps the session beyond SSOSessionTimeout');
ok(defined $refused_at && $refused_at >= 4 && $last_served < 6,
   'SSOSessionMaxAge (5 s) ends it however active' . (defined $refused_at
   ? sprintf(' (last served at %.1f s, refused at %.1f s)', $last_served, $refused_at) : ''));
$srv->stop;

# Refresh writes: 30 requests in 3 s with a 10 s timeout write about 3 times.
$srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_EXPIRY},
    lines => [ 'SSOSessionTimeout 10' ])->start;
($ua, @seen) = login(user => 'carol', url => $url);
for (1 .. 30) { $ua->get($url); sleep 0.1 }
my $writes = () = $srv->log =~ /session of carol\@example\.test refreshed/g;
cmp_ok($writes, '>=', 1, "the session was refreshed ($writes writes)");
cmp_ok($writes, '<=', 4, 'at most once per second (a tenth of the timeout), not per request');
$srv->stop;
unlike($srv->log, qr/\[auth_sso:(error|emerg)\]/, 'no module errors');
