# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A provider outage does not take the server down. With the provider
# stopped (connection refused) and then black-holed (it accepts and never
# answers): 200 parallel /sso/start requests all get an answer within
# 2 x SSOHTTPTimeout, authenticated requests on existing sessions are
# served throughout, and a login works within 10 s of the provider coming
# back. One error-log line per failed fetch, not one per request.
#
# An httpd of its own (50 workers) with two virtual hosts on one provider
# of its own. A: sessions are made on it, and it keeps the provider's
# documents, which say Cache-Control: no-cache (fetched again for each
# login): during the outage it answers from that last good copy. B names
# the discovery document by another address and never fetched it: it
# answers 503 at once.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie full_tier_only);
use SSOServer;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time sleep);

use constant { TIMEOUT => 3, BURST => 200 };
full_tier_only('a provider down, then black-holed, under 200 parallel logins');
plan tests => 20;

my $op_port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0')->sockport;
my $op_url = "http://127.0.0.1:$op_port";
my ($a_port, $b_port) = ($ENV{SSO_TEST_PORT_SRV1}, $ENV{SSO_TEST_PORT_SRV2});

sub start_op {
    my $log = "$ENV{SSO_TEST_OUT}/op-outage.log";
    my @args = (split(' ', $ENV{SSO_TEST_OP_ARGS}), '--port', $op_port, '--exit-with-parent',
                '--discovery-no-cache');
    pipe(my $rd, my $wr) or die $!;
    my $pid = fork // die $!;
    if (!$pid) {
        close $rd; open STDOUT, '>&', $wr; open STDERR, '>>', $log;
        exec 'node', "$ENV{SSO_TEST_TOP}/test/op/server.js", @args or die $!;
    }
    close $wr;
    my $line = <$rd>;
    die "provider did not start (see $log)" unless $line && $line =~ /^READY/;
    return $pid;
}

# Accepts every connection and never answers.
sub start_black_hole {
    my $l = IO::Socket::INET->new(Listen => 1024, LocalAddr => "127.0.0.1:$op_port", ReuseAddr => 1)
        or die "cannot listen on $op_port: $!";
    my $pid = fork // die $!;
    if (!$pid) {
        my @held;
        while (1) { my $c = $l->accept or next; push @held, $c }
    }
    close $l;
    return $pid;
}

sub stop_pid { my ($pid) = @_; kill 'TERM', $pid; waitpid $pid, 0 }

my $op = start_op();
my $srv = SSOServer->new(port => $a_port, lines => [
    "SSOAuthority $op_url", 'SSOHTTPTimeout ' . TIMEOUT . ' ' . TIMEOUT,
    'StartServers 2', 'ThreadsPerChild 25', 'MaxRequestWorkers 50',
    "Listen 127.0.0.1:$b_port", "<VirtualHost 127.0.0.1:$b_port>",
    "ServerName 127.0.0.1:$b_port", "SSOPublicURL http://127.0.0.1:$b_port",
    "SSOMetadataAddress http://localhost:$op_port/.well-known/openid-configuration",
    '<Location /protected>', 'AuthType sso', 'Require valid-user', '</Location>',
    '</VirtualHost>'])->start;
my $a_url = $srv->url('/protected/');
my $b_url = "http://127.0.0.1:$b_port/protected/";

my @sessions;
for my $user (qw(alice bob carol)) {
    my ($ua, @seen) = login(user => $user, url => $a_url);
    push @sessions, session_cookie($ua) if $seen[-1]->code == 200;
}
is(scalar @sessions, 3, 'three sessions made while the provider is up');

# BURST /sso/start requests to $port sent at once; (seconds until each
# answer, status or 0, Location).
sub burst {
    my ($port) = @_;
    my @socks;
    my $t0 = time;
    for (1 .. BURST) {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die "connect: $!";
        syswrite $s, "GET /sso/start?return=/protected/ HTTP/1.0\r\nHost: 127.0.0.1:$port\r\n\r\n";
        push @socks, { s => $s, buf => '' };
    }
    my $sel = IO::Select->new(map { $_->{s} } @socks);
    my %by = map { ("$_->{s}" => $_) } @socks;
    while ($sel->count && time - $t0 < 60) {
        for my $s ($sel->can_read(1)) {
            my $c = $by{"$s"};
            my $n = sysread $s, $c->{buf}, 65536, length $c->{buf};
            next if $n;
            $c->{t} = time - $t0;
            $sel->remove($s);
            close $s;
        }
    }
    return map {
        my ($code) = $_->{buf} =~ m{^HTTP/1\.\d (\d+)};
        my ($loc) = $_->{buf} =~ m{^Location: (\S+)}mi;
        [ $_->{t} // 999, $code // 0, $loc // '' ];
    } @socks;
}

# Authenticated requests on vhost A while $code runs: (count, not 200,
# slowest in seconds).
sub while_probing {
    my ($code) = @_;
    pipe(my $rd, my $wr) or die $!;
    my $pid = fork // die $!;
    if (!$pid) {
        close $rd;
        my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 30);
        my ($n, $bad, $slow) = (0, 0, 0);
        local $SIG{TERM} = sub { print $wr "$n $bad $slow\n"; exit 0 };
        while (1) {
            my $t = time;
            my $res = $ua->get($a_url, Cookie => "sso_session=$sessions[$n % 3]");
            $t = time - $t;
            $n++;
            $bad++ unless $res->code == 200 && $res->content =~ /PROTECTED-CONTENT/;
            $slow = $t if $t > $slow;
            sleep 0.05;
        }
    }
    close $wr;
    sleep 0.3;
    my @r = $code->();
    sleep 0.3;
    kill 'TERM', $pid;
    my $line = <$rd>;
    waitpid $pid, 0;
    return (\@r, split ' ', $line // '0 0 0');
}

sub median { my @s = sort { $a <=> $b } @_; return $s[$#s / 2] }

my $log_mark;
sub fetch_failures_since {
    my $log = substr($srv->log, $log_mark);
    return scalar(() = $log =~ /cannot fetch the provider's discovery document/g);
}

for my $phase ('refused', 'black-holed') {
    my $hole;
    stop_pid($op) if $phase eq 'refused';
    # Past the pause after the refused fetches: the children fetch again.
    sleep 6 if $phase eq 'black-holed';
    $hole = start_black_hole() if $phase eq 'black-holed';
    $log_mark = length $srv->log;
    my ($answers, $probes, $bad, $slow) = while_probing(sub { (burst($b_port), burst($a_port)) });
    my @b = @$answers[0 .. BURST - 1];
    my @a = @$answers[BURST .. 2 * BURST - 1];
    my @t = map { $_->[0] } @b;
    my $max = (sort { $b <=> $a } @t)[0];
    my %codes;
    $codes{$_->[1]}++ for @b;
    my @ta = map { $_->[0] } @a;
    my $max_a = (sort { $b <=> $a } @ta)[0];
    diag(sprintf('provider %s: %d /sso/start on B answered in max %.2f s, median %.2f s (%s); '
                 . 'on A (last good copy) in max %.2f s, median %.2f s; '
                 . '%d authenticated requests meanwhile, slowest %.2f s',
                 $phase, BURST, $max, median(@t),
                 join(', ', map { "$codes{$_} x $_" } sort keys %codes), $max_a, median(@ta),
                 $probes, $slow));
    ok($max < 2 * TIMEOUT, sprintf('provider %s: all %d /sso/start answered within 2 x SSOHTTPTimeout (max %.2f s)',
                                   $phase, BURST, $max));
    is(scalar(grep { $_->[1] == 503 } @b), BURST,
       "provider $phase: B, which never had the document, answers 503 pages");
    ok($max_a < 2 * TIMEOUT, sprintf('provider %s: A answered all %d within 2 x SSOHTTPTimeout too (max %.2f s)',
                                     $phase, BURST, $max_a));
    is(scalar(grep { $_->[1] == 302 && $_->[2] =~ m{^\Q$op_url\E/authorize\?} } @a), BURST,
       "provider $phase: A sends every login on to the provider, from its last good copy");
    ok($probes > 0 && $bad == 0, "provider $phase: all $probes authenticated requests served");
    ok($slow < 1.5, sprintf("provider $phase: the slowest of them took %.2f s (< 1.5)", $slow));
    my $failures = fetch_failures_since();
    ok($failures >= 1 && $failures <= 10,
       "provider $phase: $failures error-log lines for the failed fetches, not one per request");
    ok(substr($srv->log, $log_mark) =~ /cannot fetch the provider's discovery document: .*check SSOMetadataAddress and SSOHTTPTimeout/,
       "provider $phase: the log line names the cause and the directives");
    stop_pid($hole) if $hole;
}

# The provider comes back: a login works within 10 s.
$op = start_op();
my $t0 = time;
my @seen;
while (1) {
    (undef, @seen) = login(user => 'dave', url => $b_url);
    last if $seen[-1]->code == 200 || time - $t0 > 15;
    sleep 0.25;
}
my $back = time - $t0;
diag(sprintf('login worked %.1f s after the provider came back', $back));
ok($seen[-1]->code == 200 && $back < 10, sprintf('a login works %.1f s after the provider came back', $back));
ok((grep { $srv->log =~ /\Q$_\E/ } 'resuming normal operations'), 'the server ran');
ok($srv->log !~ /exit signal|Segmentation|AH00052/, 'no child crashed');
$srv->stop;
stop_pid($op);
