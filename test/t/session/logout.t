# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Logout: GET asks, POST (same origin only) ends the session everywhere.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url session_cookie new_browser server_log_since log_size);
use HTTP::Request::Common qw(POST);

plan tests => 13;

my ($ua, @seen) = login(user => 'alice');
my $sid = session_cookie($ua);
ok($sid, 'logged in');

my $res = $ua->get(site_url('/sso/logout?return=/public/'));
is($res->code, 200, 'GET /sso/logout shows a confirmation page');
like($res->content, qr/<form method="post" action="\/sso\/logout">/, 'with a POST form');
like($res->content, qr/name="return" value="\/public\/"/, 'carrying the return path');
ok(session_cookie($ua), 'GET does not log out');

# Cross-site POST: refused.
my $mark = log_size();
$res = $ua->request(POST site_url('/sso/logout'), Origin => 'https://evil.example',
                    Content => [ return => '/public/' ]);
is($res->code, 403, 'POST from another origin refused');
like(server_log_since($mark), qr/logout refused: the request came from another site/,
     'cross-site logout logged');
$res = $ua->get(site_url('/protected/'));
like($res->content, qr/PROTECTED-CONTENT/, 'session still valid after the refused logout');

# Same-origin POST: session gone, cookie expired, redirect to return path.
my $origin = site_url(''); $origin =~ s{/$}{};
$res = $ua->request(POST site_url('/sso/logout'), Origin => $origin,
                    Content => [ return => '//evil.example/' ]);
is($res->code, 303, 'logout answers 303');
is($res->header('Location'), '/', 'an off-site return path falls back to /');
like(join(' ', $res->header('Set-Cookie')), qr/sso_session=;.*Max-Age=0/i, 'cookie expired');

# The old cookie is refused by every child: replay it many times.
my $replay = new_browser();
$replay->cookie_jar->set_cookie(0, 'sso_session', $sid, '/', '127.0.0.1', $ENV{SSO_TEST_PORT}, 0, 0, 3600, 0);
my $served = 0;
for (1 .. 40) {
    $served++ if $replay->get(site_url('/protected/'))->content =~ /PROTECTED-CONTENT/;
}
is($served, 0, 'the old session cookie is refused on 40 requests across children');
$res = $replay->get(site_url('/protected/'));
like($res->header('Location') // '', qr{^/sso/login\?return=}, 'and sent to the login page');
