# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# With shmcb, sessions survive `graceful` and `restart` (the parent lives
# on); a full stop and start drops them.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie);
use SSOServer;
use LWP::UserAgent;
use Time::HiRes ();

plan tests => 8;

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1})->start;
my ($ua, @seen) = login(user => 'alice', url => $srv->url('/protected/'));
is($seen[-1]->code, 200, 'logged in on a server of our own');
sub served { $ua->get($srv->url('/protected/'))->content =~ /PROTECTED-CONTENT/ }

$srv->graceful;
ok(served(), 'session survives apachectl graceful');
$srv->restart;
ok(served(), 'session survives apachectl restart');
$srv->lines_add('SSOSessionTimeout 3600');
$srv->graceful;
ok(served(), 'session survives a graceful restart that changed another directive');
like($srv->log, qr/resuming normal operations/, 'restarts happened');
$srv->stop;
$srv->start;
my $res = $ua->get($srv->url('/protected/'));
is($res->code, 302, 'after a full stop and start the session is gone (documented)');
$srv->stop;
unlike($srv->log, qr/\[auth_sso:(error|emerg)\]/, 'no module errors in the log');

# Stopping leaves no crash behind: the cache providers' cleanups in the
# process pool still find their code (httpd -X, so the exit status is ours).
{
    my $x = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1});
    my $pid = fork // die $!;
    if (!$pid) {
        open STDERR, '>', '/dev/null';
        exec $ENV{SSO_TEST_HTTPD}, '-X', '-f', "$x->{dir}/httpd.conf" or die $!;
    }
    $x->wait_port;
    # The port opens before httpd sets its signal handlers: wait for an
    # answer, or a TERM sent in between kills it (a loaded machine).
    my $up = 0;
    for (1 .. 100) {
        $up = LWP::UserAgent->new(timeout => 5)->get($x->url('/sso/status'))->code == 200
            and last;
        Time::HiRes::sleep(0.1);
    }
    kill 'TERM', $pid;
    waitpid $pid, 0;
    my $signal = $? & 127;
    is($signal, 0, 'httpd exits without a signal (no crash in exit cleanups)')
        or diag("signal $signal, answered: $up; error log:\n" . $x->log);
}
