# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Local logins are recorded in the registry (sso-users "last login"), and
# a registry that refuses that write does not lock the account out: the
# login goes on, and one log line names the cause (issue 20).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST);
use SSOTest qw(new_browser);
use SSOServer;

plan tests => 6;

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2});
my $db = "$srv->{dir}/users.db";
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$db";
system("echo 'rescue-pass' | $cli add rescue Administrators >/dev/null") == 0 or die;
# Every write of a last login fails, as on a full disk or a read-only copy.
system('sqlite3', $db, q{CREATE TRIGGER refuse_touch BEFORE UPDATE OF last_login ON users
                          BEGIN SELECT RAISE(ABORT, 'last_login refused by the test'); END;}) == 0 or die;
$srv->start;

sub local_login {
    my $ua = new_browser();
    my ($csrf) = $ua->get($srv->url('/sso/login'))->content =~ /name="csrf" value="([^"]+)"/;
    my $res = $ua->request(POST $srv->url('/sso/login'),
        [ username => 'rescue', password => 'rescue-pass', csrf => $csrf, return => '/protected/' ]);
    return ($ua, $res);
}

my ($ua, $res) = local_login();
is($res->code, 303, 'registry refuses the last-login write: the login still succeeds');
like($ua->get($srv->url('/protected/'))->content, qr/PROTECTED-CONTENT/, 'and the session works');
like($srv->log, qr/\[auth_sso:warn\] .*local user rescue logged in, but its last login was not recorded: .*last_login refused by the test.* \(check SSOUserStore\)/,
     'one log line names the cause and the directive');
like(`$cli show rescue`, qr/^last login: +never$/m, 'nothing was recorded');

system('sqlite3', $db, 'DROP TRIGGER refuse_touch') == 0 or die;
($ua, $res) = local_login();
is($res->code, 303, 'registry writable again: login succeeds');
like(`$cli show rescue`, qr/^last login: +\d{4}-\S+ \S+ from 127\.0\.0\.1 \(local\)$/m,
     'and is recorded with time, address and method');
$srv->stop;
