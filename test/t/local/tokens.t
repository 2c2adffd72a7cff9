# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# API tokens (SSOAPITokens On): sso-users token add/list/revoke, a script
# with "Authorization: Bearer TOKEN" is the token's user with the user's
# registry groups, no cookie is made; wrong, revoked, expired tokens and
# those of disabled or deleted users get 401 with RFC 6750's challenge;
# wrong tokens count against the per-address throttle; a wrong and a
# revoked token cost the same. A server of its own, SSOAccountRecheck 1,
# and an audit CustomLog of the sso-event notes.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOServer;
use SSOTest qw(log_when);
use LWP::UserAgent;
use Time::HiRes qw(time sleep);

plan tests => 50;

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => [
    'SSOAPITokens On', 'SSOAccountRecheck 1',
    'LogFormat "%a %u %{sso-event}n %{sso-event-cause}n %>s %U" ssoaudit',
    'CustomLog audit_log ssoaudit',
    '<Location /protected>',
    'Header always set X-Echo-Method "%{SSO_AUTH_METHOD}e"',
    'Header always set X-Echo-Groups "%{SSO_GROUPS}e"', '</Location>',
    '<Location /protected/admin>', 'Require sso-group admins', '</Location>',
])->start;
my $db = "$srv->{dir}/users.db";
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$db";

sub cli { my $out = `$cli @_ 2>&1`; return ($? >> 8, $out) }

# Every request from an address of its own (127.0.0.2 ...), so that the
# failures this test provokes on purpose do not add up to a throttle
# block; the throttle has its own test below.
my $next_addr = 2;
sub get {
    my ($path, $token, $addr) = @_;
    $addr //= '127.0.0.' . ($next_addr++ % 240 + 2);
    my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30,
                                 local_address => $addr);
    return $ua->get($srv->url($path),
                    defined $token ? (Authorization => "Bearer $token") : ());
}

system("echo 'alice-password' | $cli add alice admins >/dev/null") == 0 or die;
system("echo 'bob-password' | $cli add bob staff >/dev/null") == 0 or die;

# ---- sso-users token ----
my ($rc, $out) = cli('token alice add ci');
is($rc, 0, 'token add: exit 0');
my ($alice) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
ok($alice, 'token add prints a 43-character base64url token');
like($out, qr/shown only now/, 'and says it is shown once');
my $hash = `sqlite3 $db "SELECT token_hash FROM api_tokens WHERE token_name = 'ci'"`;
chomp $hash;
like($hash, qr/^[0-9a-f]{64}$/, 'the registry keeps a SHA-256 hex');
unlike(`sqlite3 $db .dump`, qr/\Q$alice\E/, 'and never the token');
($rc, $out) = cli('token alice add ci');
is($rc, 1, 'a second token of the same name: exit 1');
($rc, $out) = cli('token nobody add x');
is($rc, 2, 'token of an unknown user: exit 2');
($rc, $out) = cli('token alice add x 0');
is($rc, 1, 'DAYS 0 refused');
($rc, $out) = cli('token alice frob');
is($rc, 1, 'an unknown token command: usage');
(undef, $out) = cli('token bob add script');
my ($bob) = $out =~ /^([A-Za-z0-9_-]{43})$/m;

# ---- using one ----
my $res = get('/protected/', $alice);
is($res->code, 200, 'a Bearer token: 200');
is($res->header('X-Echo-User'), 'alice', 'as its user');
is($res->header('X-Echo-Method'), 'token', 'SSO_AUTH_METHOD=token');
is($res->header('X-Echo-Groups'), 'admins', 'with the registry groups');
ok(!$res->header('Set-Cookie'), 'no cookie made');
is(get('/protected/admin/', $alice)->code, 200, 'Require sso-group admins: alice in');
is(get('/protected/admin/', $bob)->code, 403, 'bob (staff) is not');
is(get('/protected/', $bob)->header('X-Echo-User'), 'bob', 'bob is bob');
(undef, $out) = cli('token alice list');
like($out, qr/^ci\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+never\s+\d{4}-/m,
     'list: created, never expires, last used recorded');

# SSO users alike (pre-created with link: no provider login needed)
system("$cli link carol $ENV{SSO_TEST_OP_URL} carol-sub admins >/dev/null") == 0 or die;
(undef, $out) = cli('token carol add sso-script');
my ($carol) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
$res = get('/protected/admin/', $carol);
is($res->code, 200, "an SSO user's token: 200 under Require sso-group");
is($res->header('X-Echo-User') . ' ' . $res->header('X-Echo-Method'), 'carol token',
   'as that user, method token');

# groups follow the registry within SSOAccountRecheck
cli('groups alice add ops');
sleep 1.2;
is(get('/protected/', $alice)->header('X-Echo-Groups'), 'admins,ops',
   'a group added is seen within SSOAccountRecheck');

# ---- wrong token ----
$res = get('/protected/', 'x' x 43);
is($res->code, 401, 'a wrong token: 401');
is($res->header('WWW-Authenticate'), 'Bearer error="invalid_token"',
   'with the Bearer challenge');
ok(!$res->header('Set-Cookie'), 'and no cookie');
like($srv->log, qr/SSO\d+: API token refused from 127\.0\.0\.\d+: invalid/,
     'one log line names the cause');
is(get('/protected/', '')->code, 401, 'an empty Bearer token: 401');

# ---- revoke ----
($rc, $out) = cli('token alice revoke ci');
is($rc, 0, 'revoke: exit 0');
($rc) = cli('token alice revoke ci');
is($rc, 2, 'revoking it again: exit 2');
sleep 1.2;
$res = get('/protected/', $alice);
is($res->code, 401, 'a revoked token: 401 within SSOAccountRecheck');
unlike(`$cli token alice list`, qr/^ci /m, 'and gone from the list');

# ---- expired ----
(undef, $out) = cli('token alice add old 1');
my ($old) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
like(`$cli token alice list`, qr/^old\s+\S+ \S+\s+\d{4}-/m, 'DAYS sets an expiry');
is(get('/protected/', $old)->code, 200, 'a token for a day works');
system('sqlite3', $db, "UPDATE api_tokens SET expires = CAST(strftime('%s','now') AS INTEGER) - 1 WHERE token_name = 'old'") == 0 or die;
sleep 1.2;
$res = get('/protected/', $old);
is($res->code, 401, 'once expired: 401 within SSOAccountRecheck');
like($srv->log, qr/API token refused from \S+: expired \(token 'old' of user alice\)/,
     'logged as expired');

# ---- disabled and deleted users ----
(undef, $out) = cli('token alice add again');
my ($again) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
is(get('/protected/', $again)->code, 200, 'a new token works');
cli('disable alice');
sleep 1.2;
$res = get('/protected/', $again);
is($res->code, 401, 'its user disabled: 401 within SSOAccountRecheck');
like($srv->log, qr/API token refused from \S+: disabled \(token 'again'/, 'logged as disabled');
cli('enable alice');
is(get('/protected/', $again)->code, 200, 'enabled again: 200');
cli('delete alice');
sleep 1.2;
is(get('/protected/', $again)->code, 401, 'its user deleted: 401');

# ---- the audit notes ----
my $audit = log_when("$srv->{dir}/audit_log", qr/^\S+ bob token bearer 200 /m,
                     map { qr/ token-refused $_ 401 / } qw(invalid expired disabled));
like($audit, qr/^\S+ bob token bearer 200 /m, 'sso-event token, cause bearer');
like($audit, qr/ token-refused invalid 401 /, 'token-refused invalid');
like($audit, qr/ token-refused expired 401 /, 'token-refused expired');
like($audit, qr/ token-refused disabled 401 /, 'token-refused disabled');

# ---- the throttle: wrong tokens count against the address ----
my @codes = map { get('/protected/', "wrong$_", '127.0.0.251')->code } 1 .. 6;
is("@codes", '401 401 401 401 401 429', 'the sixth wrong token in a row is throttled');
like($srv->log, qr/API token refused: 127\.0\.0\.251 is blocked for \d+ more seconds/,
     'and the block logged');

# ---- a right token sent many times at once never counts as a failure ----
# (counted first and taken back, the requests in flight at once blocked the
# address: a script's parallel requests got 429s). wrk, 50 connections, a
# token new to every child.
(undef, $out) = cli('token bob add parallel');
my ($par) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
my $wrk = `wrk -t 2 -c 50 -d 2 -H 'Authorization: Bearer $par' ${\ $srv->url('/protected/')} 2>&1`;
my ($wrk_n) = $wrk =~ /(\d+) requests in/;
my ($wrk_bad) = $wrk =~ /Non-2xx or 3xx responses: (\d+)/;
ok($wrk_n && $wrk_n > 100 && !$wrk_bad,
   sprintf('50 connections at once with a right token: %d requests, %d not 200 (none throttled)',
           $wrk_n // 0, $wrk_bad // 0)) or diag($wrk);

# ---- timing: a wrong and a revoked token cost the same ----
(undef, $out) = cli('token bob add doomed');
my ($doomed) = $out =~ /^([A-Za-z0-9_-]{43})$/m;
is(get('/protected/', $doomed)->code, 200, 'the token to revoke works');
cli('token bob revoke doomed');
sleep 1.2;
my (@wrong, @revoked);
for my $i (1 .. 25) {
    my @cases = ([\@wrong, 'y' x 43], [\@revoked, $doomed]);
    @cases = reverse @cases if $i % 2;    # neither always goes first
    for my $case (@cases) {
        my $t0 = time;
        my $code = get('/protected/', $case->[1])->code;
        push @{ $case->[0] }, time - $t0;
        die "expected 401, got $code" unless $code == 401;
    }
}
sub median { my @s = sort { $a <=> $b } @_; return $s[@s / 2] }
my $ratio = median(@revoked) / median(@wrong);
diag(sprintf 'median wrong %.2f ms, revoked %.2f ms, ratio %.2f',
     1000 * median(@wrong), 1000 * median(@revoked), $ratio);
cmp_ok($ratio, '>', 0.5, 'a revoked token costs no less than half a wrong one');
cmp_ok($ratio, '<', 2, 'nor more than twice');

# ---- Off (the default) on the shared test server: Bearer is no login ----
my $main = LWP::UserAgent->new(max_redirect => 0)->get(
    'http://' . Apache::TestRequest::hostport() . '/protected/',
    Authorization => "Bearer $bob");
is($main->code, 302, 'SSOAPITokens Off: a Bearer token is ignored (login redirect)');
$srv->stop;
