# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# 50 parallel clients, 20,000 requests over 500 sessions, with a graceful
# restart in the middle: no 5xx, no request served as another user, no
# session lost.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser session_cookie full_tier_only);
use SSOServer;
use LWP::UserAgent;
use File::Temp qw(tempfile);
use Time::HiRes qw(time sleep);

use constant { SESSIONS => 500, CLIENTS => 50, REQUESTS => 20_000, LOGIN_PROCS => 10 };
full_tier_only('20,000 requests from 50 clients');
plan tests => 6;

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1})->start;
unlink "$ENV{SSO_TEST_OUT}/stress-failed-logins", "$ENV{SSO_TEST_OUT}/stress-error_log";
my $url = $srv->url('/protected/');
my @users = qw(alice bob carol dave grace);

# The server's error lines, counted by text, most frequent first.
sub server_errors_diag {
    my %errors;
    my $log = $srv->log;
    $errors{$1}++ while $log =~ /\[(?:auth_sso|socache_\w+|core|mpm_\w+):(?:error|crit|emerg|alert)\] [^\]]*\](?: \[client [^\]]*\])? ([^\n]{0,160})/g;
    # A child that died: the parent says so at notice level.
    $errors{$1}++ while $log =~ /\] (AH\d+: child pid \d+ exit signal [^\n]{0,80})/g;
    diag("$errors{$_} x $_") for sort { $errors{$b} <=> $errors{$a} } keys %errors;
}

# Run $code in $n child processes; each prints lines; returns all lines.
sub in_parallel {
    my ($n, $code) = @_;
    my @kids;
    for my $i (0 .. $n - 1) {
        my ($fh, $file) = tempfile(UNLINK => 1);
        my $pid = fork // die $!;
        if (!$pid) { select $fh; $| = 1; $code->($i); close $fh; exit 0 }
        push @kids, [$pid, $file];
    }
    my @lines;
    for my $k (@kids) {
        waitpid $k->[0], 0;
        open my $in, '<', $k->[1] or die $!;
        push @lines, <$in>;
    }
    chomp @lines;
    return @lines;
}

# 500 logins, in parallel; each session's user as the server first saw it.
my $t0 = time;
my @sessions = grep { $_->[0] } map { [split / /] } in_parallel(LOGIN_PROCS, sub {
    my ($i) = @_;
    for my $n (grep { $_ % LOGIN_PROCS == $i } 0 .. SESSIONS - 1) {
        my ($ua, @seen, $sid);
        # A login slowed past a timeout by a loaded machine is tried again,
        # and reported; the run itself must then have no failure. The
        # timeout is long: under ASan, after leaks.t, all ten callbacks in
        # flight were seen to stall together for over 30 s, silently, while
        # the provider answered in milliseconds (an open finding; the
        # slowest login is printed).
        for my $try (1 .. 3) {
            my $t = time;
            my $fresh = new_browser();
            $fresh->timeout(120);
            ($ua, @seen) = login(user => $users[$n % @users], url => $url, ua => $fresh);
            if (time - $t > 10) {
                printf STDERR "# slow login %d: %.1f s, %.3f to %.3f\n", $n, time - $t, $t, time;
                if (open my $mark, ">", "$ENV{SSO_TEST_OUT}/stress-failed-logins") { close $mark }
            }
            last if ($sid = session_cookie($ua));
            # The last response in full: LWP makes up a 500 of its own
            # for a timeout or a closed connection (Client-Warning).
            my $last = $seen[-1];
            if (open my $mark, ">", "$ENV{SSO_TEST_OUT}/stress-failed-logins") { close $mark }
            printf STDERR "# login %d, try %d failed after %.1f s: %s; last: %s (%s) %s\n",
                $n, $try, time - $t,
                join(' | ', map { $_->request->uri->path . ' ' . $_->code } @seen),
                $last->status_line, $last->header('Client-Warning') // 'from the server',
                substr($last->decoded_content // '', 0, 200) =~ s/\s+/ /gr;
        }
        next unless $sid;
        my $who = $ua->get($url)->header('X-Echo-User') // '';
        print "$sid $who\n";
    }
});
is(scalar(grep { $_->[1] } @sessions), SESSIONS, sprintf('%d sessions logged in (%.1f s)', SESSIONS, time - $t0))
    or server_errors_diag();

# The stress: each client takes ten sessions and cycles through them.
my $per_client = REQUESTS / CLIENTS;
$t0 = time;
my $restarter = fork // die $!;
if (!$restarter) { sleep 1.5; $srv->graceful; exit 0 }
my @results = in_parallel(CLIENTS, sub {
    my ($c) = @_;
    my $ua = LWP::UserAgent->new(keep_alive => 1, max_redirect => 0, timeout => 30);
    # After failed logins (test 1) some clients have fewer sessions.
    my @mine = grep { defined } @sessions[map { $c * 10 + $_ } 0 .. 9];
    if (!@mine) { print "0 0 0 0\n"; return }
    my ($fivexx, $wrong, $lost, $ok) = (0, 0, 0, 0);
    for my $r (1 .. $per_client) {
        my ($sid, $who) = @{ $mine[$r % @mine] };
        my $res = $ua->get($url, Cookie => "sso_session=$sid");
        # A keep-alive connection closed by an old child during the graceful
        # restart: LWP makes up a 500; browsers retry such a request.
        $res = $ua->get($url, Cookie => "sso_session=$sid")
            if ($res->header('Client-Warning') // '') eq 'Internal response';
        if ($res->code >= 500) { $fivexx++ }
        elsif ($res->code != 200) { $lost++ }
        elsif (($res->header('X-Echo-User') // '') ne $who) { $wrong++ }
        else { $ok++ }
    }
    print "$ok $fivexx $wrong $lost\n";
});
waitpid $restarter, 0;
my $elapsed = time - $t0;
my @sum = (0, 0, 0, 0);
for (@results) { my @v = split; $sum[$_] += $v[$_] for 0 .. 3 }
is($sum[0] + $sum[1] + $sum[2] + $sum[3], REQUESTS,
   sprintf('%d requests by %d clients in %.1f s (%.0f req/s)', REQUESTS, CLIENTS, $elapsed, REQUESTS / $elapsed));
is($sum[1], 0, 'zero 5xx');
is($sum[2], 0, 'zero requests served as another user');
is($sum[3], 0, 'zero sessions lost during the run');
my $graceful = () = $srv->log =~ /SIGUSR1 received\.\s+Doing graceful restart/g;
my $alive = grep { my $ua = LWP::UserAgent->new(max_redirect => 0);
                   $ua->get($url, Cookie => "sso_session=$_->[0]")->code == 200 } @sessions;
is($alive . "/$graceful", SESSIONS . '/1', 'all 500 sessions alive after the run, which had one graceful restart');
server_errors_diag();
# A login that failed: the server's whole log is kept, for its timings.
if (-e "$ENV{SSO_TEST_OUT}/stress-failed-logins") {
    system('cp', "$srv->{dir}/error_log", "$ENV{SSO_TEST_OUT}/stress-error_log");
    diag("logins failed or were slow: the server's log is kept in $ENV{SSO_TEST_OUT}/stress-error_log");
}
$srv->stop;
