# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# OpenID Connect Back-Channel Logout 1.0 at /sso/backchannel-logout: the
# provider ends a user's sessions there, and the user's sessions here end
# on both of two servers sharing Redis. Hostile logout tokens (bad
# signature, nonce, no events, wrong aud, replayed jti, neither sid nor
# sub) are refused with 400 and a JSON error, and change nothing.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser op_url log_when);
use SSOServer;
use SSOStore;
use HTTP::Request::Common qw(POST);
use JSON::PP qw(decode_json encode_json);
use MIME::Base64 qw(encode_base64url decode_base64url);

plan tests => 41;

my $ALICE_SUB = '1f6a3a52-7c2e-4d0b-9a51-3c1f0e6b7a01';
my $redis = SSOStore->new(kind => 'redis', port => $ENV{SSO_TEST_PORT_REDIS})->start;
my @lines = ("SSOSessionCache redis:127.0.0.1:$ENV{SSO_TEST_PORT_REDIS}");
my $db = "$ENV{SSO_TEST_OUT}/users-backchannel.db";
# The provider sends back-channel logout to SRV1 (test/run-apache-tests).
my $events_log;
my $a = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, store => $db, lines => \@lines);
$events_log = "$a->{dir}/events.log";
$a->lines_add(qq{CustomLog $events_log "%{sso-event}n %{sso-event-cause}n" "expr=-n note('sso-event')"});
$a->start;
my $b = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2}, store => $db, lines => \@lines)->start;
my $op = new_browser();

sub served { my ($ua, $srv) = @_; $ua->get($srv->url('/protected/'))->content =~ /PROTECTED-CONTENT/ ? 1 : 0 }

# Two browsers of alice (two provider sessions), one signed in on each server.
my ($ua1, @s1) = login(user => 'alice', url => $a->url('/protected/'));
my ($ua2, @s2) = login(user => 'alice', url => $b->url('/protected/'));
my ($bob) = login(user => 'bob', url => $a->url('/protected/'));
is($s1[-1]->code + $s2[-1]->code, 400, 'alice signed in twice, on A and on B');
is(served($ua1, $b) + served($ua2, $a), 2, 'each session served on the other server too');

# ---- hostile tokens: 400, JSON error, nothing ends ----
sub sign_claims {
    my (%claims) = @_;
    my $res = $op->post(op_url() . '/_test/sign', Content => encode_json({ claims => \%claims }));
    die 'sign: ' . $res->status_line unless $res->is_success;
    return decode_json($res->content)->{token};
}
my $jti = 0;
sub claims {
    my (%o) = @_;
    my %c = (iss => op_url(), aud => $ENV{SSO_TEST_CLIENT_ID}, iat => time, jti => "test-jti-$$-" . ++$jti,
             sub => $ALICE_SUB, events => { 'http://schemas.openid.net/event/backchannel-logout' => {} }, %o);
    delete $c{$_} for grep { !defined $c{$_} } keys %c;
    return %c;
}
sub send_token {
    my ($token) = @_;
    return $op->request(POST $a->url('/sso/backchannel-logout'), [ logout_token => $token ]);
}

my $good = sign_claims(claims());
my @parts = split /\./, $good;
my $sig = decode_base64url($parts[2]);
substr($sig, 10, 1) = chr(ord(substr($sig, 10, 1)) ^ 1);
my %hostile = (
    'bad signature'        => join('.', @parts[0, 1], encode_base64url($sig)),
    'nonce present'        => sign_claims(claims(nonce => 'n-1')),
    'no events'            => sign_claims(claims(events => undef)),
    'events without the backchannel-logout member' => sign_claims(claims(events => { 'http://example.com/other' => {} })),
    'wrong aud'            => sign_claims(claims(aud => 'someone-else')),
    'neither sid nor sub'  => sign_claims(claims(sub => undef)),
    'iat out of skew'      => sign_claims(claims(iat => time - 3600)),
);
for my $case (sort keys %hostile) {
    my $res = send_token($hostile{$case});
    is($res->code, 400, "$case: 400");
    my $doc = eval { decode_json($res->content) } // {};
    ok($doc->{error} && $res->header('Cache-Control') =~ /no-store/, "$case: JSON error ($doc->{error}), no-store");
}
like($a->log, qr/back-channel logout refused: logout token has a nonce/, 'the refusal is logged with its cause');
is($op->request(POST $a->url('/sso/backchannel-logout'), [ other => 1 ])->code, 400, 'no logout_token: 400');
is($op->get($a->url('/sso/backchannel-logout'))->code, 405, 'GET: 405');
is(served($ua1, $a) + served($ua1, $b) + served($ua2, $a) + served($ua2, $b), 4,
   'after the hostile tokens both sessions of alice are still served on both servers');

# ---- a valid token by sub: every session of alice, on both servers ----
my $res = send_token($good);
is($res->code, 200, 'a valid logout token (sub only): 200');
is($res->content, '{}', 'with an empty JSON object');
like($res->header('Cache-Control') // '', qr/no-store/, 'and Cache-Control: no-store');
is(served($ua1, $a) + served($ua2, $a), 0, 'both sessions of alice end at once on A, which got the token');
# B may reuse a record it read less than SSOSessionCacheReuse (2 s) ago:
# that is the longest a logout on another server takes to apply there.
select(undef, undef, undef, 2.2);
is(served($ua1, $a) + served($ua1, $b) + served($ua2, $a) + served($ua2, $b), 0,
   'both sessions of alice end on both servers (B within SSOSessionCacheReuse)');
ok(served($bob, $a) && served($bob, $b), 'bob is still served');
like($a->log, qr/back-channel logout of user \Q$ALICE_SUB\E: 2 sessions ended/, 'logged');
is(scalar(() = log_when($events_log, qr/^session-ended backchannel$/m) =~ /^session-ended backchannel$/mg), 1,
   'sso-event: session-ended, backchannel (once, the valid token; the refused ones note nothing)');

# A replayed jti is refused and ends nothing.
($ua1, @s1) = login(user => 'alice', url => $a->url('/protected/'));
ok(served($ua1, $a), 'alice signed in again');
$res = send_token($good);
is($res->code, 400, 'the same token again (replayed jti): 400');
like($res->content, qr/"error"/, 'with a JSON error');
like($a->log, qr/logout token jti was seen before/, 'the replay is logged');
ok(served($ua1, $a) && served($ua1, $b), 'the new session is still served on both servers');

# ---- the provider ends alice's sessions (each with its sid) ----
($ua2, @s2) = login(user => 'alice', url => $b->url('/protected/'));
ok(served($ua2, $a), 'alice signed in in the second browser again (on B)');
$res = $op->post(op_url() . '/_test/users/alice/logout');
my $done = eval { decode_json($res->content) } // {};
my @sent = grep { $_->{clientId} eq $ENV{SSO_TEST_CLIENT_ID} } @{ $done->{notified} // [] };
cmp_ok(scalar @sent, '>=', 2, 'the provider sent a logout token per session of alice');
is(scalar(grep { !$_->{ok} } @sent), 0, 'and each was answered 200')
    or diag explain \@sent;
select(undef, undef, undef, 2.2);    # SSOSessionCacheReuse, as above
is(served($ua1, $a) + served($ua1, $b) + served($ua2, $a) + served($ua2, $b), 0,
   "alice's next requests are not served, on either server");
like($a->log, qr/back-channel logout of provider session \S+: 1 session ended/, 'ended by sid');
ok(served($bob, $a), 'bob is still served');

# Signing in again works, and the provider asks for the password again.
my $fresh = new_browser();
my @seen = SSOTest::follow($fresh, $fresh->get($a->url('/protected/')), click_sso => 1);
like($seen[-1]->content, qr{action="/interaction/[^"]+/login"}, 'a new sign-in shows the provider form');
@seen = SSOTest::follow($fresh, $seen[-1], user => 'alice');
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'and works');

$_->stop for $a, $b;
$redis->stop;
