# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOLogoutAtProvider On with a provider whose discovery document has no
# end_session_endpoint (the test provider's document with
# ?omit=end_session_endpoint, through SSOMetadataAddress): one warning
# (SSO00128) per start or restart, not one per request; logouts end the
# local session and land on the signed-out page, with no redirect to the
# provider.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login follow);
use SSOServer;
use HTTP::Request::Common qw(POST);

plan tests => 16;

my $port = $ENV{SSO_TEST_PORT_SRV3};
my $origin = "http://127.0.0.1:$port";
my $doc = "$ENV{SSO_TEST_OP_URL}/.well-known/openid-configuration?omit=end_session_endpoint";
my $srv = SSOServer->new(port => $port, lines => [
    'SSOLogoutAtProvider On', qq{SSOMetadataAddress "$doc"}])->start;

my $warning = qr/\[auth_sso:warn\].*SSO00128: the provider advertises no end_session_endpoint \(discovery document \Q$doc\E\): SSOLogoutAtProvider On signs users out here only/;
sub warnings { my $n = () = $srv->log =~ /$warning/g; $n }

# Signs USER in and out; returns the logout's answer and the page after it.
sub login_logout {
    my ($user) = @_;
    my ($ua, @seen) = login(user => $user, url => $srv->url('/protected/'));
    die "$user did not sign in" unless $seen[-1]->code == 200;
    my $res = $ua->request(POST $srv->url('/sso/logout'), Origin => $origin);
    return ($ua, $res);
}

my $op_log = "$ENV{SSO_TEST_OUT}/op-OP.log";
sub end_session_calls { open my $fh, '<', $op_log or return 0; scalar grep { m{/api/oidc/end-session} } <$fh> }
my $ends_before = end_session_calls();

my ($ua, $res) = login_logout('alice');
is(warnings(), 1, 'the missing end_session_endpoint is logged, with its message ID')
    or diag(join "\n", grep { /auth_sso:(warn|error|notice)/ } split /\n/, $srv->log);
is($res->code, 303, 'logout answers 303');
is($res->header('Location'), '/sso/login?logged_out=1', 'to the signed-out page here, not to the provider');
$res = $ua->get($srv->url($res->header('Location')));
is($res->code, 200, 'the signed-out page answers 200');
like($res->content, qr/You have been signed out\./, 'and says so');
$res = $ua->get($srv->url('/protected/'));
is($res->code, 302, 'the local session ended: the next request is not served');
like($res->header('Location') // '', qr{^/sso/login\?}, 'but sent to the login page');

# More sign-ins and logouts, in both children: no more warnings.
for my $user (qw(bob carol alice)) {
    ($ua, $res) = login_logout($user);
}
is($res->header('Location'), '/sso/login?logged_out=1', 'the fourth logout is local too');
is(warnings(), 1, 'still one warning after four sign-ins and logouts');
is(end_session_calls() - $ends_before, 0, 'the provider was never asked to end a session');

# The provider's session is left as it was: SSO signs straight back in.
my @seen = follow($ua, $ua->get($srv->url('/protected/')), click_sso => 1);
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'Login with SSO signs straight back in (the provider was not told)');

# A restart (new configuration generation) says it again, once.
$srv->graceful;
is(warnings(), 1, 'no warning at the restart itself (no provider call at startup)');
($ua, $res) = login_logout('bob');
is(warnings(), 2, 'one more after the restart, at the first sign-in');
is($res->header('Location'), '/sso/login?logged_out=1', 'and the logout stays local');
login_logout('carol');
is(warnings(), 2, 'and no more');

# Off: no warning at all.
my $off = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV4}, lines => [qq{SSOMetadataAddress "$doc"}])->start;
login(user => 'alice', url => $off->url('/protected/'));
unlike($off->log, qr/SSO00128/, 'SSOLogoutAtProvider Off: no warning');
$_->stop for $srv, $off;
