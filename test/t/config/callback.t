# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The redirect URI when SSOPublicURL is unset: a virtual host on its own
# port whose ServerName has none sends its port (issue 20), logs the URI
# at startup whatever the LogLevel, and shows it in /sso/status. A
# trailing '/' in SSOAuthority is named at startup, and discovery still
# goes to the right address, so the issuer mismatch is what is reported.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use JSON::PP qw(decode_json);
use URI;
use SSOTest qw(login new_browser);
use SSOServer;
use File::Temp qw(tempdir);

plan tests => 19;

my $port = $ENV{SSO_TEST_PORT_SRV1};
my $op = $ENV{SSO_TEST_OP_URL};
my $want = "http://127.0.0.1:$port/sso/callback";

my $srv = SSOServer->new(port => $port, public_url => 0, lines => [
    'LogLevel warn',
    "<VirtualHost 127.0.0.1:$port>", 'ServerName 127.0.0.1', '</VirtualHost>',
])->start;

like($srv->log, qr/\[auth_sso:notice\] .*redirect URI of virtual host 127\.0\.0\.1 \(\S+:\d+\): \Q$want\E \(from ServerName and the port/,
     'startup log names the virtual host and its redirect URI, at LogLevel warn');

my $ua = new_browser();
my $res = $ua->get($srv->url('/sso/start?return=/protected/'));
is($res->code, 302, '/sso/start redirects to the provider');
my %q = URI->new($res->header('Location') // '')->query_form;
is($q{redirect_uri}, $want, 'redirect_uri carries the virtual host\'s port');

$res = $ua->get($srv->url('/sso/status'));
is(decode_json($res->content)->{redirectUri}, $want, '/sso/status shows the redirect URI');

my (undef, @seen) = login(user => 'alice', url => $srv->url('/protected/'));
is($seen[-1]->code, 200, 'the provider accepts it: the login completes');
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'and the page is served');
$srv->stop;

# As deployed: HTTPS on a port of its own (the *:8443 of issue 20), the
# provider knowing only https://127.0.0.1:PORT/sso/callback.
{
    my $dir = tempdir(CLEANUP => 1);
    system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
           . "-keyout $dir/key.pem -out $dir/cert.pem 2>/dev/null") == 0
        or die 'openssl req failed';
    my $https = "https://127.0.0.1:$port/sso/callback";
    my ($op_pid, $op_url) = start_provider($https);
    my $tls = SSOServer->new(port => $port, public_url => 0, lines => [
        "LoadModule ssl_module $ENV{SSO_TEST_MODDIR}/mod_ssl.so", 'LogLevel warn',
        "<VirtualHost 127.0.0.1:$port>", 'ServerName 127.0.0.1', 'SSLEngine on',
        "SSLCertificateFile $dir/cert.pem", "SSLCertificateKeyFile $dir/key.pem",
        "SSOAuthority $op_url", '</VirtualHost>',
    ])->start;
    like($tls->log, qr/redirect URI of virtual host 127\.0\.0\.1 \(\S+\): \Q$https\E with SSLEngine on, else http:\/\/127\.0\.0\.1:$port\/sso\/callback/,
         'HTTPS: with mod_ssl on another port than 443 the startup log gives both, the https one first');
    my $b = new_browser();
    $b->ssl_opts(verify_hostname => 0, SSL_verify_mode => 0);
    $res = $b->get("https://127.0.0.1:$port/sso/start?return=/protected/");
    my %tq = URI->new($res->header('Location') // '')->query_form;
    is($tq{redirect_uri}, $https, 'HTTPS: redirect_uri has the scheme and the port');
    is(decode_json($b->get("https://127.0.0.1:$port/sso/status")->content)->{redirectUri},
       $https, 'HTTPS: /sso/status shows it');
    my (undef, @tseen) = login(ua => $b, user => 'alice', url => "https://127.0.0.1:$port/protected/");
    is($tseen[-1]->code, 200, 'HTTPS: the provider accepts it and the login completes');
    like($tseen[-1]->content, qr/PROTECTED-CONTENT/, 'HTTPS: the page is served');
    $tls->stop;
    kill 'TERM', $op_pid;
    waitpid $op_pid, 0;
    unlike($tls->log, qr/\[auth_sso:(error|emerg)\]/, 'HTTPS: no module errors in the log');
}

# A provider of our own that accepts only the given redirect URI.
sub start_provider {
    my ($redirect) = @_;
    my $log = "$ENV{SSO_TEST_OUT}/op-callback.log";
    my @args = ('--client-id', $ENV{SSO_TEST_CLIENT_ID}, '--client-secret',
                $ENV{SSO_TEST_CLIENT_SECRET}, '--redirect-uri', $redirect,
                '--port', 0, '--exit-with-parent');
    pipe(my $rd, my $wr) or die $!;
    my $pid = fork // die $!;
    if (!$pid) {
        close $rd; open STDOUT, '>&', $wr; open STDERR, '>', $log;
        exec 'node', "$ENV{SSO_TEST_TOP}/test/op/server.js", @args or die $!;
    }
    close $wr;
    my $line = <$rd> // '';
    die "provider did not start (see $log)" unless $line =~ /^READY (\S+)/;
    return ($pid, $1);
}

# SSOAuthority with a trailing slash.
$srv = SSOServer->new(port => $port, lines => [ "SSOAuthority $op/" ])->start;
like($srv->log, qr/\[auth_sso:warn\] .*SSOAuthority \Q$op\E\/ in the main server ends with '\/'.*write SSOAuthority \Q$op\E$/m,
     'startup warns about the trailing slash and says what to write');
$res = new_browser()->get($srv->url('/sso/start?return=/'));
is($res->code, 502, 'sign-in is refused');
like($res->content, qr/not configured correctly/, 'the page says the configuration is wrong');
my $log = $srv->log;
like($log, qr/discovery issuer '\Q$op\E' differs from SSOAuthority '\Q$op\E\/'/,
     'the log reports the issuer mismatch');
unlike($log, qr/well-known\/openid-configuration: HTTP 404|\/\/\.well-known/,
       'discovery was not fetched from //.well-known (404)');
$srv->stop;

# Given SSOPublicURL, the log says so.
$srv = SSOServer->new(port => $port)->start;
like($srv->log, qr/redirect URI of the main server: http:\/\/127\.0\.0\.1:$port\/sso\/callback \(from SSOPublicURL\)/,
     'with SSOPublicURL the startup log names it as the source');
$srv->stop;
unlike($srv->log, qr/\[auth_sso:(error|emerg)\]/, 'no module errors in the log');
