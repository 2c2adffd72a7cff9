# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The pages users see: self-contained, escaped, with a reference the error
# log repeats; the login page's notices; the administrator's own template.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url new_browser server_log_since log_size);
use SSOTest ();
use URI;
use HTTP::Request::Common qw(POST);

plan tests => 20;

# A provider error page carries a reference, and the log line names it.
my $ua = new_browser();
my $res = $ua->get(site_url('/sso/start?return=/protected/'));
my $state = URI->new($res->header('Location'))->query_param('state');
my $mark = log_size();
$res = $ua->get(site_url("/sso/callback?state=$state&error=temporarily_unavailable"));
is($res->code, 502, 'provider error page: 502');
my ($ref) = $res->content =~ /Reference: ([\w@-]+)/;
ok($ref, 'the page shows a reference (mod_unique_id)');
like(server_log_since($mark), qr/the provider refused the login: temporarily_unavailable \[request \Q$ref\E\]/,
     'the error log line carries the same reference');

# Self-contained pages: inline style, no external resources, phone-ready.
$res = new_browser()->get(site_url('/sso/login'));
like($res->content, qr/<style>/, 'login page: inline CSS');
unlike($res->content, qr/<(?:script|link|img)\b|src=|url\(/i, 'login page: no scripts or external resources');
like($res->content, qr/<meta name="viewport"/, 'login page: viewport for phones');
like($res->content, qr/<title>Sign in to 127\.0\.0\.1<\/title>/, 'login page: site name from ServerName');

# Notices.
like(new_browser()->get(site_url('/sso/login?expired=1'))->content,
     qr/Your session has expired/, 'expired session: notice on the login page');
like(new_browser()->get(site_url('/sso/login?logged_out=1'))->content,
     qr/You have been signed out/, 'logged out: notice on the login page');
unlike(new_browser()->get(site_url('/sso/login?error=%3Cscript%3E'))->content,
       qr/<script>/, 'the error parameter is never echoed');

# The administrator's template, with the placeholders filled in.
$res = new_browser()->get(site_url('/sso/login?return=/protected/', 'TEMPLATE'));
is($res->code, 200, 'template page served');
like($res->content, qr/<h1>ACME intranet: 127\.0\.0\.1<\/h1>/, 'template: {{site}}');
like($res->content, qr/<div class="sso"><p><a class="btn" href="\/sso\/start\?return=%2fprotected%2f">Login with SSO<\/a>/i,
     'template: {{sso_button}} carries the return path');
like($res->content, qr/<div class="local"><form method="post" action="\/sso\/login">/, 'template: {{local_form}}');

# Authenticated pages are private: not reused from a browser cache after
# logout; a Cache-Control the page sets itself is kept.
my ($sua) = SSOTest::login(user => 'alice');
is($sua->get(site_url('/protected/'))->header('Cache-Control'), 'private, no-cache',
   'authenticated page: Cache-Control private, no-cache');
like($sua->get(site_url('/protected/env.cgi'))->content, qr/REMOTE_USER/, 'CGI still served');

# A failed local login: the login page shown next carries the reference of
# the POST that failed, the one its log line ends with (issue 20).
{
    my $b = new_browser();
    my ($csrf) = $b->get(site_url('/sso/login'))->content =~ /name="csrf" value="([^"]+)"/;
    my $mark = log_size();
    my $post = $b->request(POST site_url('/sso/login'),
        [ username => 'nobody-here', password => 'wrong', csrf => $csrf, return => '/' ]);
    is($post->code, 303, 'failed local login: redirected to the login page');
    my ($page_ref) = $b->get(site_url($post->header('Location') // '/'))->content
        =~ /Reference: ([\w@-]+)/;
    my ($log_ref) = server_log_since($mark)
        =~ /local login failed for user 'nobody-here' .*\[request ([\w@-]+)\]/;
    ok($log_ref, 'the failure is logged with a reference');
    is($page_ref, $log_ref, 'the page after it shows that same reference');
    unlike(new_browser()->get(site_url('/sso/login?error=credentials&ref=%3Cb%3Ebold'))->content,
           qr/<b>|Reference: [^<]*bold/, 'a ref outside mod_unique_id\'s alphabet is not shown');
}
