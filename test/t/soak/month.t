# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A month in three minutes: logins and authenticated traffic, anonymous
# crawlers at ten times the login rate, a graceful restart every few
# seconds (SSOSessionCache changed twice), the provider killed and started
# again once, one user disabled. Nothing leaks, nobody is served as
# someone else, every login completes.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login full_tier_only);
use SSOServer;
use SSOFlood qw(flood);
use IO::Socket::INET;
use File::Temp qw(tempfile tempdir);
use Time::HiRes qw(time sleep);

use constant { DURATION => $ENV{SSO_SOAK_SECONDS} // 180, RESTART_EVERY => 4,
               RECHECK => 10, LOGIN_PROCS => 2 };
full_tier_only('the soak (3 minutes)');
plan tests => 10;

# The provider, ours alone, on a port it keeps when started again.
my $op_port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0')->sockport;
my $op_pid;
# The provider keeps its signing keys across the restart, as Pocket ID does.
my $op_keys = tempdir(CLEANUP => 1) . '/op.jwks';
sub op_start {
    my ($ready_fh, $ready) = tempfile(UNLINK => 1);
    $op_pid = fork // die $!;
    if (!$op_pid) {
        open STDOUT, '>', $ready or die $!;
        open STDERR, '>>', "$ENV{SSO_TEST_OUT}/op-soak.log";
        exec 'node', "$ENV{SSO_TEST_TOP}/test/op/server.js", '--port', $op_port,
             '--keys', $op_keys, '--exit-with-parent', split(' ', $ENV{SSO_TEST_OP_ARGS})
            or die $!;
    }
    for (1 .. 100) { last if -s $ready; sleep 0.1 }
    open my $in, '<', $ready or die $!;
    my ($url) = (<$in> // '') =~ /^READY (\S+)/ or die 'the provider did not start';
    return $url;
}
sub op_stop { kill 'KILL', $op_pid; waitpid $op_pid, 0 }
local $ENV{SSO_TEST_OP_URL} = op_start();
my $owner = $$;          # forked helpers run END blocks too: only we stop it
END { local $?; op_stop() if $op_pid && $$ == $owner }

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4});
my $dir = $srv->{dir};
sub cache_line { "SSOSessionCache shmcb:$dir/soak-$_[0](4194304)" }
$srv->{lines} = [ "SSOAccountRecheck " . RECHECK, cache_line(0) ];
$srv->write_config;
$srv->start;
my $url = $srv->url('/protected/index.html');
my $down = "$dir/provider-down";      # exists while the provider is down
my $stop = "$dir/stop";
my $t_end = time + DURATION;

sub in_background {
    my ($code) = @_;
    my ($fh, $file) = tempfile(UNLINK => 1);
    my $pid = fork // die $!;
    if (!$pid) { select $fh; $| = 1; $code->(); close $fh; exit 0 }
    return [$pid, $file];
}
sub collect {
    my ($k) = @_;
    waitpid $k->[0], 0;
    open my $in, '<', $k->[1] or die $!;
    local $/;
    return <$in> // '';
}

# Real users: sign in, use the session a while, sign in again. A login
# that fails while the provider is deliberately down (begun or ended
# while it was) is retried and counted apart; any other is a failure.
my @users = qw(alice bob carol);
my @workers = map { my $w = $_; in_background(sub {
    my %n = map { $_ => 0 } qw(logins failed retried served wrong fivexx);
    my $i = 0;
    while (time < $t_end && !-e $stop) {
        my $user = $users[($w + $i++) % @users];
        my $outage = -e $down;
        my ($ua, @seen) = login(user => $user, url => $url);
        my $who = ($seen[-1]->header('X-Echo-User') // '');
        if ($seen[-1]->code != 200 || $who !~ /\Q$user\E/) {
            my $excused = $outage || -e $down;
            $excused ? $n{retried}++ : $n{failed}++;
            print STDERR "# login of $user failed", ($excused ? ' (provider down: retried)' : ''), ': ',
                join(' | ', map { $_->request->uri->path . ' ' . $_->code } @seen), "\n";
            sleep 0.5;
            next;
        }
        $n{logins}++;
        for (1 .. 30) {
            my $res = $ua->get($url);
            $res = $ua->get($url) if ($res->header('Client-Warning') // '') eq 'Internal response';
            if ($res->code >= 500) { $n{fivexx}++ }
            elsif ($res->code == 302) { last }    # a changed SSOSessionCache: sign in again
            elsif (($res->header('X-Echo-User') // '') ne $who) { $n{wrong}++ }
            else { $n{served}++ }
            sleep 0.05;
        }
    }
    print join(' ', map { "$_=$n{$_}" } sort keys %n), "\n";
}) } 1 .. LOGIN_PROCS;

# Crawlers: anonymous GETs of a protected page and of /sso/start.
my $bots = in_background(sub {
    my %got;
    while (time < $t_end && !-e $stop) {
        my %g = flood(hostport => "127.0.0.1:$ENV{SSO_TEST_PORT_SRV4}", path => '/sso/start?return=/',
                      count => 200, procs => 2, pace => 0.02);
        $got{$_} += $g{$_} for keys %g;
    }
    print join(' ', map { "$_=$got{$_}" } sort keys %got), "\n";
});

# Grace has a session; she is disabled a fifth of the way in, before the
# first change of SSOSessionCache (which would drop her session anyway).
my ($grace) = login(user => 'grace', url => $url);
my $grace_who = $grace->get($url)->header('X-Echo-User') // '';
my $grace_before;

my (@samples, $disabled_at, $grace_end, $cache, $op_killed, $asan);
my $restarts = 0;
my $next_restart = time + RESTART_EVERY;
while (time < $t_end) {
    my $elapsed = DURATION - ($t_end - time);
    if (!$disabled_at && $elapsed > DURATION / 5) {
        $grace_before = $grace->get($url)->code;
        system("$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$dir/users.db disable '$grace_who' >/dev/null 2>&1");
        $disabled_at = time;
    }
    if ($disabled_at && !$grace_end && $grace->get($url)->code != 200) { $grace_end = time }
    if (!$op_killed && $elapsed > DURATION / 2) {
        open my $f, '>', $down or die $!;
        close $f;
        op_stop();
        sleep 5;
        op_start();
        unlink $down;
        $op_killed = 1;
    }
    if (time >= $next_restart) {
        $restarts++;
        # SSOSessionCache changes a third and two thirds of the way in.
        my $n = int(DURATION / RESTART_EVERY);
        my $change = ($restarts == int($n / 3) || $restarts == int(2 * $n / 3));
        if ($change) { $cache++; $srv->{lines}[1] = cache_line($cache); $srv->write_config }
        $srv->graceful;
        $next_restart = time + RESTART_EVERY;
    }
    my $pid = $srv->pid;
    my ($fds, $maps, $rss) = (0, 0, 0);
    if (opendir my $d, "/proc/$pid/fd") { $fds = grep { !/^\./ } readdir $d }
    if (open my $m, '<', "/proc/$pid/maps") {
        while (<$m>) {
            $asan = 1 if m{/libasan\.so};
            # Under ASan only the shared mappings are ours to count: its
            # allocator maps private memory as it goes.
            $maps++ if !$asan || (split)[1] =~ /s$/;
        }
    }
    if (open my $s, '<', "/proc/$pid/status") { while (<$s>) { $rss = $1 if /^VmRSS:\s+(\d+)/ } }
    push @samples, [$elapsed, $fds, $maps, $rss];
    sleep 0.5;
}
open my $s, '>', $stop or die $!;
close $s;
my %w;
for (map { collect($_) } @workers) { $w{$1} += $2 while /(\w+)=(\d+)/g }
my %b;
{ my $line = collect($bots); $b{$1} = $2 while $line =~ /(\w+)=(\d+)/g }
my $bot_total = 0;
$bot_total += $b{$_} for keys %b;

# The first and last thirds of the run, after the first restarts.
my @first = grep { $_->[0] > 10 && $_->[0] < DURATION / 3 } @samples;
my @last = grep { $_->[0] > DURATION * 2 / 3 } @samples;
sub max_of { my ($i, @s) = @_; my $m = 0; $m = $_->[$i] > $m ? $_->[$i] : $m for @s; $m }
my %fig = (fds => [max_of(1, @first), max_of(1, @last)], maps => [max_of(2, @first), max_of(2, @last)],
           rss => [max_of(3, @first), max_of(3, @last)]);
diag(sprintf('%d s, %d graceful restarts (SSOSessionCache changed twice), provider killed once',
             DURATION, $restarts));
diag("users: " . join(' ', map { "$_=$w{$_}" } sort keys %w));
diag("crawlers: " . join(' ', map { "$_=$b{$_}" } sort keys %b));
diag("parent, max in first / last third: " . join(', ', map { "$_ $fig{$_}[0] / $fig{$_}[1]" } qw(fds maps rss)) . ' (rss in KiB)');

is($w{wrong}, 0, "0 responses as another user ($w{served} served)");
my $bot5xx = 0;
$bot5xx += $b{$_} for grep { /^5/ || $_ eq 'error' } keys %b;
is($w{fivexx} + $bot5xx, 0, '0 unexpected 5xx (users and crawlers)');
is($w{failed}, 0, "every real login completed ($w{logins} logins; $w{retried} retried while the provider was down)");
ok($bot_total >= 10 * ($w{logins} + $w{retried}), "crawlers sent $bot_total requests, 10 times the logins or more");
ok($grace_who =~ /grace/ && $grace_before == 200, "grace ($grace_who) was served until the disable");
ok($grace_end && $grace_end - $disabled_at <= RECHECK + 3,
   sprintf("the disabled user's session ended %.1f s after the disable (SSOAccountRecheck %d)",
           ($grace_end // time) - $disabled_at, RECHECK));
is($fig{fds}[1], $fig{fds}[0], 'parent descriptors flat between the first and last third');
if ($asan) {
    # test/run-sanitized-tests: ASan's quarantine (256 MiB at most) grows
    # the RSS by design; the plain run checks that it is flat.
    is($fig{maps}[1], $fig{maps}[0], 'parent shared mappings flat between the first and last third (ASan)');
    ok($fig{rss}[1] < 512 * 1024, 'parent RSS bounded under ASan (< 512 MiB)');
}
else {
    is($fig{maps}[1], $fig{maps}[0], 'parent mappings flat between the first and last third');
    ok($fig{rss}[1] <= $fig{rss}[0] * 1.1 + 1024, 'parent RSS flat between the first and last third');
}
ok($restarts >= DURATION / RESTART_EVERY / 2, "$restarts graceful restarts done");
$srv->stop;
