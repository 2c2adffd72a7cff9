# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
package SSOFlood;
# Many plain GETs fast, as crawlers send them: PROCS processes, each on
# one keep-alive connection (a new one when the server closes it), with
# no cookies kept. Returns a hash: status code => count ('error' for a
# request that got no answer).
use strict;
use warnings;
use Exporter 'import';
use IO::Socket::INET;
use File::Temp qw(tempfile);

our @EXPORT_OK = qw(flood);

sub get_one {
    my ($sock, $host, $path) = @_;
    print {$sock} "GET $path HTTP/1.1\r\nHost: $host\r\nUser-Agent: crawler\r\n\r\n" or return;
    my ($head, $buf) = ('', '');
    while ($head !~ /\r\n\r\n/) {
        my $n = sysread $sock, $buf, 8192;
        return unless $n;
        $head .= $buf;
    }
    my ($h, $body) = split /\r\n\r\n/, $head, 2;
    my ($code) = $h =~ m{^HTTP/1\.\d (\d{3})} or return;
    my ($len) = $h =~ /^Content-Length:\s*(\d+)/mi;
    $len //= 0;
    while (length($body) < $len) {
        my $n = sysread $sock, $buf, $len - length($body);
        return unless $n;
        $body .= $buf;
    }
    my $close = $h =~ /^Connection:\s*close/mi;
    return ($code, $close);
}

# flood(hostport => '127.0.0.1:8080', path => '/sso/start', count => N,
#       procs => P [, until => EPOCH, pace => SECONDS])
sub flood {
    my (%o) = @_;
    my $procs = $o{procs} // 8;
    my @kids;
    for my $i (0 .. $procs - 1) {
        my ($fh, $file) = tempfile(UNLINK => 1);
        my $pid = fork // die $!;
        if (!$pid) {
            my %n;
            my $sock;
            my $mine = int($o{count} / $procs) + ($i < $o{count} % $procs ? 1 : 0);
            for (1 .. $mine) {
                last if $o{until} && time >= $o{until};
                $sock //= IO::Socket::INET->new(PeerAddr => $o{hostport}, Timeout => 30);
                my ($code, $close) = $sock ? get_one($sock, $o{hostport}, $o{path}) : ();
                # A connection an old child closed at a graceful restart:
                # once more on a new one, as a browser does.
                if (!$code) {
                    $sock = IO::Socket::INET->new(PeerAddr => $o{hostport}, Timeout => 30);
                    ($code, $close) = $sock ? get_one($sock, $o{hostport}, $o{path}) : ();
                }
                $n{$code // 'error'}++;
                undef $sock if !$code || $close;
                select undef, undef, undef, $o{pace} if $o{pace};
            }
            print $fh join(' ', map { "$_=$n{$_}" } keys %n), "\n";
            close $fh;
            exit 0;
        }
        push @kids, [$pid, $file];
    }
    my %total;
    for my $k (@kids) {
        waitpid $k->[0], 0;
        open my $in, '<', $k->[1] or die $!;
        my $line = <$in> // '';
        $total{$1} += $2 while $line =~ /(\w+)=(\d+)/g;
    }
    return %total;
}

1;
