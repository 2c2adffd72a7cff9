# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The per-connection session memo: on one keep-alive connection, requests
# after the first are served from the memo, and a logout or another
# session's cookie on the same connection is never answered from it.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url session_cookie server_log_since log_size);
use HTTP::Request::Common qw(POST);
use Net::HTTP;
use Time::HiRes qw(time);

plan tests => 12;

my ($alice_ua) = login(user => 'alice');
my ($bob_ua) = login(user => 'bob');
my ($alice, $bob) = (session_cookie($alice_ua), session_cookie($bob_ua));
ok($alice && $bob, 'alice and bob logged in');

my $conn = Net::HTTP->new(Host => Apache::TestRequest::hostport(), KeepAlive => 1)
    or die "cannot connect: $@";

# One request on the kept-alive connection: (status, body, Location).
sub on_conn {
    my ($path, $sid) = @_;
    $conn->write_request(GET => $path, Cookie => "sso_session=$sid");
    my ($code, undef, %h) = $conn->read_response_headers;
    my ($body, $buf) = ('');
    while (my $n = $conn->read_entity_body($buf, 4096)) { $body .= $buf }
    return ($code, $body, $h{Location} // '');
}

my $mark = log_size();
my @codes = map { (on_conn('/protected/memo/', $alice))[0] } 1 .. 3;
is("@codes", '200 200 200', 'three requests on one connection');
my $memo_hits = () = server_log_since($mark) =~ /session read from the connection's memo/g;
cmp_ok($memo_hits, '>=', 1, "later requests are read from the connection's memo ($memo_hits of 3)");

# Another session on the same connection is looked up, not taken from the memo.
is((on_conn('/protected/admin/', $bob))[0], 403, 'bob on the same connection is bob (not an admin)');
is((on_conn('/protected/admin/', $alice))[0], 200, 'alice again is alice');
my ($code, $body) = on_conn('/protected/memo/', $alice);
like($body, qr/MEMO-PROTECTED/, 'memo warm again');

# Logout on another connection voids the memo at once: well within its
# 5-second lifetime.
my $origin = site_url(''); $origin =~ s{/$}{};
my $t0 = time;
my $res = $alice_ua->request(POST site_url('/sso/logout'), Origin => $origin,
                             Content => [ return => '/public/' ]);
is($res->code, 303, 'alice logged out on another connection');
my $location;
($code, $body, $location) = on_conn('/protected/memo/', $alice);
my $elapsed = time - $t0;
is($code, 302, 'the next request on the kept-alive connection is refused');
like($location, qr{^/sso/login\?return=}, 'and sent to the login page');
unlike($body, qr/MEMO-PROTECTED/, 'without the protected content');
cmp_ok($elapsed, '<', 4, sprintf('within the memo lifetime (%.2f s)', $elapsed));

# bob's session is untouched.
is((on_conn('/protected/dns/', $bob))[0], 200, "bob's session still works on the same connection");
