# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOSessionCacheReuse: two servers sharing Redis, then memcached. A
# server reuses a session record it read less than SSOSessionCacheReuse
# seconds ago, in every child and on every connection, without asking the
# cache; a logout on the other server applies here within that time (the
# delay is measured and printed), a logout here at once; a disabled
# account ends within SSOAccountRecheck + SSOSessionCacheReuse; Redis
# stopped under load gives 503s with log lines, never another user's page,
# and none once it is back.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login new_browser session_cookie);
use SSOServer;
use SSOStore;
use HTTP::Request::Common qw(POST);
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

plan tests => 2 * 10 + 6;

my $REUSE = 2;      # the default
my $RECHECK = 2;

# How many session reads the cache has answered so far.
sub cache_gets {
    my ($kind, $port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die "connect: $!";
    if ($kind eq 'redis') {
        print $s "INFO commandstats\r\n";
        my $head = <$s>;
        my ($len) = $head =~ /^\$(\d+)/ or die "INFO: $head";
        read($s, my $body, $len + 2);
        return $body =~ /^cmdstat_get:calls=(\d+)/m ? $1 : 0;
    }
    print $s "stats\r\n";
    while (my $line = <$s>) {
        return $1 if $line =~ /^STAT cmd_get (\d+)/;
        last if $line =~ /^END/;
    }
    die 'memcached: no cmd_get';
}

sub logout {
    my ($ua, $srv) = @_;
    return $ua->request(POST $srv->url('/sso/logout'), Origin => $srv->url(''))->code;
}

# GET /protected/ with a session cookie, as a browser that kept it.
sub get_with {
    my ($sid, $srv) = @_;
    return new_browser()->get($srv->url('/protected/'), Cookie => "sso_session=$sid");
}

# Seconds from $t0 until $srv first refuses the cookie (10 s at most).
sub refused_after {
    my ($sid, $srv, $t0) = @_;
    my $code;
    do { $code = get_with($sid, $srv)->code; sleep 0.02 if $code == 200 }
        until $code != 200 || time - $t0 > 10;
    return ($code, time - $t0);
}

for my $kind (qw(redis memcache)) {
    my $port = $kind eq 'redis' ? $ENV{SSO_TEST_PORT_REDIS} : $ENV{SSO_TEST_PORT_MEMCACHE};
    my $store = SSOStore->new(kind => $kind, port => $port)->start;
    my $db = "$ENV{SSO_TEST_OUT}/users-reuse-$kind.db";
    unlink $db;
    my @lines = ("SSOSessionCache $kind:127.0.0.1:$port", "SSOAccountRecheck $RECHECK");
    my $a = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, store => $db, lines => \@lines)->start;
    my $b = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2}, store => $db, lines => \@lines)->start;

    my ($ua, @seen) = login(user => 'alice', url => $a->url('/protected/'));
    is($seen[-1]->code, 200, "$kind: logged in on server A");
    like($ua->get($b->url('/protected/'))->content, qr/PROTECTED-CONTENT/,
         "$kind: served on server B");

    # Every request on a new connection: reuse is per child, not per
    # connection. 2 children, so at most one read per child per 2 s.
    my $n = 200;
    my ($g0, $t0) = (cache_gets($kind, $port), time);
    my $ok = grep { $ua->get($b->url('/protected/'))->code == 200 } 1 .. $n;
    my ($reads, $took) = (cache_gets($kind, $port) - $g0, time - $t0);
    my $bound = 2 * (int($took / $REUSE) + 2);
    ok($ok == $n && $reads <= $bound,
       sprintf('%s: %d requests on B in %.1f s asked the cache %d times (at most %d)',
               $kind, $n, $took, $reads, $bound));

    # A logout on A applies on B within SSOSessionCacheReuse.
    my $sid = session_cookie($ua);
    get_with($sid, $b) for 1 .. 4;   # B holds it in both children
    $t0 = time;
    is(logout($ua, $a), 303, "$kind: logged out on A");
    my ($code, $after) = refused_after($sid, $b, $t0);
    is($code, 302, "$kind: refused on B after the logout on A");
    ok($after <= $REUSE + 0.2,
       sprintf('%s: logout on A -> first refusal on B after %.2f s (<= %.1f s)',
               $kind, $after, $REUSE + 0.2));
    diag(sprintf('%s: logout on A refused on B after %.2f s (SSOSessionCacheReuse %d)',
                 $kind, $after, $REUSE));

    # A logout on B applies on B at once, in every child.
    ($ua, @seen) = login(user => 'bob', url => $a->url('/protected/'));
    $sid = session_cookie($ua);
    get_with($sid, $b) for 1 .. 4;
    is(logout($ua, $b), 303, "$kind: bob logged out on B");
    my @codes = map { get_with($sid, $b)->code } 1 .. 4;
    is("@codes", '302 302 302 302', "$kind: refused on B on the very next requests");

    # A disabled account ends on both within SSOAccountRecheck + reuse.
    ($ua, @seen) = login(user => 'grace', url => $a->url('/protected/'));
    is($ua->get($b->url('/protected/'))->code, 200, "$kind: grace served on B");
    $t0 = time;
    system("$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$db disable grace >/dev/null 2>&1");
    $sid = session_cookie($ua);
    my ($ca, $ta) = refused_after($sid, $a, $t0);
    my ($cb, $tb) = refused_after($sid, $b, $t0);
    ok($ca == 302 && $cb == 302 && $ta <= $RECHECK + $REUSE + 0.2 && $tb <= $RECHECK + $REUSE + 0.2,
       sprintf('%s: grace disabled: refused on A after %.2f s, on B after %.2f s (<= %.1f s)',
               $kind, $ta, $tb, $RECHECK + $REUSE + 0.2));

    if ($kind eq 'redis') {
        # Redis stopped and started again under load: two users, four
        # clients, each answer checked.
        my ($alice) = login(user => 'alice', url => $a->url('/protected/'));
        my ($bob) = login(user => 'bob', url => $b->url('/protected/'));
        my $out = "$ENV{SSO_TEST_OUT}/reuse-load.txt";
        my $stop = "$ENV{SSO_TEST_OUT}/reuse-load.stop";
        unlink $out, $stop;
        my @kids;
        for my $w ([$alice, 'alice', $a], [$bob, 'bob', $b], [$alice, 'alice', $b], [$bob, 'bob', $a]) {
            my $pid = fork // die $!;
            if (!$pid) {
                my ($wua, $who, $srv) = @$w;
                open my $fh, '>>', $out or die $!;
                $fh->autoflush(1);
                my $end = time + 60;
                while (!-e $stop && time < $end) {
                    my $res = $wua->get($srv->url('/protected/'));
                    my $user = $res->header('X-Echo-User') // '';
                    printf $fh "%.3f %s %d %s\n", time, $who, $res->code, $user;
                    sleep 0.01;
                }
                require POSIX;
                POSIX::_exit(0);
            }
            push @kids, $pid;
        }
        sleep 2;
        my $down = time;
        $store->stop;
        sleep 4;
        $store->start;
        my $up = time;
        # The load goes on past the 10 s after which no 503 may come.
        sleep 12;
        if (open my $s, '>', $stop) { close $s }
        waitpid $_, 0 for @kids;
        open my $fh, '<', $out or die $!;
        my (@rows, $wrong);
        while (<$fh>) {
            my ($t, $who, $c, $user) = split ' ', $_, 4;
            chomp $user;
            push @rows, [$t, $c];
            $wrong++ if $c == 200 && $user !~ /^\Q$who\E\@/;
        }
        my $served_down = grep { $_->[1] == 200 && $_->[0] > $down + $REUSE + 0.2 && $_->[0] < $up } @rows;
        my $n503 = grep { $_->[1] == 503 && $_->[0] > $down && $_->[0] < $up } @rows;
        # APR's client retries a server it found dead every 5 s, per process.
        my $last503;
        for (grep { $_->[1] == 503 } @rows) { $last503 = $_->[0] if !defined $last503 || $_->[0] > $last503 }
        # Two such periods: a loaded machine (the whole suite, ASan) may
        # answer the first retry late.
        my $late503 = grep { $_->[1] == 503 && $_->[0] > $up + 10 } @rows;
        ok(!$wrong, sprintf('redis down under load: %d answers, none served as another user', scalar @rows));
        ok($n503 > 0 && !$served_down,
           "redis down: $n503 answers were 503, none served once reused copies aged out");
        like($a->log . $b->log, qr/session cache redis:127\.0\.0\.1:\d+ failed to answer \(check SSOSessionCache\)/,
             'redis down: the error log says so');
        ok(!$late503, sprintf('redis back: no 503 from %.0f s after it returned (last 503 %.1f s after)',
                              10, ($last503 // $up) - $up));
        # Redis kept nothing: sign in again, served on both.
        # APR's client tries a server it holds for dead every 5 s, per process.
        $t0 = time;
        do { ($ua, @seen) = login(user => 'alice', url => $a->url('/protected/')); sleep 0.5 }
            until $seen[-1]->code == 200 || time - $t0 > 20;
        is($seen[-1]->code, 200, 'redis back: login on A');
        like($ua->get($b->url('/protected/'))->content, qr/PROTECTED-CONTENT/, 'redis back: served on B');
    }
    $_->stop for $a, $b;
    $store->stop;
}
