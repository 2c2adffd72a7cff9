# Startup checks: `httpd -t` fails, naming the directive and the problem.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOConf qw(config_test);

my @complete = (
    'SSOEnable On',
    'SSOAuthority https://id.example.com',
    'SSOClientID 3f0c-client',
    'SSOClientSecret s3cr3t-VALUE-never-logged',
);
sub without { my $re = shift; grep { !/$re/ } @complete }

my @fails = (
    [ 'SSOEnable On without SSOAuthority', [without('^SSOAuthority')],
      qr/SSOEnable On in the main server needs SSOAuthority/ ],
    [ 'SSOEnable On without SSOClientID', [without('^SSOClientID')],
      qr/needs SSOClientID/ ],
    [ 'SSOEnable On without SSOClientSecret', [without('^SSOClientSecret')],
      qr/needs SSOClientSecret/ ],
    [ 'vhost enabling SSO without provider', [
        'Listen 127.0.0.1:2', '<VirtualHost 127.0.0.1:2>', 'ServerName vh.test',
        'SSOEnable On', 'SSOClientID x', '</VirtualHost>' ],
      qr/SSOEnable On in virtual host vh\.test .* needs SSOAuthority/ ],
    [ 'authority not a URL', [ 'SSOAuthority id.example.com' ],
      qr/SSOAuthority id\.example\.com: must start with http/ ],
    [ 'authority ftp URL', [ 'SSOAuthority ftp://id.example.com' ],
      qr/SSOAuthority ftp:\/\/id\.example\.com: must start with http/ ],
    [ 'metadata address not a URL', [ 'SSOMetadataAddress /well-known' ],
      qr/SSOMetadataAddress \/well-known: must start with http/ ],
    [ 'public URL not a URL', [ 'SSOPublicURL example.com' ],
      qr/SSOPublicURL example\.com: must start with http/ ],
    [ 'zero session timeout', [ 'SSOSessionTimeout 0' ],
      qr/SSOSessionTimeout 0: must be a whole number of seconds greater than zero/ ],
    [ 'negative session timeout', [ 'SSOSessionTimeout -5' ],
      qr/SSOSessionTimeout -5: must be a whole number/ ],
    [ 'non-numeric max age', [ 'SSOSessionMaxAge 8h' ],
      qr/SSOSessionMaxAge 8h: must be a whole number/ ],
    [ 'negative clock skew', [ 'SSOClockSkew -1' ],
      qr/SSOClockSkew -1: must be a whole number of seconds, zero or more/ ],
    [ 'zero HTTP timeout', [ 'SSOHTTPTimeout 0 10' ],
      qr/SSOHTTPTimeout 0: must be a whole number/ ],
    [ 'unknown socache provider', [ 'SSOSessionCache nosuch:/tmp/x' ],
      qr/SSOSessionCache nosuch:\/tmp\/x: unknown session cache provider 'nosuch'/ ],
    [ 'bad shmcb argument', [ 'SSOSessionCache shmcb:/tmp/x(12)' ],
      qr/SSOSessionCache shmcb:\/tmp\/x\(12\): .*size/i ],
    [ 'SSOGroupMap with one argument', [ 'SSOGroupMap admins' ],
      qr/SSOGroupMap needs exactly two arguments, REMOTE LOCAL .* got 1/ ],
    [ 'SSOGroupMap with three arguments', [ 'SSOGroupMap a DNS Administrators' ],
      qr/SSOGroupMap needs exactly two arguments.* got 3/ ],
    [ 'Require sso-group with no group', [
        '<Location /x>', 'AuthType sso', 'Require sso-group', '</Location>' ],
      qr/Require sso-group needs at least one local group name/ ],
    [ 'unreadable secret file', [ 'SSOClientSecret file:/nonexistent/secret' ],
      qr/SSOClientSecret: cannot read secret file \/nonexistent\/secret/ ],
    [ 'unset secret variable', [ 'SSOClientSecret env:SSO_NO_SUCH_VARIABLE' ],
      qr/SSOClientSecret: environment variable SSO_NO_SUCH_VARIABLE is not set/ ],
    [ 'bad token auth', [ 'SSOTokenAuth private_key_jwt' ],
      qr/SSOTokenAuth private_key_jwt: must be client_secret_basic or client_secret_post/ ],
    [ 'bad unauthenticated action', [
        '<Location /x>', 'SSOUnauthenticated redirect', '</Location>' ],
      qr/SSOUnauthenticated redirect: must be login, provider or 401/ ],
    [ 'bad base path', [ 'SSOBasePath sso/' ], qr/SSOBasePath sso\/: must start with/ ],
    [ 'bad cookie name', [ 'SSOCookieName "a b"' ], qr/SSOCookieName a b: is not a valid cookie name/ ],
    [ 'bad user store', [ 'SSOUserStore /var/lib/users.db' ],
      qr/SSOUserStore \/var\/lib\/users\.db: must be DRIVER:PARAMS/ ],
    [ 'unreadable CA file', [ 'SSOCAFile /nonexistent/ca.pem' ],
      qr/SSOCAFile \/nonexistent\/ca\.pem: cannot read the CA file/ ],
    [ 'unreadable login template', [ 'SSOLoginTemplate /nonexistent/login.html' ],
      qr/SSOLoginTemplate \/nonexistent\/login\.html: cannot read the template file/ ],
    [ 'unknown local authn provider', [ 'SSOLocalAuthProvider nosuch' ],
      qr/SSOLocalAuthProvider nosuch: unknown authn provider/ ],
    [ 'zero account recheck', [ 'SSOAccountRecheck 0' ],
      qr/SSOAccountRecheck 0: must be a whole number of seconds greater than zero/ ],
    [ 'SSOGroupsClaim with an empty name', [ 'SSOGroupsClaim realm_access..roles' ],
      qr/SSOGroupsClaim realm_access\.\.roles: an empty name/ ],
    [ 'SSOGroupsClaim with a bad escape', [ 'SSOGroupsClaim a\\b' ],
      qr/SSOGroupsClaim a(?:\\){1,2}b: a backslash must be followed by/ ],
    [ 'server directive in a Location', [
        '<Location /x>', 'SSOAuthority https://id.example.com', '</Location>' ],
      qr/SSOAuthority not allowed in <Location> context/ ],
);

plan tests => 2 * @fails + 16;

for my $case (@fails) {
    my ($name, $lines, $expect) = @$case;
    my ($rc, $out) = config_test(@$lines);
    isnt($rc, 0, "$name: httpd -t fails");
    like($out, $expect, "$name: message names the directive");
}

# The complete provider configuration passes.
my ($rc, $out) = config_test(@complete, 'SSOGroupMap technitium_admins Administrators');
is($rc, 0, 'complete configuration: Syntax OK');
like($out, qr/Syntax OK/, 'complete configuration: Syntax OK printed');

# Group map without the groups scope: a warning, not a failure.
($rc, $out) = config_test(@complete, 'SSOScopes openid email',
                          'SSOGroupMap technitium_admins Administrators');
is($rc, 0, 'group map without groups scope still starts');
like($out, qr/\[auth_sso:warn\].*lacks 'groups'.*SSOGroupMap will have no effect/,
         'group map without groups scope warns');

# No group map: no warning about scopes.
($rc, $out) = config_test(@complete, 'SSOScopes openid email');
unlike($out, qr/lacks 'groups'/, 'no warning without a group map');

# The secret never appears, whatever is logged.
($rc, $out) = config_test(without('^SSOEnable'), 'SSOEnable On', 'LogLevel trace8',
                          'SSOClientID ""', 'SSOAuthority bad');
isnt($rc, 0, 'broken configuration with a secret fails');
unlike($out, qr/s3cr3t-VALUE-never-logged/, 'the client secret is not printed');

# file: and env: secrets are accepted.
{
    my $file = "/tmp/sso-secret-$$";
    open my $fh, '>', $file or die $!; print $fh "from-file\n"; close $fh;
    ($rc, $out) = config_test(without('^SSOClientSecret'), "SSOClientSecret file:$file");
    unlink $file;
    is($rc, 0, 'SSOClientSecret file: readable file accepted');
    local $ENV{SSO_TEST_SECRET_VAR} = 'from-env';
    ($rc, $out) = config_test(without('^SSOClientSecret'), 'SSOClientSecret env:SSO_TEST_SECRET_VAR');
    is($rc, 0, 'SSOClientSecret env: set variable accepted');
}

# SSOAuthority over plain http to another host: the secret would travel in
# clear text. A warning naming the directive, not a failure (issue 20).
sub with_authority { ((grep { !/^SSOAuthority/ } @complete), "SSOAuthority $_[0]") }
($rc, $out) = config_test(with_authority('http://id.example.com'));
is($rc, 0, 'http:// authority still starts');
like($out, qr/\[auth_sso:warn\].*SSOAuthority http:\/\/id\.example\.com in the main server is plain http to id\.example\.com: the client secret .* clear text/,
     'http:// authority to another host warns, naming SSOAuthority');
for my $local ('http://localhost:1411', 'http://127.0.0.1:1411', 'http://[::1]:1411') {
    ($rc, $out) = config_test(with_authority($local));
    unlike($out, qr/plain http/, "no clear-text warning for $local");
}

# A trailing slash: named at configtest, with what to write instead.
($rc, $out) = config_test(with_authority('https://id.example.com/'));
is($rc, 0, 'trailing slash in SSOAuthority still starts');
like($out, qr/\[auth_sso:warn\].*SSOAuthority https:\/\/id\.example\.com\/ in the main server ends with '\/'.*write SSOAuthority https:\/\/id\.example\.com$/m,
     'trailing slash in SSOAuthority warns and says what to write');
