# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A full shmcb drops the oldest sessions first and says so in the log, at
# most once a minute; a session record too large is refused at login.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login);
use SSOServer;
use LWP::UserAgent;
use JSON::PP qw(encode_json);
use Time::HiRes qw(time);

plan tests => 7;

# 8 KiB of shmcb holds a few dozen sessions: 80 logins overflow every one of
# its subcaches (16 KiB was seen to leave the oldest session and the canary
# in one that had not filled).
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4},
    lines => [ "SSOSessionCache shmcb:$ENV{SSO_TEST_OUT}/small-cache(8192)" ])->start;
my $url = $srv->url('/protected/');
my @browsers;
my $t0 = time;
for my $i (1 .. 80) {
    my ($ua, @seen) = login(user => (qw(alice bob carol dave grace))[$i % 5], url => $url);
    push @browsers, $ua;
}
is($browsers[0]->get($url)->code, 302, 'the oldest session was dropped');
like($browsers[-1]->get($url)->content, qr/PROTECTED-CONTENT/, 'the newest session works');
my $warnings = () = $srv->log =~ /the session cache shmcb:\S+ is full: the oldest sessions are being dropped \(give it more room in SSOSessionCache\)/g;
my $minutes = int((time - $t0) / 60) + 1;
ok($warnings >= 1 && $warnings <= $minutes,
   "the full cache was reported $warnings time(s) in $minutes started minute(s): at most once a minute")
    or diag(sprintf("80 logins took %.1f s; the log's cache lines:\n%s", time - $t0,
                    join("\n", grep { /cache|canary|full/i } split /\n/, $srv->log)));
$srv->stop;

# A user in 600 mapped groups: the record would exceed the limit.
my @map = map { "SSOGroupMap bulk_$_ \"Bulk local group number $_\"" } 1 .. 600;
$srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => \@map)->start;
my $op = LWP::UserAgent->new;
my $set = sub { $op->put("$ENV{SSO_TEST_OP_URL}/_test/users/dave/groups",
                         Content => encode_json($_[0]), 'Content-Type' => 'application/json') };
ok($set->([ map { "bulk_$_" } 1 .. 600 ])->is_success, 'dave is now in 600 groups');
my ($ua, @seen) = login(user => 'dave', url => $url);
$set->([qw(technitium_dns_admins technitium_dhcp_admins)]);
is($seen[-1]->code, 403, 'refused at login');
like($seen[-1]->content, qr/too many groups/, 'the page says why');
like($srv->log, qr/login refused for dave\@example\.test: the session record would exceed 8192 bytes \(600 local groups/,
     'the log says why, with the numbers');
$srv->stop;
