# With shmcb, sessions survive `graceful` and `restart` (the parent lives
# on); a full stop and start drops them.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie);
use SSOServer;

plan tests => 7;

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
