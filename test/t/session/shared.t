# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Two servers sharing sessions through Redis, then memcached: log in on
# one, be served on the other, log out on one, be refused on both. With
# Redis down, requests fail closed (503) and recover when it returns.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser full_tier_only);
use SSOServer;
use SSOStore;
use HTTP::Request::Common qw(POST);

full_tier_only('two servers on Redis, then memcached, and a Redis outage');
plan tests => 2 * 5 + 5;

for my $kind (qw(redis memcache)) {
    my $port = $kind eq 'redis' ? $ENV{SSO_TEST_PORT_REDIS} : $ENV{SSO_TEST_PORT_MEMCACHE};
    my $store = SSOStore->new(kind => $kind, port => $port)->start;
    my @lines = ("SSOSessionCache $kind:127.0.0.1:$port", "SSOSessionCacheReuse 0");
    # Servers share sessions within one session realm: the same
    # SSOAuthority, SSOClientID and SSOUserStore (t/session/realm.t).
    my $db = "$ENV{SSO_TEST_OUT}/users-shared-$kind.db";
    my $a = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, store => $db, lines => \@lines)->start;
    my $b = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2}, store => $db, lines => \@lines)->start;

    my ($ua, @seen) = login(user => 'alice', url => $a->url('/protected/'));
    is($seen[-1]->code, 200, "$kind: logged in on server A");
    like($ua->get($b->url('/protected/'))->content, qr/PROTECTED-CONTENT/,
         "$kind: served on server B with the same cookie");
    my $res = $ua->request(POST $b->url('/sso/logout'),
                           Origin => "http://127.0.0.1:$ENV{SSO_TEST_PORT_SRV2}");
    is($res->code, 303, "$kind: logged out on server B");
    is($ua->get($a->url('/protected/'))->code, 302, "$kind: refused on server A");
    is($ua->get($b->url('/protected/'))->code, 302, "$kind: refused on server B");

    if ($kind eq 'redis') {
        ($ua, @seen) = login(user => 'bob', url => $a->url('/protected/'));
        $store->stop;
        $res = $ua->get($a->url('/protected/'));
        is($res->code, 503, 'redis down: 503, fail closed');
        unlike($res->content, qr/PROTECTED-CONTENT/, 'redis down: no content');
        like($a->log, qr/session cache redis:127\.0\.0\.1:\d+ failed to answer \(check SSOSessionCache\)/,
             'redis down: log line names the cache and the directive');
        $store->start;
        my $t0 = time;
        do { sleep 1; ($ua, @seen) = login(user => 'bob', url => $a->url('/protected/')) }
            until $seen[-1]->code == 200 || time - $t0 > 20;
        is($seen[-1]->code, 200, 'redis back: login works again without a restart'
           . sprintf(' (after %d s)', time - $t0));
        # apr_redis retries a server it found dead every 5 s, per process.
        $t0 = time;
        my $shared;
        do { sleep 1; $shared = $ua->get($b->url('/protected/'))->content =~ /PROTECTED-CONTENT/ }
            until $shared || time - $t0 > 20;
        ok($shared, sprintf('redis back: shared again (after %d s)', time - $t0));
    }
    $_->stop for $a, $b;
    $store->stop;
}
