# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The module's pages pass through the site's output filters, also those
# mod_filter runs (AddOutputFilterByType, on in Debian's deflate.conf): they
# need their init functions, which httpd calls for handlers only.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOServer;
use LWP::UserAgent;

plan tests => 5;

my $md = $ENV{SSO_TEST_MODDIR};
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => [
    "LoadModule filter_module $md/mod_filter.so",
    "LoadModule deflate_module $md/mod_deflate.so",
    "AddOutputFilterByType DEFLATE text/html application/json",
])->start;
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
my $res = $ua->get($srv->url('/sso/login?return=/protected/'), 'Accept-Encoding' => 'gzip');
is($res->code, 200, 'the login page is served');
is($res->header('Content-Encoding') // '', 'gzip', "through the site's DEFLATE filter");
like($res->decoded_content // '', qr{/sso/start\?return=}, 'and reads as the login page');
$res = $ua->get($srv->url('/sso/status'));
is($res->code, 200, '/sso/status too, without gzip asked for');
$srv->stop;
unlike($srv->log, qr/exit signal|Segmentation fault/, 'no child died');
