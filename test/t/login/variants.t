# Token endpoint authentication methods and provider key types.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie);

my @variants = (
    [ undef, 'RS256 keys, client_secret_basic (chosen when both are offered)' ],
    [ 'POST', 'client_secret_post (the provider offers only post)' ],
    [ 'ES',   'ES256 keys, SSOTokenAuth client_secret_post' ],
    [ 'ED',   'EdDSA keys, client_secret_basic (the only method offered)' ],
);
plan tests => 3 * @variants;

for my $v (@variants) {
    my ($vhost, $name) = @$v;
    my ($ua, @seen) = login(user => 'alice', vhost => $vhost);
    is($seen[-1]->code, 200, "$name: login succeeds");
    like($seen[-1]->content, qr/PROTECTED-CONTENT/, "$name: protected page served");
    ok(session_cookie($ua), "$name: session cookie set");
}
