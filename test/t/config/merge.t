# Server-wide directives are inherited by virtual hosts unless set there,
# whatever value they are set to.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use JSON::PP qw(decode_json);

plan tests => 10;

sub status_of {
    my ($vhost, $path) = @_;
    Apache::TestRequest::module($vhost);
    my $res = GET($path // '/sso/status');
    return $res;
}

my $res = status_of('default');
is($res->code, 200, 'main server answers /sso/status');
is($res->header('Content-Type'), 'application/json', 'status is JSON');
is_deeply(decode_json($res->content),
          { ssoEnabled => JSON::PP::true,
            redirectUri => "$ENV{SSO_TEST_PUBLIC_URL}/sso/callback" },
          'main server: SSO enabled, and the redirect URI to register');

is(decode_json(status_of('sso_off')->content)->{ssoEnabled}, JSON::PP::false,
   'SSOEnable Off in a vhost overrides On from the main server');
is(decode_json(status_of('sso_inherit')->content)->{ssoEnabled}, JSON::PP::true,
   'a vhost that sets another directive inherits SSOEnable On');

$res = status_of('sso_basepath', '/auth/status');
is($res->code, 200, 'SSOBasePath /auth moves the routes');
is(decode_json($res->content)->{ssoEnabled}, JSON::PP::true, '/auth/status answers');
like(decode_json($res->content)->{redirectUri}, qr{/auth/callback$},
     'the redirect URI follows SSOBasePath');
is(status_of('sso_basepath', '/sso/status')->code, 404, 'old base path is not served');
is(status_of('default', '/sso/nosuchroute')->code, 404, 'unknown route is 404');
