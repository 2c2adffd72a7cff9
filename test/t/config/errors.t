# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Startup checks: `httpd -t` fails, naming the directive and the problem.
# Messages are matched by their ID (SSOnnnnn, docs/troubleshooting.md) and
# the administrator's own words (directive, value), never by our wording.
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
      qr/SSO00018: .*main server .*SSOAuthority/ ],
    [ 'SSOEnable On without SSOClientID', [without('^SSOClientID')],
      qr/SSO00018: .*SSOClientID/ ],
    [ 'SSOEnable On without SSOClientSecret', [without('^SSOClientSecret')],
      qr/SSO00018: .*SSOClientSecret/ ],
    [ 'vhost enabling SSO without provider', [
        'Listen 127.0.0.1:2', '<VirtualHost 127.0.0.1:2>', 'ServerName vh.test',
        'SSOEnable On', 'SSOClientID x', '</VirtualHost>' ],
      qr/SSO00018: .*vh\.test .*SSOAuthority/ ],
    [ 'authority not a URL', [ 'SSOAuthority id.example.com' ],
      qr/SSO00034: SSOAuthority id\.example\.com: / ],
    [ 'authority ftp URL', [ 'SSOAuthority ftp://id.example.com' ],
      qr/SSO00034: SSOAuthority ftp:\/\/id\.example\.com: / ],
    [ 'metadata address not a URL', [ 'SSOMetadataAddress /well-known' ],
      qr/SSO00035: SSOMetadataAddress \/well-known: / ],
    [ 'public URL not a URL', [ 'SSOPublicURL example.com' ],
      qr/SSO00033: SSOPublicURL example\.com: / ],
    [ 'zero session timeout', [ 'SSOSessionTimeout 0' ],
      qr/SSO00031: SSOSessionTimeout 0: / ],
    [ 'negative session timeout', [ 'SSOSessionTimeout -5' ],
      qr/SSO00031: SSOSessionTimeout -5: / ],
    [ 'non-numeric max age', [ 'SSOSessionMaxAge 8h' ],
      qr/SSO00031: SSOSessionMaxAge 8h: / ],
    [ 'negative cache reuse', [ 'SSOSessionCacheReuse -1' ],
      qr/SSO00032: SSOSessionCacheReuse -1: / ],
    [ 'cache reuse with a unit', [ 'SSOSessionCacheReuse 2s' ],
      qr/SSO00032: SSOSessionCacheReuse 2s: / ],
    [ 'negative clock skew', [ 'SSOClockSkew -1' ],
      qr/SSO00032: SSOClockSkew -1: / ],
    [ 'zero HTTP timeout', [ 'SSOHTTPTimeout 0 10' ],
      qr/SSO00031: SSOHTTPTimeout 0: / ],
    [ 'unknown socache provider', [ 'SSOSessionCache nosuch:/tmp/x' ],
      qr/SSO00098: SSOSessionCache nosuch:\/tmp\/x: / ],
    [ 'bad shmcb argument', [ 'SSOSessionCache shmcb:/tmp/x(12)' ],
      qr/SSO00099: SSOSessionCache shmcb:\/tmp\/x\(12\): / ],
    [ 'SSOGroupMap with one argument', [ 'SSOGroupMap admins' ],
      qr/SSO00037: SSOGroupMap .* 1$/m ],
    [ 'SSOGroupMap with three arguments', [ 'SSOGroupMap a DNS Administrators' ],
      qr/SSO00037: SSOGroupMap .* 3$/m ],
    [ 'Require sso-group with no group', [
        '<Location /x>', 'AuthType sso', 'Require sso-group', '</Location>' ],
      qr/SSO00097: Require sso-group / ],
    [ 'unreadable secret file', [ 'SSOClientSecret file:/nonexistent/secret' ],
      qr/SSO00036: SSOClientSecret: .*\/nonexistent\/secret/ ],
    [ 'unset secret variable', [ 'SSOClientSecret env:SSO_NO_SUCH_VARIABLE' ],
      qr/SSO00036: SSOClientSecret: .*SSO_NO_SUCH_VARIABLE/ ],
    [ 'bad token auth', [ 'SSOTokenAuth private_key_jwt' ],
      qr/SSO00043: SSOTokenAuth private_key_jwt: / ],
    [ 'bad unauthenticated action', [
        '<Location /x>', 'SSOUnauthenticated redirect', '</Location>' ],
      qr/SSO00047: SSOUnauthenticated redirect: / ],
    [ 'bad base path', [ 'SSOBasePath sso/' ], qr/SSO00039: SSOBasePath sso\/: / ],
    [ 'bad cookie name', [ 'SSOCookieName "a b"' ], qr/SSO00041: SSOCookieName a b: / ],
    [ 'bad user store', [ 'SSOUserStore /var/lib/users.db' ],
      qr/SSO00042: SSOUserStore \/var\/lib\/users\.db: / ],
    [ 'unreadable CA file', [ 'SSOCAFile /nonexistent/ca.pem' ],
      qr/SSO00046: SSOCAFile \/nonexistent\/ca\.pem: / ],
    [ 'unreadable login template', [ 'SSOLoginTemplate /nonexistent/login.html' ],
      qr/SSO00044: SSOLoginTemplate \/nonexistent\/login\.html: / ],
    [ 'unknown local authn provider', [ 'SSOLocalAuthProvider nosuch' ],
      qr/SSO00019: SSOLocalAuthProvider nosuch: / ],
    [ 'zero account recheck', [ 'SSOAccountRecheck 0' ],
      qr/SSO00031: SSOAccountRecheck 0: / ],
    [ 'SSOGroupsClaim with an empty name', [ 'SSOGroupsClaim realm_access..roles' ],
      qr/SSO00040: SSOGroupsClaim realm_access\.\.roles: / ],
    [ 'SSOGroupsClaim with a bad escape', [ 'SSOGroupsClaim a\\b' ],
      qr/SSO00040: SSOGroupsClaim a(?:\\){1,2}b: / ],
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
like($out, qr/\[auth_sso:warn\].*SSO00022: SSOScopes /,
         'group map without groups scope warns');

# No group map: no warning about scopes.
($rc, $out) = config_test(@complete, 'SSOScopes openid email');
unlike($out, qr/SSO00022/, 'no warning without a group map');

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
like($out, qr/\[auth_sso:warn\].*SSO00021: SSOAuthority http:\/\/id\.example\.com in the main server /,
     'http:// authority to another host warns, naming SSOAuthority');
for my $local ('http://localhost:1411', 'http://127.0.0.1:1411', 'http://[::1]:1411') {
    ($rc, $out) = config_test(with_authority($local));
    unlike($out, qr/SSO00021/, "no clear-text warning for $local");
}

# A trailing slash: named at configtest, with what to write instead.
($rc, $out) = config_test(with_authority('https://id.example.com/'));
is($rc, 0, 'trailing slash in SSOAuthority still starts');
like($out, qr/\[auth_sso:warn\].*SSO00020: SSOAuthority https:\/\/id\.example\.com\/ in the main server .*SSOAuthority https:\/\/id\.example\.com$/m,
     'trailing slash in SSOAuthority warns and says what to write');
