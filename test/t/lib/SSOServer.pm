# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
package SSOServer;
# An httpd of its own with mod_auth_sso, for what the shared Apache::Test
# server cannot do: other MPMs, restarts, several servers, short timeouts.
# It listens on 127.0.0.1 only and is stopped when the object goes away.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep);
use IO::Socket::INET;

my @MODULES = qw(authn_core authz_core authz_user socache_shmcb socache_redis
                 socache_memcache mime dir headers env);

# new(port => N, mpm => 'event', lines => [...], name => 'x',
#     store => SQLITE_FILE or userstore => 'pgsql:...',
#     public_url => 0 to leave SSOPublicURL unset)
sub new {
    my ($class, %o) = @_;
    my $self = bless { mpm => 'event', lines => [], owner => $$, %o }, $class;
    $self->{dir} = tempdir("sso-srv-XXXXXX", TMPDIR => 1, CLEANUP => 1);
    $self->write_config;
    return $self;
}

sub url { my ($self, $path) = @_; return "http://127.0.0.1:$self->{port}" . ($path // '/') }

sub config_text {
    my ($self) = @_;
    my ($dir, $port, $md) = ($self->{dir}, $self->{port}, $ENV{SSO_TEST_MODDIR});
    my $docroot = "$ENV{SSO_TEST_TOP}/test/t/htdocs";
    return join "\n",
        "ServerRoot $dir", "DefaultRuntimeDir $dir", "PidFile $dir/httpd.pid",
        "ErrorLog $dir/error_log", "LogLevel info auth_sso:debug",
        "LoadModule mpm_$self->{mpm}_module $md/mod_mpm_$self->{mpm}.so",
        (map { "LoadModule ${_}_module $md/mod_$_.so" } @MODULES),
        "LoadModule auth_sso_module $ENV{SSO_TEST_MODULE}",
        "Listen 127.0.0.1:$port", "ServerName 127.0.0.1:$port",
        "StartServers 2", "TypesConfig /etc/mime.types",
        "DocumentRoot $docroot",
        "SSOEnable On", "SSOAuthority $ENV{SSO_TEST_OP_URL}",
        "SSOClientID $ENV{SSO_TEST_CLIENT_ID}",
        "SSOClientSecret env:SSO_TEST_CLIENT_SECRET",
        ($self->{public_url} // 1 ? "SSOPublicURL http://127.0.0.1:$port" : ()),
        'SSOUserStore "' . ($self->{userstore} // "sqlite3:" . ($self->{store} // "$dir/users.db")) . '"',
        "SSOAllowSignup On",
        "SSOGroupMap technitium_admins Administrators",
        "SSOGroupMap technitium_dns_admins \"DNS Administrators\"",
        "SSOGroupMap technitium_dhcp_admins \"DHCP Administrators\"",
        "<Location /protected>", "AuthType sso", "Require valid-user",
        "Header always set X-Echo-User \"%{SSO_USER}e\"", "</Location>",
        @{ $self->{lines} }, "";
}

sub lines_add { my ($self, @l) = @_; push @{ $self->{lines} }, @l; $self->write_config }

sub write_config {
    my ($self) = @_;
    open my $fh, '>', "$self->{dir}/httpd.conf" or die $!;
    print $fh $self->config_text;
    close $fh;
}

sub httpd { my ($self, @args) = @_;
    return system($ENV{SSO_TEST_HTTPD}, '-f', "$self->{dir}/httpd.conf", @args) == 0 }

sub pid {
    my ($self) = @_;
    open my $fh, '<', "$self->{dir}/httpd.pid" or return;
    my $pid = <$fh>;
    chomp $pid if defined $pid;
    return $pid;
}

sub wait_port {
    my ($self) = @_;
    for (1 .. 100) {
        return 1 if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$self->{port}");
        sleep 0.1;
    }
    die "httpd on port $self->{port} did not start: " . $self->log;
}

sub started { my $n = () = $_[0]->log =~ /resuming normal operations/g; $n }

# Returns once the port answers and the startup lines are in the log.
sub start {
    my ($self) = @_;
    my $before = $self->started;
    $self->httpd('-k', 'start') or die "httpd -k start failed: " . $self->log;
    $self->wait_port;
    for (1 .. 100) { last if $self->started > $before; sleep 0.1 }
    return $self;
}

# Waits until the parent has a new generation of children serving.
sub signal_and_wait {
    my ($self, $how) = @_;
    my $before = () = $self->log =~ /resuming normal operations/g;
    $self->httpd('-k', $how) or die "httpd -k $how failed";
    for (1 .. 100) {
        my $now = () = $self->log =~ /resuming normal operations/g;
        return 1 if $now > $before;
        sleep 0.1;
    }
    die "httpd did not finish -k $how";
}
sub graceful { $_[0]->signal_and_wait('graceful') }
sub restart  { $_[0]->signal_and_wait('restart') }

sub stop {
    my ($self) = @_;
    my $pid = $self->pid or return;
    kill 'TERM', $pid;
    for (1 .. 100) { last unless kill 0, $pid; sleep 0.1 }
    kill 'KILL', $pid if kill 0, $pid;
    unlink "$self->{dir}/httpd.pid";
}

sub log {
    my ($self) = @_;
    open my $fh, '<', "$self->{dir}/error_log" or return '';
    local $/;
    return <$fh> // '';
}

# Only the process that made it stops it: forked test workers exit too.
sub DESTROY { my $self = shift; local $?; $self->stop if $$ == $self->{owner} }

1;
