# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
package SSOStore;
# Redis and memcached servers that a test starts, stops and starts again.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(sleep);

sub new {
    my ($class, %o) = @_;    # kind => 'redis'|'memcache', port => N
    return bless { owner => $$, %o }, $class;
}

sub command {
    my ($self) = @_;
    return ('redis-server', '--port', $self->{port}, '--bind', '127.0.0.1',
            '--save', '', '--appendonly', 'no') if $self->{kind} eq 'redis';
    return ('memcached', '-l', '127.0.0.1', '-p', $self->{port}, '-U', '0');
}

sub start {
    my ($self) = @_;
    my $pid = fork // die $!;
    if (!$pid) {
        open STDOUT, '>', '/dev/null'; open STDERR, '>', '/dev/null';
        exec $self->command or die $!;
    }
    $self->{pid} = $pid;
    for (1 .. 100) {
        return $self if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$self->{port}");
        sleep 0.05;
    }
    die "$self->{kind} did not start on $self->{port}";
}

sub stop {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'TERM', $self->{pid};
    waitpid $self->{pid}, 0;
    delete $self->{pid};
}

sub DESTROY { local $?; $_[0]->stop if $$ == $_[0]->{owner} }

1;
