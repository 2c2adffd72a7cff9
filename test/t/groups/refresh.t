# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOGroupRefresh 2: a session's groups are read from the provider again
# (refresh token grant, OpenID Connect Core 1.0 §12) every 2 s and
# re-mapped. A group removed at the provider takes effect within the
# interval, and so does one added back; a user deleted there loses the
# session (invalid_grant); parallel requests refresh once; with the
# provider stopped, sessions keep working with their groups.
#
# A provider of its own, so that its users can change and it can stop.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser log_when);
use SSOServer;
use IO::Socket::INET;
use HTTP::Request::Common qw(PUT DELETE);
use Time::HiRes qw(time sleep);
use JSON::PP ();

plan tests => 24;

my $op_port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0')->sockport;
my $op_url = "http://127.0.0.1:$op_port";
my $op_log = "$ENV{SSO_TEST_OUT}/op-refresh.log";
unlink $op_log;

sub start_op {
    my @args = (split(' ', $ENV{SSO_TEST_OP_ARGS}), '--port', $op_port, '--exit-with-parent');
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
sub token_requests { open my $fh, '<', $op_log or return 0; scalar grep { m{POST /api/oidc/token} } <$fh> }

my $op_pid = start_op();
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_REFRESH}, lines => [
    "SSOAuthority $op_url", 'SSOGroupRefresh 2',
    '<Location /protected/admin>', 'Require sso-group Administrators', '</Location>',
    '<Location /protected/dns>', 'Require sso-group "DNS Administrators"', '</Location>']);
my $events_log = "$srv->{dir}/events.log";
$srv->lines_add(qq{CustomLog $events_log "%{sso-event}n %{sso-event-cause}n %{sso-event-user}n" "expr=-n note('sso-event')"});
$srv->start;
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
is(code_of($alice, '/protected/admin/'), 200, 'Administrators: her admin page is served');

# Removed from technitium_admins (still in a mapped group).
set_groups('alice', 'technitium_dns_admins');
my $took = until_code($alice, '/protected/admin/', 403);
cmp_ok($took, '<=', 2.6, sprintf('removed at the provider: 403 within the interval (%.1f s)', $took));
is(code_of($alice, '/protected/dns/'), 200, 'and her new group is served');
like($srv->log, qr/groups of alice\@example\.test refreshed from the provider: \[DNS Administrators\] \(were \[Administrators\]\)/,
     'logged with the old and new groups');

set_groups('alice', 'technitium_admins');
$took = until_code($alice, '/protected/admin/', 200);
cmp_ok($took, '<=', 2.6, sprintf('added back: 200 again within the interval (%.1f s)', $took));

# Parallel requests when due: one refresh. oidc-provider revokes a grant
# whose spent refresh token is used again, so a second refresh in parallel
# would also end the session.
sleep 2.2;
my $before = token_requests();
my @kids;
for (1 .. 8) {
    my $pid = fork // die $!;
    if (!$pid) { $alice->get($srv->url('/protected/admin/')); exit 0 }
    push @kids, $pid;
}
waitpid $_, 0 for @kids;
is(token_requests() - $before, 1, '8 parallel requests when due: one refresh grant')
    or diag(join "\n", grep { /refresh|token/ } split /\n/, $srv->log);
is(code_of($alice, '/protected/admin/'), 200, 'and the session holds');

# In no mapped group any more (SSORequireMappedGroup On): the session ends.
my ($carol, @cs) = login(user => 'carol', url => $srv->url('/protected/'));
is($cs[-1]->code, 200, 'carol signed in');
set_groups('carol', 'some_other_group');
$took = until_code($carol, '/protected/', 302);
cmp_ok($took, '<=', 2.6, sprintf('carol in no mapped group: her session ends (%.1f s)', $took));
like($srv->log, qr/session of carol\@example\.test ended: the provider no longer puts the user in any mapped group \(groups \[some_other_group\]; SSORequireMappedGroup On\)/,
     'logged with the cause');
like(log_when($events_log, qr/^session-ended no-mapped-group carol/m),
     qr/^session-ended no-mapped-group carol\@example\.test$/m, 'sso-event: session-ended, no-mapped-group');

# Deleted at the provider: invalid_grant ends the session.
my ($bob, @bs) = login(user => 'bob', url => $srv->url('/protected/'));
is($bs[-1]->code, 200, 'bob signed in');
is($ctl->request(DELETE "$op_url/_test/users/alice")->code, 200, 'alice deleted at the provider');
$took = until_code($alice, '/protected/', 302);
cmp_ok($took, '<=', 2.6, sprintf('her session ends within the interval (%.1f s)', $took));
my $res = $alice->get($srv->url('/protected/'));
like($res->header('Location') // '', qr{^/sso/login\?return=.*&expired=1}, 'sent to the login page with the notice');
like($srv->log, qr/session of alice\@example\.test ended: the provider refused its refresh token \(.*invalid_grant/,
     'logged with the cause');
like(log_when($events_log, qr/^session-ended refresh-revoked alice/m),
     qr/^session-ended refresh-revoked alice\@example\.test$/m, 'sso-event: session-ended, refresh-revoked');
is(code_of($bob, '/protected/dns/'), 200, 'bob is still served');

# Provider stopped: sessions keep working with their groups; one warning.
kill 'TERM', $op_pid; waitpid $op_pid, 0;
sleep 2.2;
is(code_of($bob, '/protected/dns/'), 200, 'provider stopped: bob is served when due a refresh');
sleep 2.2;
is(code_of($bob, '/protected/dns/'), 200, 'and again at the next interval');
is(code_of($bob, '/protected/'), 200, 'every page');
my $warned = () = $srv->log =~ /\[auth_sso:warn\].*groups of bob\@example\.test not refreshed: .*the session keeps its groups/g;
is($warned, 1, 'one warning (a minute at most)');
like($srv->log, qr/groups of bob\@example\.test not refreshed: .*until the next try in 2 s \(SSOGroupRefresh\)/,
     'which says what happens');
$srv->stop;
