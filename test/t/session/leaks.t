# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Months of nightly restarts: 100 graceful restarts, 10 of them with a
# changed SSOSessionCache, while browsers keep using their sessions. The
# parent's descriptors, shared mappings and SysV semaphores must be the
# same after restart 10 as after restart 100, with the default mutex, with
# `Mutex fcntl` and with `Mutex sysvsem` (three servers, run side by side).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie full_tier_only);
use SSOServer;
use LWP::UserAgent;
use File::Temp qw(tempfile);
use Time::HiRes qw(time sleep);
use IPC::SysV qw(GETPID);

# The cache changes at restarts 5, 10, ... 50; the kept session is made at 60.
use constant { RESTARTS => 100, CACHE_EVERY => 5, CACHE_CHANGES => 10, EARLY => 10, KEPT_AT => 60 };
my @variants = ([default => undef, 'SRV1'], [fcntl => 'Mutex fcntl', 'SRV2'],
                [sysvsem => 'Mutex sysvsem', 'SRV3']);
full_tier_only('100 graceful restarts on three servers');
plan tests => 7 * @variants;

# What the parent holds: descriptors, mappings (all, shared, of deleted
# files), and SysV semaphore sets: those of our uid whose last user
# (GETPID) is the parent or one of its children, past or present.
sub semaphores {
    my ($ours) = @_;
    open my $fh, '<', '/proc/sysvipc/sem' or return ();
    <$fh>;
    return grep { my $p = semctl($_, 0, GETPID, 0); defined $p && $ours->{$p} }
           map { my @f = split; $f[4] == $< ? ($f[1]) : () } <$fh>;
}
sub note_children {
    my ($parent, $ours) = @_;
    $ours->{$parent} = 1;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // next;
        my ($pid, $ppid) = $line =~ /^(\d+) \(.*\) \S (\d+)/ or next;
        $ours->{$pid} = 1 if $ppid == $parent;
    }
}
sub parent_counts {
    my ($pid, $ours) = @_;
    opendir my $d, "/proc/$pid/fd" or die "cannot read /proc/$pid/fd: $!";
    my $fds = grep { !/^\./ } readdir $d;
    open my $m, '<', "/proc/$pid/maps" or die $!;
    my ($maps, $shared, $deleted, $asan) = (0, 0, 0, 0);
    while (<$m>) {
        $maps++;
        $shared++ if (split)[1] =~ /s$/;
        $deleted++ if /\(deleted\)$/;
        $asan = 1 if m{/libasan\.so};
    }
    # Under ASan (test/run-sanitized-tests) the sanitizer's own allocator
    # maps private memory as it goes: there the count of all mappings says
    # nothing of ours, and the shared, deleted, descriptor and semaphore
    # counts (each leak this test was written for) are compared alone.
    $maps = 'n/a (ASan)' if $asan;
    # A set counts when its last user is a process we have seen: one last
    # used by a child started since note_children() would be missed (CI
    # saw 1 set after restart 10, 0 after 100). Children come and go, and
    # the live mutex is used all the time: the most of several looks.
    my $sems = 0;
    for (1 .. 5) {
        note_children($pid, $ours);
        my $n = () = semaphores($ours);
        $sems = $n if $n > $sems;
        sleep 0.2;
    }
    return { fds => $fds, maps => $maps, shared => $shared, deleted => $deleted,
             sems => $sems };
}
sub show { my $c = shift; join ' ', map { "$_=$c->{$_}" } qw(fds maps shared deleted sems) }

# A browser that uses its session all along, and signs in again when a
# changed SSOSessionCache dropped it (documented). Reports its counts.
sub browse {
    my ($srv, $stop_file) = @_;
    my $url = $srv->url('/protected/index.html');
    # Named in full: DirectoryIndex would make SSO_USER REDIRECT_SSO_USER.
    my ($ua) = login(user => 'alice', url => $url);
    # Who the server says alice is, after each sign-in.
    my $who_now = sub { my $u = $ua->get($url)->header('X-Echo-User') // ''; $u =~ /alice/ ? $u : undef };
    my $who = $who_now->();
    my %n = (ok => 0, fivexx => 0, wrong => 0, relogin => 0, failed => 0);
    my ($parent, $until) = (getppid, time + 600);
    while (!-e $stop_file && getppid == $parent && time < $until) {
        my $res = $ua->get($url);
        # A keep-alive connection closed by an old child during a graceful
        # restart: LWP makes up a 500; browsers retry such a request.
        $res = $ua->get($url) if ($res->header('Client-Warning') // '') eq 'Internal response';
        if ($res->code >= 500) { $n{fivexx}++; print STDERR "# 5xx: ", $res->status_line, "\n" }
        elsif ($res->code == 302) {
            $n{relogin}++;
            # A login begun just before a cache change ends in the cache
            # that went away ("state is unknown"): signing in again works.
            my (undef, @seen) = login(user => 'alice', url => $url, ua => $ua);
            (undef, @seen) = login(user => 'alice', url => $url, ua => $ua) if $seen[-1]->code != 200;
            $n{failed}++ if $seen[-1]->code != 200;
            $who = $who_now->();
            $n{fivexx}++ if grep { $_->code >= 500 && ($_->header('Client-Warning') // '') ne 'Internal response' } @seen;
        }
        elsif ($res->code != 200) { $n{failed}++ }
        elsif (!defined $who) { $who = $who_now->() }
        elsif (($res->header('X-Echo-User') // '') ne $who) { $n{wrong}++ }
        else { $n{ok}++ }
        sleep 0.02;
    }
    return join ' ', map { "$_=$n{$_}" } sort keys %n;
}

sub cache_line { "SSOSessionCache shmcb:$_[0]/cache-$_[1](1048576)" }

# One server's run; returns "key=value" lines for the parent test.
sub run_variant {
    my ($name, $mutex, $port) = @_;
    my %ours;
    my $srv = SSOServer->new(port => $ENV{"SSO_TEST_PORT_$port"});
    my @fixed = ($mutex // ());
    my $cache = 0;
    $srv->{lines} = [@fixed, cache_line($srv->{dir}, $cache)];
    $srv->write_config;
    $srv->start;
    note_children($srv->pid, \%ours);
    my $stop = "$srv->{dir}/stop-browsing";
    my @browsers;
    for my $i (1 .. 2) {
        my ($fh, $file) = tempfile(UNLINK => 1);
        my $pid = fork // die $!;
        if (!$pid) { print $fh browse($srv, $stop), "\n"; close $fh; exit 0 }
        push @browsers, [$pid, $file];
    }
    my (%at, $kept, $kept_who);
    my $t0 = time;
    for my $n (1 .. RESTARTS) {
        if ($n % CACHE_EVERY == 0 && $cache < CACHE_CHANGES) {
            $cache++;
            $srv->{lines} = [@fixed, cache_line($srv->{dir}, $cache)];
            $srv->write_config;
        }
        $srv->graceful;
        note_children($srv->pid, \%ours);
        # The session to keep is made after the last change of the cache.
        if ($n == KEPT_AT) {
            ($kept) = login(user => 'bob', url => $srv->url('/protected/'));
            $kept_who = $kept->get($srv->url('/protected/index.html'))->header('X-Echo-User') // 'nobody';
        }
        $at{$n} = parent_counts($srv->pid, \%ours) if $n == EARLY || $n == RESTARTS;
    }
    my $elapsed = time - $t0;
    open my $s, '>', $stop or die $!;
    close $s;
    my @browsed;
    for my $b (@browsers) {
        waitpid $b->[0], 0;
        open my $in, '<', $b->[1] or die $!;
        push @browsed, scalar <$in> // "missing\n";
    }
    chomp @browsed;
    my $res = $kept->get($srv->url('/protected/index.html'));
    my $kept_ok = ($res->code == 200 && $kept_who =~ /bob/
                   && ($res->header('X-Echo-User') // '') eq $kept_who) ? 1 : 0;
    my $graceful = () = $srv->log =~ /SIGUSR1 received\.\s+Doing graceful restart/g;
    my @errors = $srv->log =~ /^(.*\[(?:auth_sso|socache_\w+|core|mpm_\w+):(?:error|crit|emerg|alert)\].*)$/mg;
    $srv->stop;
    return (sprintf("elapsed=%.1f", $elapsed), "early=" . show($at{EARLY()}),
            "late=" . show($at{RESTARTS()}), "graceful=$graceful", "kept=$kept_ok",
            map({ "browser=$_" } @browsed), map({ "error=$_" } @errors[0 .. ($#errors < 4 ? $#errors : 4)]));
}

my @kids;
for my $v (@variants) {
    my ($fh, $file) = tempfile(UNLINK => 1);
    my $pid = fork // die $!;
    if (!$pid) {
        my @r = eval { run_variant(@$v) };
        push @r, "died=$@" if $@;
        print $fh "$_\n" for @r;
        close $fh;
        exit 0;
    }
    push @kids, [$v->[0], $pid, $file];
}
for my $k (@kids) {
    my ($name, $pid, $file) = @$k;
    waitpid $pid, 0;
    open my $in, '<', $file or die $!;
    my (%r, @browsed, @errors);
    while (<$in>) {
        chomp;
        my ($key, $value) = split /=/, $_, 2;
        if ($key eq 'browser') { push @browsed, $value }
        elsif ($key eq 'error' || $key eq 'died') { push @errors, $value }
        else { $r{$key} = $value }
    }
    diag("$name mutex: after restart " . EARLY . ": $r{early}" ) if $r{early};
    diag("$name mutex: after restart " . RESTARTS . ": $r{late} ($r{elapsed} s)") if $r{late};
    diag("$name mutex: browser $_") for @browsed;
    diag("$name mutex: log: $_") for @errors;
    is($r{graceful}, RESTARTS, "$name mutex: " . RESTARTS . " graceful restarts done");
    ok(defined $r{early} && $r{early} eq $r{late},
       "$name mutex: the parent's descriptors, mappings and semaphores are equal after restart "
       . EARLY . " and " . RESTARTS);
    my %sum;
    for (@browsed) { $sum{$1} += $2 while /(\w+)=(\d+)/g }
    is(scalar(@browsed), 2, "$name mutex: both browsers reported");
    is($sum{fivexx} // -1, 0, "$name mutex: 0 responses 5xx ($sum{ok} served)");
    is($sum{wrong} // -1, 0, "$name mutex: 0 responses as another user");
    is($sum{failed} // -1, 0, "$name mutex: every sign-in again after a cache change worked");
    is($r{kept}, 1, "$name mutex: a session made at restart " . KEPT_AT . " is still served after restart " . RESTARTS);
}
