# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# /sso/account: a local user changes its password, enrols TOTP and removes
# it; each form refuses a wrong CSRF token; each change ends the user's
# other sessions, is logged and notes sso-event. An SSO user sees who it is.
# Codes are computed here from the secret the page shows (t/lib/SSOTOTP.pm).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(site_url new_browser session_cookie server_log_since log_size login);
use SSOTOTP qw(totp_code);
use HTTP::Request::Common qw(POST);
use Time::HiRes qw(sleep);

plan tests => 62;

my $out = $ENV{SSO_TEST_OUT};
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$out/totp/users.db";
system("echo 'acct-pass' | $cli add acct Administrators 'DNS Operators' >/dev/null") == 0 or die;

sub url { site_url($_[0], 'TOTP') }
sub signin {
    my ($pass, $code) = @_;
    my $ua = new_browser();
    my ($csrf) = $ua->get(url('/sso/login'))->content =~ /name="csrf" value="([^"]+)"/;
    my $res = $ua->request(POST url('/sso/login'),
        [ username => 'acct', password => $pass, csrf => $csrf, return => '/protected/admin/' ]);
    if (defined $code && ($res->header('Location') // '') eq '/sso/login?step=code') {
        $res = $ua->request(POST url('/sso/login'), [ step => 'code', code => $code, csrf => $csrf ]);
    }
    return ($ua, $res);
}
sub page { $_[0]->get(url('/sso/account' . ($_[1] // ''))) }
sub token_of { ($_[0]->content =~ /name="csrf" value="([^"]+)"/)[0] }
sub act {
    my ($ua, $csrf, %f) = @_;
    return $ua->request(POST url('/sso/account'), [ %f, csrf => $csrf ]);
}
sub served { $_[0]->get(url('/protected/admin/'))->code == 200 }

# ---- no session: to the login page
my $res = new_browser()->get(url('/sso/account'));
is($res->code, 303, 'no session: redirected');
is($res->header('Location'), '/sso/login?return=%2fsso%2faccount', 'to the login page, back here after');

# ---- the page of a local user
my ($ua) = signin('acct-pass');
ok(served($ua), 'signed in');
my ($other) = signin('acct-pass');
ok(served($other), 'a second session of the same user');
$res = page($ua);
is($res->code, 200, 'the account page');
my $html = $res->content;
like($html, qr{<dd id="user">acct</dd>}, 'who: the user');
like($html, qr{<dd id="provider">Local account</dd>}, 'how: a local account');
like($html, qr{<dd id="groups">Administrators,DNS Operators</dd>}, 'the local groups');
like($html, qr/id="form-password"/, 'a password form');
like($html, qr/id="totp-state">Off\./, 'TOTP off');
like($html, qr/id="sign-out"/, 'a sign-out button');
my $csrf = token_of($res);
like($csrf // '', qr/^[A-Za-z0-9_-]{43}$/, 'a CSRF token');
isnt(token_of(page($other)), $csrf, 'bound to the session: another session has another');
like($res->header('Cache-Control') // '', qr/no-store/, 'not cached');

# ---- CSRF: each form refuses another token, and a request without session
my $mark = log_size();
for my $form ([ action => 'password', old => 'acct-pass', new => 'x1', again => 'x1' ],
              [ action => 'totp-enrol', code => '123456' ],
              [ action => 'totp-remove', code => '123456' ]) {
    my $r = act($ua, token_of(page($other)), @$form);
    is($r->code, 403, "$form->[1]: another session's token refused");
    $r = act($ua, 'A' x 43, @$form);
    is($r->code, 403, "$form->[1]: a made-up token refused");
}
is(act(new_browser(), $csrf, action => 'password', old => 'acct-pass', new => 'x1', again => 'x1')->code,
   403, 'the right token without the session cookie: refused');
like(server_log_since($mark), qr/account page: a change for acct refused: the form's token does not match the session/,
     'the refusal is logged');
ok(served($ua) && served($other), 'nothing changed: both sessions go on');

# ---- password
$res = act($ua, $csrf, action => 'password', old => 'wrong', new => 'new-pass', again => 'new-pass');
is($res->header('Location'), '/sso/account?error=old', 'a wrong current password: refused');
like(page($ua, '?error=old')->content, qr/The current password is incorrect/, 'and said so');
$res = act($ua, $csrf, action => 'password', old => 'acct-pass', new => 'new-pass', again => 'other');
is($res->header('Location'), '/sso/account?error=mismatch', 'new passwords that differ: refused');
$res = act($ua, $csrf, action => 'password', old => 'acct-pass', new => 'x' x 73, again => 'x' x 73);
is($res->header('Location'), '/sso/account?error=length', 'a password over 72 bytes: refused (as sso-users)');
$mark = log_size();
$res = act($ua, $csrf, action => 'password', old => 'acct-pass', new => 'new-pass', again => 'new-pass');
is($res->header('Location'), '/sso/account?done=password', 'the password is changed');
like(server_log_since($mark), qr/local user acct changed its password on the account page; its other sessions end/,
     'logged');
ok(served($ua), 'this session goes on (under a new ID)');
sleep 1.1;    # SSOAccountRecheck 1: the next second
my $gone = $other->get(url('/protected/admin/'));
is($gone->code, 302, 'the other session has ended');
like($gone->header('Location') // '', qr{/sso/login\?return=.*&expired=1},
     'sent to sign in again, as an ended session (not a 503)');
ok(!served((signin('acct-pass'))[0]), 'the old password no longer works');
($other) = signin('new-pass');
ok(served($other), 'the new one does');
$csrf = token_of(page($ua));

# ---- TOTP enrolment: QR code and secret, confirmed by a first code
$html = page($ua, '?enrol=1')->content;
like($html, qr/<svg [^>]*viewBox="0 0 \d+ \d+"/, 'enrolment shows a QR code (inline SVG)');
my ($secret) = $html =~ /<code id="totp-secret">([A-Z2-7]{32})<\/code>/;
ok($secret, 'and the base32 secret');
like(`$cli totp acct status`, qr/disabled$/, 'not enabled before a code confirms it');
my $wrong = totp_code($secret) eq '000000' ? '000001' : '000000';
$res = act($ua, $csrf, action => 'totp-enrol', code => $wrong);
is($res->header('Location'), '/sso/account?enrol=1&error=code', 'a wrong first code: refused');
like(`$cli totp acct status`, qr/disabled$/, 'still not enabled');
$mark = log_size();
my $t0 = time;
my $enrol_code = totp_code($secret, $t0);
$res = act($ua, $csrf, action => 'totp-enrol', code => $enrol_code);
is($res->header('Location'), '/sso/account?done=totp-on', 'the right code enables TOTP');
like(`$cli totp acct status`, qr/enabled$/, 'sso-users totp status: enabled');
like(server_log_since($mark), qr/local user acct enrolled TOTP on the account page; its other sessions end/, 'logged');
like(page($ua)->content, qr/id="totp-state">On:/, 'the page says TOTP is on');
sleep 1.1;
ok(!served($other), 'the other session has ended');

# ---- TOTP removal, with a current code
$csrf = token_of(page($ua));
my $next_code = totp_code($secret, $t0 + 30);
$res = act($ua, $csrf, action => 'totp-remove', code => $wrong eq $next_code ? '000002' : $wrong);
is($res->header('Location'), '/sso/account?error=code', 'removal with a wrong code: refused');
$res = act($ua, $csrf, action => 'totp-remove', code => $enrol_code);
is($res->header('Location'), '/sso/account?error=code', 'removal with the code used to enrol: refused (replay)');
like(`$cli totp acct status`, qr/enabled$/, 'still enabled');
$res = act($ua, $csrf, action => 'totp-remove', code => $next_code);
is($res->header('Location'), '/sso/account?done=totp-off', 'a current code removes it');
like(`$cli totp acct status`, qr/disabled$/, 'sso-users totp status: disabled');

# ---- enrol again, then sign in with password and code
$csrf = token_of(page($ua));
($secret) = page($ua, '?enrol=1')->content =~ /<code id="totp-secret">([A-Z2-7]{32})<\/code>/;
$res = act($ua, $csrf, action => 'totp-enrol', code => totp_code($secret));
is($res->header('Location'), '/sso/account?done=totp-on', 'enrolled again');
my ($b, $r1) = signin('new-pass');
is($r1->header('Location'), '/sso/login?step=code', 'the next sign-in asks for a code');
($b, $r1) = signin('new-pass', totp_code($secret, time + 30));
is($r1->header('Location'), '/protected/admin/', 'password and code: signed in');

# ---- sso-event notes
open my $ev, '<', "$out/totp-events.log" or die;
my $events = do { local $/; <$ev> };
like($events, qr/^account password-changed /m, 'sso-event: account, password-changed');
like($events, qr/^account totp-enrolled /m, 'sso-event: account, totp-enrolled');
like($events, qr/^account totp-removed /m, 'sso-event: account, totp-removed');
like($events, qr/^account-refused csrf /m, 'sso-event: account-refused, csrf');
like($events, qr/^session-ended account-changed /m, 'sso-event: session-ended, account-changed');

# ---- an SSO user: who it is, its groups, the provider, a sign-out button
my ($sso) = login(user => 'alice');
$res = $sso->get(site_url('/sso/account'));
is($res->code, 200, 'SSO user: the account page');
$html = $res->content;
like($html, qr{<dd id="provider">Single sign-on at \Q$ENV{SSO_TEST_OP_URL}\E}, 'the provider');
like($html, qr{<dd id="groups">[^<]+</dd>}, 'the local groups');
unlike($html, qr/id="form-password"|totp-state/, 'no password or TOTP forms');
is(act_sso($sso, token_of($res)), 403, 'a change posted anyway is refused');

sub act_sso {
    my ($ua, $csrf) = @_;
    return $ua->request(POST site_url('/sso/account'), [ action => 'password', old => 'x',
                        new => 'y', again => 'y', csrf => $csrf ])->code;
}
