# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOGroupRefresh 2 with a provider that issues no refresh token
# (--no-refresh-token): the groups are read at userinfo with the access
# token kept server-side at login (OpenID Connect Core 1.0 §5.3), and
# re-mapped. A group removed at the provider takes effect within the
# interval, one added back too; once the provider refuses the access token
# (401: here, the user deleted) the session ends; with the provider stopped,
# sessions keep working with their groups.
#
# A provider of its own, so that its users can change and it can stop.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser);
use SSOServer;
use IO::Socket::INET;
use HTTP::Request::Common qw(PUT DELETE);
use Time::HiRes qw(time sleep);
use JSON::PP ();

plan tests => 18;

my $op_port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0')->sockport;
my $op_url = "http://127.0.0.1:$op_port";
my $op_log = "$ENV{SSO_TEST_OUT}/op-refresh-userinfo.log";
unlink $op_log;

sub start_op {
    my @args = (split(' ', $ENV{SSO_TEST_OP_ARGS}), '--port', $op_port, '--exit-with-parent',
                '--no-refresh-token');
    pipe(my $rd, my $wr) or die $!;
    my $pid = fork // die $!;
    if (!$pid) {
        close $rd; open STDOUT, '>&', $wr; open STDERR, '>>', $op_log;
        exec 'node', "$ENV{SSO_TEST_TOP}/test/op/server.js", @args or die $!;
    }
    close $wr;
    my $line = <$rd>;
    die "provider did not start (see $op_log)" unless $line && $line =~ /^READY/;
    return $pid;
}
sub op_requests {
    my ($re) = @_;
    open my $fh, '<', $op_log or return 0;
    scalar grep { $_ =~ $re } <$fh>;
}

my $op_pid = start_op();
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_REFRESH_UI}, lines => [
    "SSOAuthority $op_url", 'SSOGroupRefresh 2',
    '<Location /protected/admin>', 'Require sso-group Administrators', '</Location>',
    '<Location /protected/dns>', 'Require sso-group "DNS Administrators"', '</Location>'])->start;
my $ctl = new_browser();
sub set_groups {
    my ($user, @groups) = @_;
    my $res = $ctl->request(PUT "$op_url/_test/users/$user/groups", Content => JSON::PP::encode_json(\@groups));
    die 'set groups: ' . $res->status_line unless $res->is_success;
}
sub code_of { my ($ua, $path) = @_; $ua->get($srv->url($path))->code }
# Seconds until $path answers $want (polled every 0.2 s, up to 6 s).
sub until_code {
    my ($ua, $path, $want) = @_;
    my $t0 = time;
    while (time - $t0 < 6) {
        return time - $t0 if code_of($ua, $path) == $want;
        sleep 0.2;
    }
    return 99;
}

my ($alice, @seen) = login(user => 'alice', url => $srv->url('/protected/'));
is($seen[-1]->code, 200, 'alice signed in');
like($srv->log, qr/SSO00130: the provider issued no refresh token: SSOGroupRefresh reads this session's groups from userinfo with its access token/,
     'the login says how her groups will be refreshed');
is(code_of($alice, '/protected/admin/'), 200, 'Administrators: her admin page is served');
my $grants = op_requests(qr{POST /api/oidc/token});
my $userinfo = op_requests(qr{GET /api/oidc/userinfo});

# Removed from technitium_admins (still in a mapped group).
set_groups('alice', 'technitium_dns_admins');
my $took = until_code($alice, '/protected/admin/', 403);
cmp_ok($took, '<=', 2.6, sprintf('removed at the provider: 403 within the interval (%.1f s)', $took));
is(code_of($alice, '/protected/dns/'), 200, 'and her new group is served');
like($srv->log, qr/groups of alice\@example\.test refreshed from the provider: \[DNS Administrators\] \(were \[Administrators\]\)/,
     'logged with the old and new groups');
cmp_ok(op_requests(qr{GET /api/oidc/userinfo}) - $userinfo, '>=', 1, 'read at userinfo');
is(op_requests(qr{POST /api/oidc/token}) - $grants, 0, 'with no token request (there is no refresh token)');

set_groups('alice', 'technitium_admins');
$took = until_code($alice, '/protected/admin/', 200);
cmp_ok($took, '<=', 2.6, sprintf('added back: 200 again within the interval (%.1f s)', $took));

# Not due: no call. Two requests within the interval, one userinfo at most.
$userinfo = op_requests(qr{GET /api/oidc/userinfo});
code_of($alice, '/protected/admin/') for 1 .. 5;
cmp_ok(op_requests(qr{GET /api/oidc/userinfo}) - $userinfo, '<=', 1, 'five requests in a row: one userinfo call at most');

# Deleted at the provider: userinfo refuses the access token (401), and
# with no refresh token to get another the session ends.
my ($bob, @bs) = login(user => 'bob', url => $srv->url('/protected/'));
is($bs[-1]->code, 200, 'bob signed in');
is($ctl->request(DELETE "$op_url/_test/users/alice")->code, 200, 'alice deleted at the provider');
$took = until_code($alice, '/protected/', 302);
cmp_ok($took, '<=', 2.6, sprintf('her session ends within the interval (%.1f s)', $took));
my $res = $alice->get($srv->url('/protected/'));
like($res->header('Location') // '', qr{^/sso/login\?return=.*&expired=1}, 'sent to the login page with the notice');
like($srv->log, qr/SSO00132: session of alice\@example\.test ended: the provider refused its access token at userinfo \(HTTP 401/,
     'logged with the cause');
is(code_of($bob, '/protected/dns/'), 200, 'bob is still served');

# Provider stopped: sessions keep working with their groups.
kill 'TERM', $op_pid; waitpid $op_pid, 0;
sleep 2.2;
is(code_of($bob, '/protected/dns/'), 200, 'provider stopped: bob is served when due a refresh');
like($srv->log, qr/groups of bob\@example\.test not refreshed: .*the session keeps its groups/,
     'with a warning');
$srv->stop;
