# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The local-login throttle under parallel attempts: 60 wrong passwords
# sent at once from one address. Each attempt is counted before its
# password is checked, so at most 5 are evaluated (one "local login
# failed" line each) and the others get 429. A server of its own
# (mpm_event, 2 x 25 threads) so that the attempts really run together.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(new_browser);
use SSOServer;
use HTTP::Request::Common qw(POST);
use Time::HiRes qw(time sleep);
use POSIX ();

plan tests => 6;

my $N = 60;
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV3})->start;
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$srv->{dir}/users.db";
system("echo 'right-pass' | $cli add throttled >/dev/null") == 0 or die "sso-users add failed";

# One form, one CSRF token: every attempt is a valid form post.
my $ua = new_browser();
my ($csrf) = $ua->get($srv->url('/sso/login'))->content =~ /name="csrf" value="([^"]+)"/;
ok($csrf, 'the login form and its token');
my $cookie = "sso_session_csrf=$csrf";

# Each child waits for the same moment, sends one wrong password, and
# exits with 0 for 303 (evaluated, wrong), 1 for 429, 2 for anything else.
my $go = time + 2;
my @kids;
for my $i (1 .. $N) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my $b = new_browser();
        my $req = POST($srv->url('/sso/login'),
                       [ username => 'throttled', password => "wrong-$i", csrf => $csrf, return => '/' ],
                       Cookie => $cookie);
        sleep($go - time) if $go > time;
        my $code = $b->request($req)->code;
        POSIX::_exit($code == 303 ? 0 : $code == 429 ? 1 : 2);
    }
    push @kids, $pid;
}
my %got = (0 => 0, 1 => 0, 2 => 0);
for (@kids) { waitpid($_, 0); $got{$? >> 8}++ }

my $log = $srv->log;
my $evaluated = () = $log =~ /local login failed for user 'throttled'/g;
my $blocked = () = $log =~ /local login refused: 127\.0\.0\.1 is blocked/g;
diag("$N parallel wrong passwords: $evaluated evaluated, $got{1} answered 429, $got{2} other");
cmp_ok($evaluated, '<=', 5, "at most 5 of $N evaluated (got $evaluated)");
cmp_ok($evaluated, '>=', 1, 'at least one evaluated');
is($got{0}, $evaluated, 'each evaluated attempt answered 303 (wrong password)');
is($got{1}, $N - $evaluated, "the other " . ($N - $evaluated) . " answered 429");
is($blocked, $N - $evaluated, 'and each block logged');
$srv->stop;
