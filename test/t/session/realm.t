# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Session realms: a session counts only under the configuration that made
# it (SSOAuthority, SSOClientID and SSOUserStore for SSO sessions;
# SSOUserStore and SSOLocalAuthProvider for local ones), on one server whose
# virtual hosts share a session cache and on two servers sharing Redis.
# The REALM port has three name-based hosts (conf/sso/vhosts.conf): the
# default one is another client; same.test and store.test are picked by
# the Host header.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser site_url session_cookie server_log_since log_size);
use SSOServer;
use SSOStore;
use HTTP::Request::Common qw(POST);
use Net::HTTP;

plan tests => 26;

my $realm = $ENV{SSO_TEST_PORT_REALM};
my $realm_url = "http://127.0.0.1:$realm";

# GET on the REALM port, as the name-based host $host, with $ua's session
# cookie (a cookie jar would look for cookies of $host).
sub on_host {
    my ($ua, $host, $path) = @_;
    return new_browser()->get("$realm_url$path", Host => $host,
                              Cookie => 'sso_session=' . session_cookie($ua));
}
sub is_login_redirect {
    my ($res, $name) = @_;
    ok($res->code == 302 && ($res->header('Location') // '') =~ m{/sso/login\?return=}
       && $res->content !~ /PROTECTED-CONTENT/,
       $name . ' (got ' . $res->code . ' ' . ($res->header('Location') // '') . ')');
}

# ---- one server, two clients of one provider, one session cache ----
my ($main_ua, @seen) = login(user => 'alice', path => '/protected/admin/');
is($seen[-1]->code, 200, 'alice logged in on the main server');
my ($other_ua, @seen2) = login(user => 'alice', url => "$realm_url/protected/admin/");
is($seen2[-1]->code, 200, 'alice logged in on the virtual host of another client');
my ($main_sid, $other_sid) = (session_cookie($main_ua), session_cookie($other_ua));
ok($main_sid && $other_sid && $main_sid ne $other_sid, 'two sessions');

my $mark = log_size();
is_login_redirect($main_ua->get("$realm_url/protected/admin/"),
                  "the main server's session on the other client's host: login redirect");
is_login_redirect($other_ua->get(site_url('/protected/admin/')),
                  "the other client's session on the main server: login redirect");
like($main_ua->get(site_url('/protected/admin/'))->content, qr/PROTECTED-CONTENT admin/,
     'each session still works where it was made (main)');
is($other_ua->get("$realm_url/protected/admin/")->code, 200,
   'each session still works where it was made (other client)');

# Same realm: a virtual host that changes nothing the realm covers shares.
like(on_host($main_ua, 'same.test', '/protected/')->content, qr/PROTECTED-CONTENT/,
     "same realm (same.test): the main server's session is served");
is_login_redirect(on_host($other_ua, 'same.test', '/protected/'),
                  "same.test: the other client's session is not");

# The memo of a keep-alive connection is shared by the hosts of a cache:
# a session read from it is still held to the realm.
my $conn = Net::HTTP->new(Host => "127.0.0.1:$realm", KeepAlive => 1) or die "connect: $@";
sub on_conn {
    my ($host, $path, $sid) = @_;
    $conn->write_request(GET => $path, Host => $host, Cookie => "sso_session=$sid");
    my ($code, undef, %h) = $conn->read_response_headers;
    my ($body, $buf) = ('');
    while (my $n = $conn->read_entity_body($buf, 4096)) { $body .= $buf }
    return ($code, $h{Location} // '');
}
my $mark2 = log_size();
my @codes = map { (on_conn('same.test', '/protected/memo/', $main_sid))[0] } 1 .. 2;
my ($code, $loc) = on_conn('127.0.0.1', '/protected/memo/', $main_sid);
is("@codes $code", '200 200 302', 'one connection: same.test served twice, then the other client refuses');
like($loc, qr{/sso/login\?return=}, 'with the login redirect');
like(server_log_since($mark2), qr/session read from the connection's memo/,
     'the memo was used on that connection');
like(server_log_since($mark), qr/session of alice\S* ignored: it was made under another configuration/,
     'the refusal is a debug log line');

# ---- local sessions: refused under another SSOUserStore ----
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$ENV{SSO_TEST_OUT}/users-main.db";
system("echo 'realm-pass' | $cli add realmlocal Administrators >/dev/null 2>&1");
my $lua = new_browser();
$lua->local_address('127.0.0.21');    # a throttle record of its own
my ($csrf) = $lua->get(site_url('/sso/login?return=/protected/'))->content =~ /name="csrf" value="([^"]+)"/;
my $res = $lua->request(POST site_url('/sso/login'),
    [ username => 'realmlocal', password => 'realm-pass', csrf => $csrf // '', return => '/protected/' ]);
is($res->code, 303, 'local login on the main server');
like($lua->get(site_url('/protected/'))->content, qr/PROTECTED-CONTENT/, 'served there');
is_login_redirect(on_host($lua, 'store.test', '/protected/'),
                  'the local session under another SSOUserStore (store.test): login redirect');
like(on_host($lua, 'same.test', '/protected/')->content, qr/PROTECTED-CONTENT/,
     'the local session under the same store (same.test): served');
is_login_redirect(on_host($main_ua, 'store.test', '/protected/'),
                  'an SSO session under another SSOUserStore (store.test): login redirect');

# An SSOLocalAuthProvider session (htpasswd) under the same cache and store
# without that provider (noprov.test on the AUTHN port): refused.
my $pua = new_browser();
$pua->local_address('127.0.0.22');
my $authn_url = "http://127.0.0.1:$ENV{SSO_TEST_PORT_AUTHN}";
($csrf) = $pua->get("$authn_url/sso/login?return=/protected/")->content =~ /name="csrf" value="([^"]+)"/;
$res = $pua->request(POST "$authn_url/sso/login",
    [ username => 'webuser', password => 'web-pass', csrf => $csrf // '', return => '/protected/' ]);
is($res->code, 303, 'SSOLocalAuthProvider login (htpasswd user)');
like($pua->get("$authn_url/protected/")->content, qr/PROTECTED-CONTENT/, 'served there');
my $noprov = new_browser()->get("$authn_url/protected/", Host => 'noprov.test',
                                Cookie => 'sso_session=' . session_cookie($pua));
is_login_redirect($noprov, 'its session where SSOLocalAuthProvider is not set (noprov.test): login redirect');

# ---- two servers sharing Redis, with different clients ----
my $rport = $ENV{SSO_TEST_PORT_REDIS};
my $store = SSOStore->new(kind => 'redis', port => $rport)->start;
my $db = "$ENV{SSO_TEST_OUT}/users-realm-redis.db";
my $a = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, store => $db,
                       lines => ["SSOSessionCache redis:127.0.0.1:$rport"])->start;
my $b = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2}, store => $db,
                       lines => ["SSOSessionCache redis:127.0.0.1:$rport",
                                 "SSOClientID $ENV{SSO_TEST_OTHER_CLIENT_ID}"])->start;
my ($ua_a, @sa) = login(user => 'alice', url => $a->url('/protected/'));
my ($ua_b, @sb) = login(user => 'alice', url => $b->url('/protected/'));
is($sa[-1]->code . ' ' . $sb[-1]->code, '200 200', 'redis: logged in on server A and on server B');
my $ra = $ua_a->get($b->url('/protected/'));
is($ra->code, 302, "redis: server A's session on server B (another client): login redirect");
my $rb = $ua_b->get($a->url('/protected/'));
is($rb->code, 302, "redis: server B's session on server A: login redirect");
like($ua_a->get($a->url('/protected/'))->content . $ua_b->get($b->url('/protected/'))->content,
     qr/PROTECTED-CONTENT.*PROTECTED-CONTENT/s, 'redis: each session still works on its own server');
like($b->log, qr/session of alice\S* ignored: it was made under another configuration/,
     'redis: server B logs why');
$_->stop for $a, $b;
$store->stop;
