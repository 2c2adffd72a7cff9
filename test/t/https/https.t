# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Over HTTPS, as deployed (issue 12, items 5 and 7): mod_ssl virtual hosts
# with a certificate from the run's test CA (conf/sso/vhosts.conf), an https
# SSOPublicURL, every cookie Secure, the site's HSTS header untouched, and
# SSOCookieName __Host-sso: every cookie the module sets then obeys the
# prefix (Path=/, Secure, no Domain), the login and CSRF cookies included.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST);
use URI;
use URI::Escape qw(uri_unescape);
use SSOTest qw(login new_browser site_url session_cookie follow);

plan tests => 34;

my $HSTS = 'max-age=63072000; includeSubDomains';
my $store = "sqlite3:$ENV{SSO_TEST_OUT}/users-https.db";
system("echo 'tls-pass' | $ENV{SSO_TEST_TOP}/sso-users -s $store add tlsadmin Administrators >/dev/null") == 0
    or die "sso-users add failed";

# The Set-Cookie headers the site (not the provider) sent in these responses.
sub site_cookies {
    my ($vhost, @responses) = @_;
    my $origin = site_url('', $vhost);
    return map { $_->header('Set-Cookie') }
           grep { index($_->request->uri, $origin) == 0 } @responses;
}
# name => attributes (lower-cased) of one Set-Cookie line.
sub cookie_parse {
    my ($line) = @_;
    my ($pair, @attrs) = split /;\s*/, $line;
    my ($name) = split /=/, $pair, 2;
    my %a = map { my ($k, $v) = split /=/, $_, 2; (lc $k => $v // 1) } @attrs;
    return ($name, \%a);
}
sub all_secure {
    my @lines = @_;
    return @lines && !grep { !(cookie_parse($_))[1]{secure} } @lines;
}
# The local login form of VHOST: the browser, the page, its CSRF token.
sub local_form {
    my ($vhost) = @_;
    my $ua = new_browser();
    my $page = $ua->get(site_url('/sso/login?return=/protected/admin/', $vhost));
    my ($csrf) = $page->content =~ /name="csrf" value="([^"]+)"/;
    return ($ua, $page, $csrf);
}
sub local_post {
    my ($ua, $vhost, $csrf) = @_;
    return $ua->request(POST site_url('/sso/login', $vhost),
        [ username => 'tlsadmin', password => 'tls-pass', csrf => $csrf,
          return => '/protected/admin/' ]);
}
sub logout {
    my ($ua, $vhost) = @_;
    my $origin = site_url('', $vhost); $origin =~ s{/$}{};
    return $ua->request(POST site_url('/sso/logout', $vhost), Origin => $origin,
                        Content => [ return => '/public/' ]);
}

# ---- HTTPS, default cookie name ----
my ($ua, @seen) = login(user => 'alice', vhost => 'HTTPS');
is($seen[0]->request->uri->scheme, 'https', 'the site answers over https');
is($seen[-1]->code, 200, 'https: full SSO login succeeds');
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'https: protected page served');
my ($authorize) = grep { ($_->header('Location') // '') =~ m{/authorize\?} } @seen;
my %q = URI->new($authorize->header('Location'))->query_form;
is($q{redirect_uri}, site_url('/sso/callback', 'HTTPS'),
   'https: redirect_uri is built from the https SSOPublicURL');
my @set = site_cookies('HTTPS', @seen);
ok(all_secure(@set), 'https: every cookie of the SSO login is Secure (' . scalar(@set) . ' set)');
ok((grep { /^sso_session=/ } @set), 'https: the session cookie was among them');
my @hsts = map { [ $_->request->uri->path, $_->header('Strict-Transport-Security') ] }
           grep { index($_->request->uri, site_url('', 'HTTPS')) == 0 } @seen;
ok(@hsts > 2 && !(grep { @$_ != 2 || $_->[1] ne $HSTS } @hsts),
   'https: the configured HSTS header, once and unchanged, on every answer (redirects, login page, content)')
    or diag explain \@hsts;

my ($lua, $page, $csrf) = local_form('HTTPS');
ok(all_secure(site_cookies('HTTPS', $page)), 'https: the CSRF cookie is Secure');
my $res = local_post($lua, 'HTTPS', $csrf);
is($res->code, 303, 'https: local login succeeds');
ok(all_secure(site_cookies('HTTPS', $res)), 'https: the local session cookie is Secure');
is($lua->get(site_url('/protected/admin/', 'HTTPS'))->code, 200, 'https: local session admitted');

$res = logout($ua, 'HTTPS');
is($res->code, 303, 'https: logout (same-origin check against the https SSOPublicURL)');
my @cleared = site_cookies('HTTPS', $res);
ok(all_secure(@cleared) && (grep { /^sso_session=;/ } @cleared), 'https: logout expires the cookie, Secure');
is($res->header('Strict-Transport-Security'), $HSTS, 'https: HSTS on the logout answer');
like($ua->get(site_url('/protected/', 'HTTPS'))->header('Location') // '', qr{^/sso/login},
     'https: logged out');

# ---- HTTPS, SSOCookieName __Host-sso ----
my $hua = new_browser();
$page = $hua->get(site_url('/sso/login?return=/protected/', 'HTTPS_HOST'));
my ($n, $a) = cookie_parse((site_cookies('HTTPS_HOST', $page))[0] // '');
is($n, '__Host-sso_csrf', '__Host-: the CSRF cookie keeps its derived name');
is($a->{path}, '/', '__Host-: the CSRF cookie has Path=/');
ok($a->{secure} && !exists $a->{domain}, '__Host-: the CSRF cookie is Secure, without Domain');

$res = $hua->get(site_url('/sso/start?return=/protected/', 'HTTPS_HOST'));
($n, $a) = cookie_parse((site_cookies('HTTPS_HOST', $res))[0] // '');
like($n, qr/^__Host-sso_login_[A-Za-z0-9_-]{12}$/, '__Host-: the login cookie keeps its derived name');
is($a->{path}, '/', '__Host-: the login cookie has Path=/ (was /sso/callback, which browsers drop)');
ok($a->{secure} && !exists $a->{domain}, '__Host-: the login cookie is Secure, without Domain');

@seen = follow($hua, $res, user => 'alice');
is($seen[-1]->code, 200, '__Host-sso: full SSO login succeeds');
like($seen[-1]->content, qr/PROTECTED-CONTENT/, '__Host-sso: protected page served');
ok(session_cookie($hua, '__Host-sso'), '__Host-sso: the session cookie is set');
@set = site_cookies('HTTPS_HOST', $page, $res, @seen);
my @bad = grep { my ($cn, $ca) = cookie_parse($_);
                 $cn !~ /^__Host-/ || ($ca->{path} // '') ne '/' || !$ca->{secure}
                 || exists $ca->{domain} } @set;
is(scalar @bad, 0, '__Host-: all ' . scalar(@set) . ' cookies set obey the prefix') or diag "@bad";
my @login_cleared = grep { /^__Host-sso_login_[A-Za-z0-9_-]{12}=;/ } @set;
is(scalar @login_cleared, 1, '__Host-: the callback expires the login cookie at Path=/');
is($hua->get(site_url('/protected/env.cgi', 'HTTPS_HOST'))->content =~ /^REMOTE_USER=(.*)$/m ? $1 : '',
   'alice@example.test', '__Host-sso: the session serves the application');

($lua, $page, $csrf) = local_form('HTTPS_HOST');
$res = local_post($lua, 'HTTPS_HOST', $csrf);
is($res->code, 303, '__Host-sso: local login succeeds');
($n, $a) = cookie_parse((grep { /^__Host-sso=/ } site_cookies('HTTPS_HOST', $res))[0] // '');
ok($n && $a->{path} eq '/' && $a->{secure}, '__Host-sso: local session cookie Path=/, Secure');
is($lua->get(site_url('/protected/admin/', 'HTTPS_HOST'))->code, 200, '__Host-sso: local session admitted');

$res = logout($hua, 'HTTPS_HOST');
is($res->code, 303, '__Host-sso: logout');
($n, $a) = cookie_parse((site_cookies('HTTPS_HOST', $res))[0] // '');
ok($n eq '__Host-sso' && $a->{path} eq '/' && $a->{secure} && ($a->{'max-age'} // '') eq '0',
   '__Host-sso: logout expires the cookie with Path=/ and Secure');
like($hua->get(site_url('/protected/', 'HTTPS_HOST'))->header('Location') // '', qr{^/sso/login},
     '__Host-sso: logged out');

# Plain http to the TLS port is not served as a page.
my $plain = new_browser()->get('http://127.0.0.1:' . $ENV{SSO_TEST_PORT_HTTPS} . '/protected/');
is($plain->code, 400, 'http to the https port: 400');
