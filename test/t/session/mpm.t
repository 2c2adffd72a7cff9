# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The module under mpm_prefork and mpm_worker (mpm_event runs everything else).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser);
use SSOServer;
use HTTP::Request::Common qw(POST);

plan tests => 2 * 5;

for my $mpm (qw(prefork worker)) {
    my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV3}, mpm => $mpm)->start;
    my $url = $srv->url('/protected/');
    my ($ua, @seen) = login(user => 'dave', url => $url);
    is($seen[-1]->code, 200, "$mpm: login works");
    my $ok = grep { $ua->get($url)->content =~ /PROTECTED-CONTENT/ } 1 .. 30;
    is($ok, 30, "$mpm: 30 requests served across processes");
    my $res = $ua->request(POST $srv->url('/sso/logout'),
                           Origin => "http://127.0.0.1:$ENV{SSO_TEST_PORT_SRV3}");
    is($res->code, 303, "$mpm: logout");
    my $after = grep { $ua->get($url)->code == 302 } 1 .. 10;
    is($after, 10, "$mpm: refused after logout");
    $srv->stop;
    like($srv->log, qr/mpm_$mpm:notice.*resuming normal operations/, "$mpm: it was that MPM");
}
