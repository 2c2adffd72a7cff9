# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Local accounts beside SSO: the form, its CSRF token, the per-address
# throttle, SSO users without passwords, disabled accounts, and httpd's own
# authn providers.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(site_url new_browser session_cookie server_log_since log_size);
use HTTP::Request::Common qw(POST);

plan tests => 32;

my $store = "sqlite3:$ENV{SSO_TEST_OUT}/users-local.db";
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s $store";
system("echo 'admin-pass' | $cli add localadmin Administrators >/dev/null") == 0 or die;
system("echo 'other-pass' | $cli add disableduser Administrators >/dev/null") == 0 or die;
system("$cli disable disableduser >/dev/null") == 0 or die;
system("$cli link ssoonly http://example.invalid 1234 >/dev/null") == 0 or die;

sub form_of {
    my ($ua, $vhost, $ret) = @_;
    my $res = $ua->get(site_url('/sso/login?return=' . ($ret // '/protected/admin/'), $vhost));
    my ($csrf) = $res->content =~ /name="csrf" value="([^"]+)"/;
    return ($res, $csrf);
}
sub post_login {
    my ($ua, $vhost, $user, $pass, $csrf, $ret) = @_;
    return $ua->request(POST site_url('/sso/login', $vhost),
        [ username => $user, password => $pass, csrf => $csrf, return => $ret // '/protected/admin/' ]);
}

# The page: SSO button, local form, CSRF token bound to a cookie.
my $ua = new_browser();
my ($page, $csrf) = form_of($ua, 'LOCAL');
is($page->code, 200, 'login page served');
like($page->content, qr/Login with SSO/, 'it has the SSO button');
like($page->content, qr/<form method="post" action="\/sso\/login">/, 'and the local form');
like($csrf // '', qr/^[A-Za-z0-9_-]{43}$/, 'with a CSRF token');
is(session_cookie($ua, 'sso_session_csrf'), $csrf, 'bound to a pre-login cookie');

# No or wrong token: refused.
my $res = post_login(new_browser(), 'LOCAL', 'localadmin', 'admin-pass', $csrf);
is($res->code, 403, 'POST without the CSRF cookie refused');
$res = post_login($ua, 'LOCAL', 'localadmin', 'admin-pass', 'x' x 43);
is($res->code, 403, 'POST with a wrong token refused');
ok(!session_cookie($ua), 'no session');

# Good password: a local session; Require sso-group works for it.
$res = post_login($ua, 'LOCAL', 'LocalAdmin', 'admin-pass', $csrf);
is($res->code, 303, 'good password: redirected');
is($res->header('Location'), '/protected/admin/', 'to the return path');
# The login is recorded in the registry, as SSO logins are (issue 20).
like(`$cli show localadmin`, qr/^last login:  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d from 127\.0\.0\.1 \(local\)$/m,
     'sso-users show: last login with time, address and method');
like(`$cli list`, qr/^localadmin +local +Administrators +no +\d{4}-\S+ \S+ from 127\.0\.0\.1 \(local\)$/m,
     'sso-users list: the same');
$res = $ua->get(site_url('/protected/admin/', 'LOCAL'));
is($res->code, 200, 'local admin passes Require sso-group Administrators');
my $env = $ua->get(site_url('/protected/env.cgi', 'LOCAL'))->content;
like($env, qr/^SSO_AUTH_METHOD=local$/m, 'SSO_AUTH_METHOD=local');
like($env, qr/^REMOTE_USER=localadmin$/m, 'REMOTE_USER is the local account');
like($env, qr/^SSO_GROUPS=Administrators$/m, 'with its local groups');

# SSOPassHeaders On: the identity as X-SSO-* request headers; a client's own
# copies are replaced, never passed on.
$env = $ua->get(site_url('/protected/env.cgi', 'LOCAL'), 'X-SSO-User' => 'root',
                'X_SSO_Groups' => 'Administrators,Evil')->content;
like($env, qr/^HTTP_X_SSO_USER=localadmin$/m, 'SSOPassHeaders: X-SSO-User is the session user');
like($env, qr/^HTTP_X_SSO_GROUPS=Administrators$/m, 'SSOPassHeaders: X-SSO-Groups from the session');
unlike($env, qr/root|Evil/, 'the client\'s spoofed headers are gone');

# Wrong password, unknown user, SSO user: one and the same answer.
my %answer;
for my $case ([localadmin => 'nope'], [nosuchuser => 'nope'], [ssoonly => 'nope']) {
    my $b = new_browser();
    my (undef, $t) = form_of($b, 'LOCAL');
    my $r = post_login($b, 'LOCAL', @$case, $t);
    my $follow = $b->get(site_url($r->header('Location') // '/', 'LOCAL'));
    $answer{$case->[0]} = $r->code . ' ' . ($follow->content =~ /(The username or password is incorrect\.)/)[0];
}
is($answer{localadmin}, '303 The username or password is incorrect.', 'wrong password: message on the login page');
is($answer{nosuchuser}, $answer{localadmin}, 'unknown user: the same answer');
is($answer{ssoonly}, $answer{localadmin}, 'SSO user with a password: the same answer');

# Disabled: says so once the password is right.
my $b = new_browser();
my (undef, $t) = form_of($b, 'LOCAL');
$res = post_login($b, 'LOCAL', 'disableduser', 'other-pass', $t);
is($res->code, 403, 'disabled local account: 403');
like($res->content, qr/User account is disabled/, 'the page says so');

# Throttle: 5 failures from one address block it for 300 s, right
# password included. (3 failures above already count.)
my $mark = log_size();
for (1 .. 2) { post_login($b, 'LOCAL', 'localadmin', 'bad', $t) }
$res = post_login($b, 'LOCAL', 'localadmin', 'admin-pass', $t);
is($res->code, 429, 'after 5 failures: 429, even with the right password');
like($res->content, qr/Too many failed sign-in attempts/, 'the page says why');
ok(($res->header('Retry-After') // 0) > 200, 'Retry-After is about 300 s');
like(server_log_since($mark), qr/local login refused: 127\.0\.0\.1 is blocked for \d+ more seconds after 5 failed logins/,
     'the block is logged');
like(server_log_since($mark), qr/local login failed for user 'localadmin' from 127\.0\.0\.1 \(5 of 5/,
     'each failure is logged with its count');

# SSOLocalAuthProvider file: an htpasswd user logs in; no registry needed.
$b = new_browser();
(undef, $t) = form_of($b, 'AUTHN', '/protected/');
$res = post_login($b, 'AUTHN', 'webuser', 'web-pass', $t, '/protected/');
is($res->code, 303, 'SSOLocalAuthProvider file: htpasswd user accepted');
like($b->get(site_url('/protected/env.cgi', 'AUTHN'))->content, qr/^REMOTE_USER=webuser$/m,
     'and served as that user');
$b = new_browser();
(undef, $t) = form_of($b, 'AUTHN');
$res = post_login($b, 'AUTHN', 'webuser', 'wrong', $t);
like($res->header('Location') // '', qr{^/sso/login\?error=credentials}, 'wrong htpasswd password: refused');
