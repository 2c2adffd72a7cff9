# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Token endpoint authentication methods and provider key types.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie site_url follow);

my @variants = (
    [ undef, 'RS256 keys, client_secret_basic (chosen when both are offered)' ],
    [ 'POST', 'client_secret_post (the provider offers only post) and PKCE (required there)' ],
    [ 'ES',   'ES256 keys, SSOTokenAuth client_secret_post' ],
    [ 'ED',   'EdDSA keys, client_secret_basic (the only method offered)' ],
);
plan tests => 3 * @variants + 5;

for my $v (@variants) {
    my ($vhost, $name) = @$v;
    my ($ua, @seen) = login(user => 'alice', vhost => $vhost);
    is($seen[-1]->code, 200, "$name: login succeeds");
    like($seen[-1]->content, qr/PROTECTED-CONTENT/, "$name: protected page served");
    ok(session_cookie($ua), "$name: session cookie set");
}

# Groups only in userinfo: fetched with the access token, mapped as usual.
my ($ua, @seen) = login(user => 'dave', vhost => 'UI');
is($seen[-1]->code, 200, 'groups from userinfo: login succeeds');
like($ua->get(site_url('/protected/env.cgi', 'UI'))->content,
     qr/^SSO_GROUPS=DHCP Administrators,DNS Administrators$/m,
     'groups from userinfo: mapped');
open my $log, '<', "$ENV{SSO_TEST_OUT}/op-OP_UI.log" or die $!;
ok((grep { m{GET /api/oidc/userinfo -> 200} } <$log>), 'userinfo endpoint was called');

# Every login gets a fresh session ID, even over an existing session.
($ua, @seen) = login(user => 'alice');
my $first = session_cookie($ua);
@seen = follow($ua, $ua->get(site_url('/sso/start?return=/protected/')), user => 'alice');
is($seen[-1]->code, 200, 'second login in the same browser succeeds');
isnt(session_cookie($ua), $first, 'second login issued a new session ID');
