# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# TOTP for local accounts (SSOLocalTOTP): the two-step login, wrong,
# replayed and old codes, the limits per address and per account, and
# enrolment under Required. Codes are computed here from the secret that
# sso-users or the enrolment page gave (RFC 6238, t/lib/SSOTOTP.pm).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(site_url new_browser session_cookie server_log_since log_size log_when);
use SSOTOTP qw(totp_code);
use HTTP::Request::Common qw(POST);

plan tests => 55;

my $out = $ENV{SSO_TEST_OUT};
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$out/totp/users.db";
my $req_cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$out/totp-req/users.db";
for (['admin', 'admin-pass'], ['ops', 'ops-pass'], ['plain', 'plain-pass']) {
    system("echo '$_->[1]' | $cli add $_->[0] Administrators >/dev/null") == 0 or die;
}
system("echo 'req-pass' | $req_cli add req Administrators >/dev/null") == 0 or die;

# sso-users totp enable: the secret it prints is what codes come from.
sub enable {
    my ($user) = @_;
    my $text = `$cli -i totp.test totp $user enable`;
    my ($secret) = $text =~ /^secret:  ([A-Z2-7]{32})$/m or die "no secret in: $text";
    return $secret;
}
my $secret = enable('admin');
my $ops_secret = enable('ops');

sub browser {
    my ($addr) = @_;
    my $ua = new_browser();
    $ua->local_address($addr) if $addr;
    return $ua;
}
sub csrf_of {
    my ($ua, $vhost) = @_;
    my $res = $ua->get(site_url('/sso/login?return=/protected/admin/', $vhost));
    my ($csrf) = $res->content =~ /name="csrf" value="([^"]+)"/;
    return $csrf;
}
sub password {
    my ($ua, $user, $pass, $vhost) = @_;
    $vhost //= 'TOTP';
    my $csrf = csrf_of($ua, $vhost);
    return $ua->request(POST site_url('/sso/login', $vhost),
        [ username => $user, password => $pass, csrf => $csrf, return => '/protected/admin/' ]);
}
sub code {
    my ($ua, $code, $step, $vhost) = @_;
    $vhost //= 'TOTP';
    my $csrf = session_cookie($ua, 'sso_session_csrf');
    return $ua->request(POST site_url('/sso/login', $vhost),
        [ step => $step // 'code', code => $code, csrf => $csrf ]);
}
sub admin_page { $_[0]->get(site_url('/protected/admin/', $_[1] // 'TOTP'))->code }
sub location { ($_[0]->header('Location') // '') =~ s/[?&]ref=[^&]*//r }

# ---- the password step says nothing about TOTP until the password is right
my $wrong_totp = password(browser(), 'admin', 'nope');
my $wrong_plain = password(browser(), 'plain', 'nope');
is($wrong_totp->code, 303, 'wrong password, account with TOTP: 303');
is(location($wrong_totp), location($wrong_plain), 'the same answer as for an account without TOTP');
like(location($wrong_totp), qr{^/sso/login\?error=credentials}, 'back to the password form');

# ---- an account without TOTP (Optional): the password is enough
my $ua = browser();
my $res = password($ua, 'plain', 'plain-pass');
is(location($res), '/protected/admin/', 'no TOTP: signed in with the password');
is(admin_page($ua), 200, 'and served');

# ---- the two steps
$ua = browser();
my $mark = log_size();
$res = password($ua, 'admin', 'admin-pass');
is($res->code, 303, 'right password, account with TOTP: 303');
is(location($res), '/sso/login?step=code', 'to the code step');
ok(!session_cookie($ua), 'no session after the password step');
ok(session_cookie($ua, 'sso_session_totp'), 'a pending-step cookie instead');
isnt(admin_page($ua), 200, 'nothing protected is served yet');
my $page = $ua->get(site_url('/sso/login?step=code', 'TOTP'));
is($page->code, 200, 'the code step is a page');
like($page->content, qr/name="code"[^>]*autocomplete="one-time-code"/, 'asking for the code');
like($page->content, qr/name="step" value="code"/, 'in the code form');

$res = code($ua, totp_code($secret) == 0 ? '000001' : sprintf('%06d', (totp_code($secret) + 1) % 1000000));
is(location($res), '/sso/login?step=code&error=code', 'a wrong code: back to the code step');
ok(!session_cookie($ua), 'and no session');
like($ua->get(site_url('/sso/login?step=code&error=code', 'TOTP'))->content, qr/The code is incorrect/,
     'the page says the code is incorrect');
$res = code($ua, totp_code($secret, time - 90));
is(location($res), '/sso/login?step=code&error=code', 'an old code (3 steps back): refused');
$res = code($ua, 'abcdef');
is(location($res), '/sso/login?step=code&error=code', 'not digits: refused');
my $log = server_log_since($mark);
like($log, qr/local user admin gave the right password; a TOTP code is due/, 'the password step is logged');
like($log, qr/local login failed for user 'admin' from 127\.0\.0\.1: a wrong TOTP code \(\d of 5 before a 300 s block\)/,
     'a wrong code is logged with its count');

my $pending = session_cookie($ua, 'sso_session_totp');
my $now_code = totp_code($secret);
$res = code($ua, $now_code);
is(location($res), '/protected/admin/', 'the right code: signed in, to the return path');
ok(session_cookie($ua), 'a session now');
ok(!session_cookie($ua, 'sso_session_totp'), 'the pending-step cookie is gone');
is(admin_page($ua), 200, 'and served');
like($ua->get(site_url('/protected/env.cgi', 'TOTP'))->content, qr/^REMOTE_USER=admin$/m, 'as admin');

# The pending record was single-use: its cookie again finds nothing.
my $again = browser();
$res = $again->request(POST site_url('/sso/login', 'TOTP'),
    [ step => 'code', code => totp_code($secret, time + 30), csrf => 'x' x 43 ],
    Cookie => "sso_session_csrf=" . ('x' x 43) . "; sso_session_totp=$pending");
is(location($res), '/sso/login?expired=1', 'the used pending record is gone');
ok(!session_cookie($again), 'no session from it');

# ---- replay: the code used just now is refused, the next one taken
$ua = browser();
password($ua, 'admin', 'admin-pass');
$mark = log_size();
$res = code($ua, $now_code);
is(location($res), '/sso/login?step=code&error=code', 'a replayed code: refused');
ok(!session_cookie($ua), 'no session');
like(server_log_since($mark), qr/local login failed for user 'admin' from 127\.0\.0\.1: a TOTP code used already/,
     'the replay is logged as such');
$res = code($ua, totp_code($secret, time + 30));
is(location($res), '/protected/admin/', 'the next step\'s code is taken');
like(`$cli show admin`, qr/^last login: .* from 127\.0\.0\.1 \(local\)$/m, 'the login is recorded');

# ---- the code step needs its CSRF token
$ua = browser();
password($ua, 'ops', 'ops-pass');
$res = $ua->request(POST site_url('/sso/login', 'TOTP'),
    [ step => 'code', code => totp_code($ops_secret), csrf => 'y' x 43 ]);
is($res->code, 403, 'the code form with a wrong CSRF token: 403');
ok(!session_cookie($ua), 'no session');

# ---- wrong codes count per address, with wrong passwords
my $b = browser('127.0.0.5');
password($b, 'ops', 'nope');                          # 1
password($b, 'ops', 'ops-pass');                      # 2: the password step counts
code($b, '000000') for 1 .. 2;                        # 3, 4
$res = code($b, '999999');                            # 5
$res = code($b, totp_code($ops_secret));
is($res->code, 429, 'per address: after 5 failures (passwords and codes), 429 even for the right code');
like($res->content, qr/Too many failed sign-in attempts/, 'the address block page');
ok(!session_cookie($b), 'no session');

# ---- and per account, from any address: at most 5 wrong codes
$mark = log_size();
my $c1 = browser('127.0.0.6');
password($c1, 'admin', 'admin-pass');
code($c1, '000000') for 1 .. 2;
my $c2 = browser('127.0.0.7');
password($c2, 'admin', 'admin-pass');
code($c2, '000000') for 1 .. 3;                       # 5 wrong codes for admin
$res = code($c2, totp_code($secret, time + 30));
is($res->code, 429, 'per account: after 5 wrong codes, 429 even for the right code');
like($res->content, qr/Too many wrong codes for this account/, 'the account block page');
ok(!session_cookie($c2), 'no session');
like(server_log_since($mark), qr/local login refused: user 'admin' is blocked for \d+ more seconds after 5 wrong TOTP codes/,
     'the account block is logged');

# ---- sso-event notes (CustomLog %{sso-event}n %{sso-event-cause}n)
my $events = log_when("$out/totp-events.log", qr/^local-login totp /m, qr/ totp-wrong /,
                      qr/ totp-replayed /, qr/ totp-throttled /);
like($events, qr/^local-login totp 127\.0\.0\.1$/m, 'sso-event: local-login, cause totp');
like($events, qr/^local-login-failed totp-wrong /m, 'sso-event: local-login-failed, cause totp-wrong');
like($events, qr/^local-login-failed totp-replayed /m, 'sso-event: cause totp-replayed');
like($events, qr/^local-login-failed totp-throttled 127\.0\.0\.7$/m, 'sso-event: cause totp-throttled');

# ---- SSOLocalTOTP Required: an account without TOTP enrols first
$ua = browser();
$res = password($ua, 'req', 'req-pass', 'TOTP_REQ');
is(location($res), '/sso/login?step=enrol', 'Required, no TOTP yet: sent to enrolment');
ok(!session_cookie($ua), 'no session');
isnt(admin_page($ua, 'TOTP_REQ'), 200, 'nothing protected is served');
$page = $ua->get(site_url('/sso/login?step=enrol', 'TOTP_REQ'))->content;
like($page, qr/<svg [^>]*viewBox="0 0 \d+ \d+".*<\/svg>/s, 'the enrolment page shows a QR code (SVG)');
my ($req_secret) = $page =~ /<code id="totp-secret">([A-Z2-7]{32})<\/code>/;
ok($req_secret, 'and the base32 secret');
$res = code($ua, '000000', 'enrol', 'TOTP_REQ') if totp_code($req_secret) ne '000000';
like(`$req_cli totp req status`, qr/disabled$/, 'a wrong code enrols nothing');
$res = code($ua, totp_code($req_secret), 'enrol', 'TOTP_REQ');
is(location($res), '/protected/admin/', 'the first right code enrols and signs in');
is(admin_page($ua, 'TOTP_REQ'), 200, 'served now');
like(`$req_cli totp req status`, qr/enabled$/, 'sso-users totp status: enabled');
$ua = browser();
$res = password($ua, 'req', 'req-pass', 'TOTP_REQ');
is(location($res), '/sso/login?step=code', 'the next login asks for a code');
