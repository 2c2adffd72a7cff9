# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Server-wide directives are inherited by virtual hosts unless set there,
# whatever value they are set to.
#
# The suite's server: SSOEnable, SSOClientID (sso_inherit) and SSOBasePath.
# Then, in an httpd of its own, every server-wide directive that shows over
# HTTP without a provider login: the main server sets each to a value that
# is not the default, one virtual host overrides it (often with the default
# value, which must still win), another sets nothing and inherits it.
# Per-directory SSOUnauthenticated merges between Location blocks.
# SSOCAFile there too, through a provider document that a TLS host of the
# same httpd serves. Then a second httpd for what shows only in a login:
# signup, usernames, groups, the client secret, SSOTokenAuth (a provider
# that takes client_secret_post only), SSOClockSkew and SSOHTTPTimeout (the
# hostile provider), SSOAccountRecheck. Every directive of the command
# table is set in a main server and inherited or overridden in a vhost.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use Apache::TestRequest qw(GET);
use JSON::PP qw(decode_json encode_json);
use LWP::UserAgent;
use SSOTest qw(new_browser session_cookie login);
use SSOServer;
use HTTP::Request::Common qw(POST);
use URI;
use Time::HiRes qw(time sleep);

plan tests => 109;

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
            redirectUri => "$ENV{SSO_TEST_PUBLIC_URL}/sso/callback",
            postLogoutRedirectUri => "$ENV{SSO_TEST_PUBLIC_URL}/sso/logged-out",
            backchannelLogoutUri => "$ENV{SSO_TEST_PUBLIC_URL}/sso/backchannel-logout",
            backchannelLogoutSessionRequired => JSON::PP::true },
          'main server: SSO enabled, and the URIs to register');

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

my %port = map { $_ => $ENV{"SSO_TEST_PORT_MERGE_$_"} } qw(MAIN OVER INHERIT MAXAGE OFF AUTHN CACHE
                                                           TLS CA_IN CA_OVER);
sub url { my ($v, $path) = @_; return "http://127.0.0.1:$port{$v}$path" }

my $srv = SSOServer->new(port => $port{MAIN});
my $dir = $srv->{dir};
my $md = $ENV{SSO_TEST_MODDIR};
my $top = $ENV{SSO_TEST_TOP};
my $op = $ENV{SSO_TEST_OP_URL};
my $op_es = $ENV{SSO_TEST_OP_ES_URL};

open my $t, '>', "$dir/other-template.html" or die $!;
print $t "<html><body><h1>OTHER {{site}}</h1>{{message}}{{sso_button}}{{local_form}}{{reference}}</body></html>\n";
close $t;

for (['main', 'mainuser', 'main-pass'], ['over', 'overuser', 'over-pass']) {
    my ($db, $user, $pass) = @$_;
    system("echo '$pass' | $top/sso-users -s sqlite3:$dir/$db.db add $user Staff >/dev/null") == 0
        or die "sso-users add $user failed";
}

system('htpasswd', '-bcB', "$dir/htpasswd", 'fileuser', 'file-pass') == 0 or die 'htpasswd failed';
my @modules = qw(authn_core authn_file authz_core authz_user socache_shmcb mime dir headers);

# A provider over HTTPS, certificate from the run's test CA: a discovery
# document served by a TLS virtual host of the same httpd (enough for
# /start, which only reads it).
my $tls_op = "https://127.0.0.1:$port{TLS}";
# Both hosts read the document at the same address: the one that trusts
# the test CA fetches it first, and the other must not take that copy
# (documents are kept by address and SSOCAFile).
for my $sub ('') {
    system('mkdir', '-p', "$dir/tls-docs$sub/.well-known") == 0 or die 'mkdir failed';
    open my $d, '>', "$dir/tls-docs$sub/.well-known/openid-configuration" or die $!;
    print $d JSON::PP->new->canonical->encode({
        issuer => $tls_op, authorization_endpoint => "$tls_op/authorize",
        token_endpoint => "$tls_op/token", userinfo_endpoint => "$tls_op/userinfo",
        jwks_uri => "$tls_op/jwks", code_challenge_methods_supported => ['S256'] });
    close $d;
}
my $vhost = sub {
    my ($name, @lines) = @_;
    return ("Listen 127.0.0.1:$port{$name}", "<VirtualHost 127.0.0.1:$port{$name}>",
            "ServerName 127.0.0.1", @lines, "</VirtualHost>");
};
my $conf = join "\n",
    "ServerRoot $dir", "DefaultRuntimeDir $dir", "PidFile $dir/httpd.pid",
    "ErrorLog $dir/error_log", "LogLevel info auth_sso:debug",
    "LoadModule mpm_event_module $md/mod_mpm_event.so",
    (map { "LoadModule ${_}_module $md/mod_$_.so" } @modules),
    "LoadModule auth_sso_module $ENV{SSO_TEST_MODULE}",
    "Listen 127.0.0.1:$port{MAIN}", "ServerName 127.0.0.1:$port{MAIN}",
    "TypesConfig /etc/mime.types", "DocumentRoot $top/test/t/htdocs",
    # The main server: every value differs from the default.
    "SSOEnable On",
    "SSOAuthority $op",
    "SSOClientID merge-main-client",
    "SSOClientSecret main-secret",
    "SSOScopes openid email",
    "SSOBasePath /auth",
    "SSOPublicURL http://main.example.test:8080",
    "SSOCookieName merge_main",
    "SSOUserStore sqlite3:$dir/main.db",
    "SSOPKCE Off",
    "SSOPassHeaders On",
    "SSOSessionTimeout 6",
    "SSOSessionMaxAge 6",
    "SSOLoginTemplate $top/test/t/conf/sso/login-template.html",
    "SSOCAFile $ENV{SSO_TEST_TLS}/ca.pem",
    "<Location /protected>", "AuthType sso", "Require valid-user",
    'Header always set X-Echo-User "%{SSO_USER}e"',
    'Header always set X-Echo-Pass "expr=%{req:X-SSO-User}"',
    "SSOUnauthenticated 401", "</Location>",
    # login is the default: it still overrides the 401 above.
    "<Location /protected/admin>", "SSOUnauthenticated login", "</Location>",
    "<Location /protected/dns>", "SSOUnauthenticated provider", "</Location>",
    # Each one back to the default value (or another value): must win.
    $vhost->('OVER',
        "SSOAuthority $op_es",
        "SSOClientID merge-over-client",
        "SSOScopes openid profile",
        "SSOBasePath /sso",
        "SSOPublicURL http://over.example.test",
        "SSOCookieName sso_session",
        "SSOUserStore sqlite3:$dir/over.db",
        "SSOPKCE On",
        "SSOPassHeaders Off",
        "SSOSessionTimeout 1800",
        "SSOSessionMaxAge 28800",
        "SSOLoginTemplate $dir/other-template.html",
        "<Location /protected>", "SSOUnauthenticated provider", "</Location>"),
    # Nothing of ours: everything from the main server.
    $vhost->('INHERIT'),
    # Only the inactivity timeout: the main server's max age still applies.
    $vhost->('MAXAGE', "SSOSessionTimeout 1800",
             # A discovery document that is not there.
             "SSOMetadataAddress $op/no-such-discovery"),
    # Local logins through mod_authn_file instead of the registry.
    $vhost->('AUTHN', "SSOLocalAuthProvider file",
             "<Location /auth/login>", "AuthUserFile $dir/htpasswd", "</Location>"),
    # A session cache of its own.
    $vhost->('CACHE', "SSOSessionCache shmcb:$dir/own-cache(512000)"),
    # Off and On-by-default flags.
    $vhost->('OFF', "SSOEnable Off", "SSOLocalLogin Off"),
    # The HTTPS provider's document, and two hosts that use that provider:
    # one trusts the main server's SSOCAFile (the test CA), the other sets
    # the system's bundle, which does not hold the test CA.
    "LoadModule ssl_module $md/mod_ssl.so",
    $vhost->('TLS', "SSLEngine on", "SSLCertificateFile $ENV{SSO_TEST_TLS}/server.pem",
             "SSLCertificateKeyFile $ENV{SSO_TEST_TLS}/server.key", "SSOEnable Off",
             "DocumentRoot $dir/tls-docs",
             "<Location /.well-known/>", "ForceType application/json", "</Location>"),
    $vhost->('CA_IN', "SSOAuthority $tls_op"),
    $vhost->('CA_OVER', "SSOAuthority $tls_op",
             "SSOCAFile /etc/ssl/certs/ca-certificates.crt"),
    "";
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh $conf;
close $fh;
$srv->start;

# SSOEnable (and the routes under SSOBasePath).
sub status { my $r = new_browser()->get(url(@_)); return $r->code == 200 ? decode_json($r->content)->{ssoEnabled} : "HTTP " . $r->code }
is(status('MAIN', '/auth/status'), JSON::PP::true, 'main: SSOEnable On, SSOBasePath /auth');
is(status('INHERIT', '/auth/status'), JSON::PP::true, 'inherit: both inherited');
is(new_browser()->get(url('INHERIT', '/sso/status'))->code, 404, 'inherit: /sso is not the base path');
is(status('OVER', '/sso/status'), JSON::PP::true, 'over: SSOBasePath /sso (the default) wins');
is(new_browser()->get(url('OVER', '/auth/status'))->code, 404, 'over: /auth no longer served');
is(status('OFF', '/auth/status'), JSON::PP::false, 'off: SSOEnable Off wins over On');

# The redirect to the provider: SSOAuthority, SSOClientID, SSOScopes,
# SSOPublicURL + SSOBasePath (redirect_uri), SSOPKCE.
sub start_of {
    my ($v, $base) = @_;
    my $res = new_browser()->get(url($v, "$base/start?return=/"));
    my $loc = URI->new($res->header('Location') // '');
    return ($res, $loc, { $loc->query_form });
}
my ($loc, $q);
($res, $loc, $q) = start_of('MAIN', '/auth');
is($res->code, 302, 'main: /auth/start redirects');
like("$loc", qr{^\Q$op\E/}, 'main: to SSOAuthority');
is($q->{client_id}, 'merge-main-client', 'main: SSOClientID');
is($q->{scope}, 'openid email', 'main: SSOScopes');
is($q->{redirect_uri}, 'http://main.example.test:8080/auth/callback', 'main: SSOPublicURL + SSOBasePath');
ok(!exists $q->{code_challenge}, 'main: SSOPKCE Off');

($res, $loc, $q) = start_of('INHERIT', '/auth');
like("$loc", qr{^\Q$op\E/}, 'inherit: SSOAuthority');
is($q->{client_id}, 'merge-main-client', 'inherit: SSOClientID');
is($q->{scope}, 'openid email', 'inherit: SSOScopes');
is($q->{redirect_uri}, 'http://main.example.test:8080/auth/callback', 'inherit: SSOPublicURL');
ok(!exists $q->{code_challenge}, 'inherit: SSOPKCE Off');

($res, $loc, $q) = start_of('OVER', '/sso');
like("$loc", qr{^\Q$op_es\E/}, 'over: its own SSOAuthority');
is($q->{client_id}, 'merge-over-client', 'over: SSOClientID');
is($q->{scope}, 'openid profile', 'over: SSOScopes');
is($q->{redirect_uri}, 'http://over.example.test/sso/callback', 'over: SSOPublicURL');
ok(exists $q->{code_challenge}, 'over: SSOPKCE On (the default) wins');

is(new_browser()->get(url('OFF', '/auth/start?return=/'))->code, 404, 'off: /auth/start is 404');

# SSOCAFile: the HTTPS provider's discovery document, fetched at /start.
($res, $loc, $q) = start_of('CA_IN', '/auth');
is($res->code, 302, 'ca inherit: /auth/start redirects (SSOCAFile, the test CA, inherited)');
like("$loc", qr{^\Q$tls_op\E/authorize\?}, 'ca inherit: to the HTTPS provider');
my $mark = length $srv->log;
($res, $loc, $q) = start_of('CA_OVER', '/auth');
ok($res->code >= 500 && !$res->header('Location'),
   'ca over: its own SSOCAFile (no test CA) wins: no redirect, HTTP ' . $res->code);
like(substr($srv->log, $mark), qr{\Q$tls_op\E/\.well-known/openid-configuration.*certificate}i,
     'ca over: the log says the certificate was not trusted');
($res, $loc, $q) = start_of('MAXAGE', '/auth');
is($res->code, 502, 'maxage: its SSOMetadataAddress (not there) is used: 502, no redirect');
like($srv->log, qr{\Q$op\E/no-such-discovery}, 'maxage: the log names that address');

# The login page: SSOLoginTemplate, SSOCookieName (the CSRF cookie is named
# after it), SSOLocalLogin.
sub login_page {
    my ($v, $base) = @_;
    my $ua = new_browser();
    my $res = $ua->get(url($v, "$base/login?return=/protected/"));
    my ($csrf) = $res->content =~ /name="csrf" value="([^"]+)"/;
    return ($ua, $res, $csrf);
}
my ($ua, $page, $csrf) = login_page('MAIN', '/auth');
like($page->content, qr/ACME intranet/, 'main: SSOLoginTemplate');
ok(defined $csrf && session_cookie($ua, 'merge_main_csrf') eq $csrf, 'main: SSOCookieName merge_main');
($ua, $page, $csrf) = login_page('INHERIT', '/auth');
like($page->content, qr/ACME intranet/, 'inherit: SSOLoginTemplate');
ok(defined $csrf && session_cookie($ua, 'merge_main_csrf') eq $csrf, 'inherit: SSOCookieName');
($ua, $page, $csrf) = login_page('OVER', '/sso');
like($page->content, qr/<h1>OTHER /, 'over: its own SSOLoginTemplate');
ok(defined $csrf && session_cookie($ua, 'sso_session_csrf') eq $csrf, 'over: SSOCookieName sso_session (the default) wins');
($ua, $page, $csrf) = login_page('OFF', '/auth');
unlike($page->content, qr/name="password"/, 'off: SSOLocalLogin Off: no password form');

# Local logins: SSOUserStore, SSOCookieName, SSOPassHeaders, timeouts.
sub local_login {
    my ($v, $base, $user, $pass) = @_;
    my ($ua, $page, $csrf) = login_page($v, $base);
    my $res = $ua->request(POST url($v, "$base/login"),
        [ username => $user, password => $pass, csrf => $csrf // '', return => '/protected/' ]);
    # Refusals are a 303 back to the login page with ?error=.
    my $ok = $res->code == 303 && ($res->header('Location') // '') eq '/protected/';
    return ($ua, $ok);
}
# Each session's page is fetched right after its login: the main server's
# sessions last 6 s.
my (%ua, %page);
sub login_and_fetch {
    my ($v, $base, $user, $pass) = @_;
    my ($ua, $ok) = local_login($v, $base, $user, $pass);
    $ua{$v} = $ua;
    $page{$v} = $ua->get(url($v, '/protected/'));
    return $ok;
}
$res = login_and_fetch('MAIN', '/auth', 'mainuser', 'main-pass');
ok($res, 'main: mainuser logs in (main store)');
$res = login_and_fetch('INHERIT', '/auth', 'mainuser', 'main-pass');
ok($res, 'inherit: mainuser logs in (SSOUserStore inherited)');
(undef, $res) = local_login('INHERIT', '/auth', 'overuser', 'over-pass');
ok(!$res, 'inherit: overuser unknown there');
$res = login_and_fetch('OVER', '/sso', 'overuser', 'over-pass');
ok($res, 'over: overuser logs in (its own SSOUserStore)');
(undef, $res) = local_login('OVER', '/sso', 'mainuser', 'main-pass');
ok(!$res, 'over: mainuser unknown there');
$res = login_and_fetch('MAXAGE', '/auth', 'mainuser', 'main-pass');
ok($res, 'maxage: mainuser logs in');
# The main server's session cache is inherited: a session made on one
# host is valid on another with the same realm; not on a host with a cache
# of its own.
is($ua{INHERIT}->get(url('MAXAGE', '/protected/'))->code, 200,
   'inherit: its session is in the cache MAXAGE shares (SSOSessionCache inherited)');
is($ua{INHERIT}->get(url('CACHE', '/protected/'))->code, 401,
   'cache: its own SSOSessionCache does not have it');
(undef, $res) = local_login('AUTHN', '/auth', 'fileuser', 'file-pass');
ok($res, 'authn: SSOLocalAuthProvider file: the htpasswd user logs in');
(undef, $res) = local_login('INHERIT', '/auth', 'fileuser', 'file-pass');
ok(!$res, 'inherit: no SSOLocalAuthProvider there: the htpasswd user does not log in');
(undef, $res) = local_login('OFF', '/auth', 'mainuser', 'main-pass');
ok(!$res, 'off: SSOLocalLogin Off refuses the form');

ok(session_cookie($ua{MAIN}, 'merge_main'), 'main: session cookie merge_main');
ok(session_cookie($ua{INHERIT}, 'merge_main'), 'inherit: session cookie merge_main');
ok(session_cookie($ua{OVER}, 'sso_session') && !session_cookie($ua{OVER}, 'merge_main'),
   'over: session cookie sso_session');

is($page{MAIN}->header('X-Echo-Pass'), 'mainuser', 'main: SSOPassHeaders On');
is($page{INHERIT}->header('X-Echo-Pass'), 'mainuser', 'inherit: SSOPassHeaders On');
is($page{OVER}->code, 200, 'over: session accepted');
isnt($page{OVER}->header('X-Echo-Pass') // '', 'overuser', 'over: SSOPassHeaders Off (the default) wins');
is($page{OVER}->header('X-Echo-User'), 'overuser', 'over: the identity is there all the same');

# The main server's sessions (6 s) are idle from here; their end is
# checked after the second httpd's tests, which fill most of the wait.
my $idle_from = time;

# SSOUnauthenticated between Location blocks (and a vhost's own).
sub unauth { my $r = new_browser()->get(url(@_)); return ($r->code, $r->header('Location') // '') }
my ($code, $where) = unauth('MAIN', '/protected/');
is($code, 401, 'Location /protected: 401');
($code, $where) = unauth('MAIN', '/protected/admin/');
ok($code == 302 && $where =~ m{/auth/login\?}, 'Location /protected/admin: login (the default) overrides 401');
($code, $where) = unauth('MAIN', '/protected/dns/');
ok($code == 302 && $where =~ m{^\Q$op\E/}, 'Location /protected/dns: provider');
($code, $where) = unauth('INHERIT', '/protected/admin/');
ok($code == 302 && $where =~ m{/auth/login\?}, 'inherit vhost: the main server Locations apply');
($code, $where) = unauth('OVER', '/protected/');
ok($code == 302 && $where =~ m{^\Q$op_es\E/}, "over vhost: its own Location's provider");

# Directives that show only in an SSO login through the test provider, in
# another httpd: each virtual host has its own redirect URI and registry,
# so every login there is a first one (signup, username, groups).
my %lport = map { $_ => $ENV{"SSO_TEST_PORT_MERGE_$_"} } qw(LM LI LO LS LN LX LG LT_IN LT_OVER LH LHO);
sub lurl { my ($v, $path) = @_; return "http://127.0.0.1:$lport{$v}$path" }
my $lsrv = SSOServer->new(port => $lport{LM});
my $ldir = $lsrv->{dir};

# The hostile provider (test/op/hostile/), one of our own: it forges the
# token times and stalls the token endpoint as told, and takes any
# redirect URI.
my $hostile_pid;
my $hostile = do {
    my $ready = "$ldir/hostile.ready";
    $hostile_pid = fork // die $!;
    if (!$hostile_pid) {
        open STDOUT, '>', $ready or die $!;
        open STDERR, '>>', "$ENV{SSO_TEST_OUT}/op-merge-hostile.log";
        exec 'node', "$top/test/op/hostile/server.js", '--port', 0, '--exit-with-parent',
             '--client-id', $ENV{SSO_TEST_CLIENT_ID}, '--client-secret', $ENV{SSO_TEST_CLIENT_SECRET}
            or die $!;
    }
    my $url;
    for (1 .. 300) {
        if (open my $in, '<', $ready) {
            ($url) = (<$in> // '') =~ /^READY (\S+)/;
            last if $url;
        }
        select undef, undef, undef, 0.1;
    }
    $url or die 'the hostile provider did not start';
};
END { if ($hostile_pid) { kill 'TERM', $hostile_pid; waitpid $hostile_pid, 0 } }
my $ctl = LWP::UserAgent->new(timeout => 10);
sub hostile_scenario {
    my (%sc) = @_;
    my $r = $ctl->put("$hostile/_test/scenario", 'Content-Type' => 'application/json',
                      Content => encode_json(\%sc));
    die 'cannot set the scenario: ' . $r->status_line unless $r->is_success;
}
my $lvhost = sub {
    my ($name, @lines) = @_;
    return ("Listen 127.0.0.1:$lport{$name}", "<VirtualHost 127.0.0.1:$lport{$name}>",
            "ServerName 127.0.0.1", "SSOPublicURL " . lurl($name, ''),
            "SSOUserStore sqlite3:$ldir/\L$name\E.db", @lines, "</VirtualHost>");
};
$conf = join "\n",
    "ServerRoot $ldir", "DefaultRuntimeDir $ldir", "PidFile $ldir/httpd.pid",
    "ErrorLog $ldir/error_log", "LogLevel info auth_sso:debug",
    "LoadModule mpm_event_module $md/mod_mpm_event.so",
    (map { "LoadModule ${_}_module $md/mod_$_.so" } @modules),
    "LoadModule auth_sso_module $ENV{SSO_TEST_MODULE}",
    "Listen 127.0.0.1:$lport{LM}", "ServerName 127.0.0.1:$lport{LM}",
    "TypesConfig /etc/mime.types", "DocumentRoot $top/test/t/htdocs",
    "SSOEnable On", "SSOAuthority $op", "SSOClientID $ENV{SSO_TEST_CLIENT_ID}",
    "SSOClientSecret env:SSO_TEST_CLIENT_SECRET",
    "SSOPublicURL " . lurl('LM', ''), "SSOUserStore sqlite3:$ldir/lm.db",
    # Not the defaults.
    "SSOAllowSignup On",
    "SSOAllowSignupOnlyForMappedUsers Off",
    "SSORequireMappedGroup Off",
    "SSOUsernameClaims preferred_username",
    "SSOGroupMap technitium_admins MainAdmins",
    "SSOTokenAuth client_secret_basic",
    "SSOClockSkew 600",
    "SSOHTTPTimeout 4 4",
    "SSOAccountRecheck 2",
    "<Location /protected>", "AuthType sso", "Require valid-user",
    'Header always set X-Echo-User "%{SSO_USER}e"',
    'Header always set X-Echo-Groups "%{SSO_GROUPS}e"', "</Location>",
    # Inherits all of the above.
    $lvhost->('LI'),
    # The defaults again: username from email first, another map, a
    # mapped group required.
    $lvhost->('LO', "SSOUsernameClaims email preferred_username",
              "SSOGroupMap technitium_admins OverAdmins", "SSORequireMappedGroup On",
              "SSOAccountRecheck 30"),
    # Signup only for mapped users, signup off (the defaults); a wrong
    # client secret.
    $lvhost->('LS', "SSOAllowSignupOnlyForMappedUsers On"),
    $lvhost->('LN', "SSOAllowSignup Off"),
    $lvhost->('LX', "SSOClientSecret not-the-secret"),
    # Groups from a claim the provider does not send.
    $lvhost->('LG', "SSOGroupsClaim no_such_claim"),
    # The provider that takes client_secret_post only (and advertises only
    # that, so the default would pick it): the inherited basic fails there.
    $lvhost->('LT_IN', "SSOAuthority $ENV{SSO_TEST_OP_POST_URL}"),
    $lvhost->('LT_OVER', "SSOAuthority $ENV{SSO_TEST_OP_POST_URL}",
              "SSOTokenAuth client_secret_post"),
    # The hostile provider: the main server's clock skew and HTTP timeouts,
    # and the defaults (skew) or shorter ones (timeouts) over them.
    $lvhost->('LH', "SSOAuthority $hostile"),
    $lvhost->('LHO', "SSOAuthority $hostile", "SSOClockSkew 120", "SSOHTTPTimeout 1 2"),
    "";
open $fh, '>', "$ldir/httpd.conf" or die $!;
print $fh $conf;
close $fh;
$lsrv->start;

my %lua;
sub sso_login {
    my ($v, $user) = @_;
    my ($ua, @seen) = login(user => $user, url => lurl($v, '/protected/'));
    $lua{"$v $user"} = $ua;
    return $seen[-1];
}
$res = sso_login('LI', 'alice');
is($res->code, 200, 'inherit: alice logs in (SSOClientSecret inherited)');
is($res->header('X-Echo-User'), 'alice', 'inherit: SSOUsernameClaims preferred_username');
is($res->header('X-Echo-Groups'), 'MainAdmins', 'inherit: SSOGroupMap');
$res = sso_login('LI', 'erin');
is($res->code, 200, 'inherit: erin, in no group, gets an account '
   . '(SSOAllowSignupOnlyForMappedUsers Off, SSORequireMappedGroup Off inherited)');
is($res->header('X-Echo-User'), 'erin', 'inherit: as erin');
is($res->header('X-Echo-Groups') // '', '', 'inherit: with no group');

$res = sso_login('LO', 'alice');
is($res->code, 200, 'over: alice logs in');
is($res->header('X-Echo-User'), 'alice@example.test',
   'over: SSOUsernameClaims email preferred_username (the default) wins');
is($res->header('X-Echo-Groups'), 'OverAdmins', 'over: its own SSOGroupMap');
$res = sso_login('LO', 'erin');
is($res->code, 403, 'over: erin refused');
like($res->content, qr/not a member of any group that may use this site/,
     'over: by SSORequireMappedGroup On (the default)');

$res = sso_login('LS', 'erin');
is($res->code, 403, 'signup-only-mapped: erin refused');
like($res->content, qr/new accounts are only/, 'by SSOAllowSignupOnlyForMappedUsers On (the default)');
$res = sso_login('LS', 'alice');
is($res->code, 200, 'signup-only-mapped: alice, in a mapped group, gets an account');

$res = sso_login('LN', 'alice');
is($res->code, 403, 'no-signup: alice refused');
like($res->content, qr/new user sign up is disabled/, 'by SSOAllowSignup Off (the default)');

$res = sso_login('LX', 'alice');
is($res->code, 502, 'wrong-secret vhost: alice does not log in');
like($res->content, qr/credentials were rejected by the SSO provider/,
     'its own SSOClientSecret was sent to the token endpoint');
like($lsrv->log, qr/the client secret \(or client ID\) was rejected by the provider: check SSOClientSecret/,
     'and the log says so');
$res = sso_login('LG', 'alice');
is($res->code, 200, 'groups-claim vhost: alice logs in');
is($res->header('X-Echo-Groups') // '', '', 'with no group: its own SSOGroupsClaim was read');

# SSOTokenAuth.
$mark = length $lsrv->log;
$res = sso_login('LT_IN', 'alice');
is($res->code, 502, 'token-auth inherit: client_secret_basic inherited, the post-only provider refuses it');
like(substr($lsrv->log, $mark), qr/the client secret \(or client ID\) was rejected by the provider/,
     'token-auth inherit: the log says the client was rejected');
$res = sso_login('LT_OVER', 'alice');
is($res->code, 200, 'token-auth over: SSOTokenAuth client_secret_post wins: alice logs in');

# SSOClockSkew: an ID token that expired 300 s ago.
hostile_scenario(name => 'good-rs256', claims => { iat => time - 400, exp => time - 300 });
$res = sso_login('LH', 'mallory');
is($res->code, 200, 'clock-skew inherit: SSOClockSkew 600 accepts a token 300 s past its expiry');
$mark = length $lsrv->log;
$res = sso_login('LHO', 'mallory');
is($res->code, 502, 'clock-skew over: SSOClockSkew 120 (the default) wins: refused');
like(substr($lsrv->log, $mark), qr/ID token refused \(SSO_JWT_EXPIRED\)/, 'clock-skew over: as expired');

# SSOHTTPTimeout: a token endpoint that answers after 30 s. curl's message
# gives the time it waited.
hostile_scenario(name => 'token-slow');
my %waited;
for my $v (qw(LH LHO)) {
    $mark = length $lsrv->log;
    $res = sso_login($v, 'mallory');
    ($waited{$v}) = substr($lsrv->log, $mark) =~ /cannot reach the token endpoint: .*timed out after (\d+) milli/;
    is($res->code, 503, "http-timeout $v: the token request timed out: 503");
}
ok(($waited{LH} // 0) >= 3900, sprintf('http-timeout inherit: SSOHTTPTimeout 4 4 inherited (waited %s ms)', $waited{LH} // '?'));
ok(($waited{LHO} // 9999) < 3500, sprintf('http-timeout over: SSOHTTPTimeout 1 2 wins (waited %s ms)', $waited{LHO} // '?'));

# SSOAccountRecheck: fresh sessions, then the account disabled in each
# host's registry; the session ends after the inherited 2 s, not after the
# 30 s over it.
is(sso_login('LI', 'alice')->code, 200, 'account-recheck inherit: alice logs in again');
is(sso_login('LO', 'alice')->code, 200, 'account-recheck over: alice logs in again');
for (['li', 'alice'], ['lo', 'alice@example.test']) {
    my ($db, $user) = @$_;
    system("$top/sso-users -s sqlite3:$ldir/$db.db disable '$user' >/dev/null") == 0
        or die "sso-users disable $user failed";
}
sleep 3;
is($lua{'LI alice'}->get(lurl('LI', '/protected/'))->code, 302,
   'account-recheck inherit: SSOAccountRecheck 2 inherited: the disabled account\'s session ended');
is($lua{'LO alice'}->get(lurl('LO', '/protected/'))->code, 200,
   'account-recheck over: SSOAccountRecheck 30 (the default) wins: not looked at yet');

$lsrv->stop;

# Timeouts: 6 s in the first httpd's main server. After 8 s idle only the
# host that set both back to their defaults keeps its session; the one
# that set only the timeout loses it to the inherited SSOSessionMaxAge.
sleep 8 - (time - $idle_from) if time - $idle_from < 8;
%page = map { $_ => $ua{$_}->get(url($_, '/protected/')) } qw(MAIN INHERIT OVER MAXAGE);
is($page{MAIN}->code, 401, 'main: session ended after SSOSessionTimeout/MaxAge 6');
is($page{INHERIT}->code, 401, 'inherit: the same');
is($page{OVER}->code, 200, 'over: SSOSessionTimeout 1800 and MaxAge 28800 (the defaults) win');
is($page{MAXAGE}->code, 401, 'maxage: SSOSessionMaxAge 6 inherited');

$srv->stop;
