# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The callback refuses everything but a fresh, untampered, browser-bound
# answer to a login this server started; return paths stay on this site.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login login_until_callback session_cookie site_url new_browser
               follow server_log_since log_size);
use URI;
use URI::QueryParam;
use HTTP::Request;
use LWP::UserAgent;

plan tests => 29;

sub no_session { my ($ua, @res) = @_;
    !session_cookie($ua) && !grep { $_->content =~ /PROTECTED-CONTENT/ } @res }

# A good callback works once; replayed, it is refused.
my ($ua, $cb) = login_until_callback(user => 'alice');
like($cb, qr{/sso/callback\?.*code=}, 'provider sent the browser to the callback with a code');
is($cb->query_param('iss'), $ENV{SSO_TEST_OP_URL}, 'provider sent the RFC 9207 iss parameter');
# The browser's cookies as they were before the first use, for the replay.
my $req = HTTP::Request->new(GET => $cb);
$ua->cookie_jar->add_cookie_header($req);
my $res = $ua->get($cb);
is($res->code, 302, 'first use of the callback: redirect to the page');
ok(session_cookie($ua), 'first use: session created');
my $mark = log_size();
my $replayer = LWP::UserAgent->new(max_redirect => 0);
$res = $replayer->request($req);
is($res->code, 400, 'replayed callback (same cookies) refused with 400');
like($res->content, qr/invalid or has expired/, 'replay: page says why');
ok(!$res->header('Set-Cookie') || $res->header('Set-Cookie') !~ /sso_session=[^;]/,
   'replay: no new session');
like(server_log_since($mark), qr/login callback refused: state was already used/,
     'replay: log says the state was already used');

# Tampered state.
($ua, $cb) = login_until_callback(user => 'bob');
my $bad = $cb->clone;
my $state = $bad->query_param('state');
$bad->query_param(state => ($state =~ /^A/ ? 'B' : 'A') . substr($state, 1));
$res = $ua->get($bad);
is($res->code, 400, 'tampered state refused');
ok(no_session($ua, $res), 'tampered state: no session');

# Missing state, duplicated parameters.
$bad = $cb->clone; $bad->query_param_delete('state');
is($ua->get($bad)->code, 400, 'missing state refused');
$bad = URI->new("$cb&code=second");
$mark = log_size();
is($ua->get($bad)->code, 400, 'duplicated parameter refused');
like(server_log_since($mark), qr/parameter 'code' is duplicated/, 'duplicate: log names it');

# iss parameter that is not the provider's (mix-up attack).
$bad = $cb->clone; $bad->query_param(iss => 'https://evil.example');
$res = $ua->get($bad);
is($res->code, 400, 'foreign iss parameter refused');

# iss absent although the provider advertises
# authorization_response_iss_parameter_supported.
($ua, $cb) = login_until_callback(user => 'bob');
$bad = $cb->clone; $bad->query_param_delete('iss');
$mark = log_size();
is($ua->get($bad)->code, 400, 'missing iss parameter refused when the provider advertises it');
like(server_log_since($mark), qr/iss parameter missing, but the provider advertises/, 'missing iss: logged');

# The callback from another browser (no login cookie) is refused.
($ua, $cb) = login_until_callback(user => 'carol');
my $other = new_browser();
$res = $other->get($cb);
is($res->code, 400, 'callback in a browser that did not start the login: refused');
ok(no_session($other, $res), 'other browser: no session');

# Provider error response, with HTML in error_description: escaped.
$ua = new_browser();
$res = $ua->get(site_url('/sso/start?return=/protected/'));
my $auth = URI->new($res->header('Location'));
my $err = URI->new(site_url('/sso/callback'));
$err->query_form(state => $auth->query_param('state'), error => 'access_denied',
                 error_description => '<script>alert("x")</script>');
$mark = log_size();
$res = $ua->get($err);
is($res->code, 502, 'provider error: 502 page');
like($res->content, qr/access_denied/, 'provider error: page shows the error code');
unlike($res->content, qr/<script>alert/, 'provider error: description is escaped');
like($res->content, qr/&lt;script&gt;/, 'provider error: description shown escaped');
like(server_log_since($mark), qr/the provider refused the login: access_denied/, 'provider error: logged');
ok(no_session($ua, $res), 'provider error: no session');

# Return paths: same-origin paths only, anything else lands on /.
my @evil = ('//evil.example/', '/\\evil.example', 'https://evil.example/',
            'javascript:alert(1)', '/%2F%2Fevil.example');
my $landed = 0;
for my $ret (@evil) {
    my $u = URI->new(site_url('/sso/start'));
    $u->query_form(return => $ret);
    my $b = new_browser();
    my @seen = follow($b, $b->get($u), user => 'alice');
    my ($final) = grep { $_->request->uri =~ m{/sso/callback} } @seen;
    $landed++ if $final && $final->header('Location') eq '/';
}
is($landed, scalar @evil, 'open-redirect return values all land on /');
my $u = URI->new(site_url('/sso/start'));
$u->query_form(return => '/protected/?a=1&b=2');
my $b = new_browser();
my @seen = follow($b, $b->get($u), user => 'alice');
is($seen[-1]->request->uri->path_query, '/protected/?a=1&b=2', 'a same-origin return path is kept');

# Without a session: 401 for APIs, the provider for "provider".
$res = new_browser()->get(site_url('/protected/api/'));
is($res->code, 401, 'SSOUnauthenticated 401: answers 401');
like($res->header('WWW-Authenticate') // '', qr/^SSO realm=/, '401 carries a challenge');
$res = new_browser()->get(site_url('/protected/go/x?y=1'));
like($res->header('Location') // '', qr{^\Q$ENV{SSO_TEST_OP_URL}\E/authorize\?}, 'SSOUnauthenticated provider: straight to the provider');
