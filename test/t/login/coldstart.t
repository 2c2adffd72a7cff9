# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A cold start with many logins at once: each child fetches the discovery
# document once, and the requests that arrive while that fetch is under
# way wait for it instead of failing with 503 (they used to).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOServer;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time);

use constant { ROUNDS => 3, BURST => 60 };
plan tests => 3 * ROUNDS;

# BURST /sso/start requests sent at once; the status of each answer.
sub burst {
    my ($port) = @_;
    my @socks;
    for (1 .. BURST) {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die "connect: $!";
        syswrite $s, "GET /sso/start?return=/protected/ HTTP/1.0\r\nHost: 127.0.0.1:$port\r\n\r\n";
        push @socks, { s => $s, buf => '' };
    }
    my $sel = IO::Select->new(map { $_->{s} } @socks);
    my %by = map { ("$_->{s}" => $_) } @socks;
    my $t0 = time;
    while ($sel->count && time - $t0 < 60) {
        for my $s ($sel->can_read(1)) {
            my $n = sysread $s, $by{"$s"}{buf}, 65536, length $by{"$s"}{buf};
            next if $n;
            $sel->remove($s);
            close $s;
        }
    }
    return map { my ($code) = $_->{buf} =~ m{^HTTP/1\.\d (\d+)}; $code // 0 } @socks;
}

for my $round (1 .. ROUNDS) {
    # A new server each round: no child and no login cache has the document.
    my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV3},
                             lines => ['StartServers 1', 'ThreadsPerChild 64',
                                       'MaxRequestWorkers 64'])->start;
    my @codes = burst($ENV{SSO_TEST_PORT_SRV3});
    my $sent = grep { $_ == 302 } @codes;
    my %other;
    $other{$_}++ for grep { $_ != 302 } @codes;
    is($sent, BURST, "round $round: all " . BURST . " logins sent to the provider"
       . (%other ? ' (others: ' . join(', ', map { "$_ x$other{$_}" } sort keys %other) . ')' : ''));
    my $log = $srv->log;
    diag(join "", grep { /auth_sso/ } split /^/, $log) if $sent != BURST;
    my $fetches = () = $log =~ /cannot fetch the provider/g;
    is($fetches, 0, "round $round: no failed fetch logged");
    unlike($log, qr/\[auth_sso:(?:error|crit)/, "round $round: no module error");
    $srv->stop;
}
