# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A logout is final: requests in flight on the same session, which write
# the record back when they end (the last-seen refresh, the account
# re-check), never bring it back. 8 clients hammer one session while it is
# logged out; after the logout has returned, none of their next 1,000
# requests is served.
#
# To make the race certain rather than lucky, the registry (PostgreSQL)
# is slowed: a transaction holds the users table locked, so every request
# in flight has read the session and waits in its account re-check
# (SSOAccountRecheck 1) while the logout runs; the lock goes once the
# logout has returned, and they write.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie full_tier_only);
use SSOServer;
use SSOStore;
use LWP::UserAgent;
use HTTP::Request::Common qw(POST);
use File::Temp qw(tempdir);
use IPC::Open2 qw(open2);
use Time::HiRes qw(time sleep);

# Each round makes the race certain (the lock), so make check does two;
# make check-full five.
full_tier_only('8 clients racing 5 logouts');
use constant { ROUNDS => 5, CLIENTS => 8, AFTER => 1000 };
plan tests => 8;

my $conninfo = $ENV{SSO_TEST_PGSQL}
    or die "SSO_TEST_PGSQL is not set: run the suite through test/run-apache-tests";
my ($srv, $url);
my $dir = tempdir(CLEANUP => 1);

# A transaction holding the users table: (pid, to psql, from psql).
sub lock_registry {
    my ($from, $to);
    my $pid = open2($from, $to, 'psql', $conninfo, '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1');
    print $to "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n";
    $to->flush;
    my $line = <$from> // '';
    die "cannot lock the registry: $line" unless $line =~ /locked/;
    return [$pid, $to, $from];
}
sub unlock_registry {
    my ($l) = @_;
    print { $l->[1] } "COMMIT;\n";
    close $l->[1];
    waitpid $l->[0], 0;
}

# Hammers the session until $done exists, then counts what AFTER / CLIENTS
# more requests get; writes (served, any 5xx) to a file.
sub hammer {
    my ($sid, $done, $out) = @_;
    my $h = LWP::UserAgent->new(keep_alive => 1, max_redirect => 0, timeout => 60);
    my ($after, $served, $fivexx) = (0, 0, 0);
    while ($after < AFTER / CLIENTS) {
        my $counts = -e $done;
        my $res = $h->get($url, Cookie => "sso_session=$sid");
        next unless $counts;
        $after++;
        $served++ if $res->code == 200;
        $fivexx++ if $res->code >= 500;
    }
    open my $fh, '>', $out or die $!;
    print $fh "$served $fivexx\n";
}

# One round: (served after the logout returned, 5xx after it).
sub round {
    my ($n) = @_;
    my ($ua) = login(user => 'alice', url => $url);
    my $sid = session_cookie($ua) or die 'login failed';
    sleep 1.2;    # the next request re-checks the account
    my $lock = lock_registry();
    my $done = "$dir/done-$n";
    my @kids;
    for my $c (1 .. CLIENTS) {
        my $pid = fork // die $!;
        if (!$pid) { hammer($sid, $done, "$dir/out-$n-$c"); exit 0 }
        push @kids, $pid;
    }
    sleep 0.5;    # every client has a request waiting in the re-check
    my $origin = $srv->url(''); $origin =~ s{/$}{};
    my $res = $ua->request(POST $srv->url('/sso/logout'), Origin => $origin);
    die 'logout answered ' . $res->code unless $res->code == 303;
    open my $fh, '>', $done or die $!;
    close $fh;
    unlock_registry($lock);
    waitpid $_, 0 for @kids;
    my ($served, $fivexx) = (0, 0);
    for my $c (1 .. CLIENTS) {
        open my $in, '<', "$dir/out-$n-$c" or die $!;
        my ($s, $f) = split ' ', scalar <$in>;
        ($served, $fivexx) = ($served + $s, $fivexx + $f);
    }
    return [$served, $fivexx];
}

# The same with shmcb (the lock makes the check and the write one step)
# and with Redis (no lock: the logout leaves a tombstone).
for my $cache ('shmcb', 'redis') {
    my $redis = $cache eq 'redis'
        ? SSOStore->new(kind => 'redis', port => $ENV{SSO_TEST_PORT_REDIS})->start : undef;
    my @lines = ('SSOAccountRecheck 1');
    push @lines, "SSOSessionCache redis:127.0.0.1:$ENV{SSO_TEST_PORT_REDIS}" if $redis;
    $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, userstore => "pgsql:$conninfo",
                          lines => \@lines)->start;
    $url = $srv->url('/protected/');
    my @rounds = map { round("$cache-$_") } 1 .. ROUNDS;
    my $failed = grep { $_->[0] } @rounds;
    diag(sprintf('%s: served after the logout returned, of %d requests, per round: %s',
                 $cache, AFTER, join(' ', map { $_->[0] } @rounds)));
    is($failed, 0, sprintf('%s: in %d of %d rounds the logged-out session was served again',
                           $cache, $failed, ROUNDS));
    is(scalar(grep { $_->[1] } @rounds), 0, "$cache: no 5xx after the logout");
    my $log = $srv->log;
    like($log, qr/session of alice\S* ended meanwhile: not refreshed/,
         "$cache: the requests in flight found the session gone and did not write it back");
    unlike($log, qr/\[auth_sso:(error|crit|emerg)\]/, "$cache: no module errors in the log");
    $srv->stop;
    $redis->stop if $redis;
}
