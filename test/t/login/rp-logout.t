# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOLogoutAtProvider On (OpenID Connect RP-Initiated Logout 1.0): after
# the local logout the browser goes to the provider's end_session_endpoint
# with id_token_hint, client_id, post_logout_redirect_uri and a state; back
# at /sso/logged-out the state is checked once, and the signed-out page
# shows. "Login with SSO" then asks for the password again.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login follow session_cookie);
use SSOServer;
use HTTP::Request::Common qw(POST);
use URI;
use URI::QueryParam;

plan tests => 22;

my $port = $ENV{SSO_TEST_PORT_SRV1};
my $origin = "http://127.0.0.1:$port";
my $srv = SSOServer->new(port => $port, lines => ['SSOLogoutAtProvider On'])->start;

# The provider's logout form: its action and hidden xsrf, confirmed.
sub confirm_at_provider {
    my ($ua, $res) = @_;
    my ($action) = $res->content =~ m{<form[^>]*action="([^"]+)"};
    my ($xsrf) = $res->content =~ m{name="xsrf" value="([^"]+)"};
    return $ua->post(URI->new_abs($action, $res->request->uri),
                     { xsrf => $xsrf, logout => 'yes' });
}

my ($ua, @seen) = login(user => 'alice', url => $srv->url('/protected/'));
is($seen[-1]->code, 200, 'alice signed in');

my $res = $ua->request(POST $srv->url('/sso/logout'), Origin => $origin,
                       Content => [ return => '/protected/' ]);
is($res->code, 303, 'logout answers 303');
my $to = URI->new($res->header('Location') // '');
like("$to", qr{^\Q$ENV{SSO_TEST_OP_URL}\E/api/oidc/end-session\?}, 'to the end_session_endpoint');
is($to->query_param('client_id'), $ENV{SSO_TEST_CLIENT_ID}, 'with client_id');
like($to->query_param('id_token_hint') // '', qr/^[\w-]+\.[\w-]+\.[\w-]+$/, 'with id_token_hint');
is($to->query_param('post_logout_redirect_uri'), "$origin/sso/logged-out",
   'post_logout_redirect_uri is <PublicURL>/sso/logged-out');
my $state = $to->query_param('state') // '';
like($state, qr/^[\w-]{43}$/, 'with a state');
is($ua->get($srv->url('/protected/'))->code, 302, 'the local session ended first');

$res = $ua->get($to);
is($res->code, 200, 'the provider asks to confirm');
$res = confirm_at_provider($ua, $res);
is($res->code, 303, 'confirmed at the provider');
my $back = URI->new($res->header('Location') // '');
is($back->query_param('state'), $state, 'the provider sends the state back');
$res = $ua->get($back);
is($res->code, 200, 'the post_logout_redirect_uri answers 200');
like($res->content, qr/You have been signed out\./, 'with the signed-out page');
like($res->content, qr{/sso/start\?return=%2fprotected%2f}i, 'whose SSO button returns to the page');

# The state works once; another one, or none, is refused.
$res = $ua->get($back);
is($res->code, 400, 'the same state again: 400');
like($srv->log, qr/return from the provider's logout refused: state unknown, expired or already used/,
     'and logged');
(my $forged = "$back") =~ s/state=[^&]+/state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/;
is($ua->get($forged)->code, 400, 'a state never sent: 400');
is($ua->get($srv->url('/sso/logged-out'))->code, 400, 'no state: 400');

# The provider's session ended: "Login with SSO" shows its form again.
$res = $ua->get($srv->url('/protected/'));
@seen = follow($ua, $res, click_sso => 1);
like($seen[-1]->content, qr{action="/interaction/[^"]+/login"}, 'Login with SSO asks for the password again');
@seen = follow($ua, $seen[-1], user => 'alice');
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'and signs in after it');

# A local logout (Off, the default) leaves the provider's session.
my $local = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2})->start;
($ua) = login(user => 'alice', url => $local->url('/protected/'));
$res = $ua->request(POST $local->url('/sso/logout'), Origin => "http://127.0.0.1:$ENV{SSO_TEST_PORT_SRV2}");
is($res->header('Location'), '/sso/login?logged_out=1', 'Off: a local logout only');
@seen = follow($ua, $ua->get($local->url('/protected/')), click_sso => 1);
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'Off: the provider signs the user straight back in');
$_->stop for $srv, $local;
