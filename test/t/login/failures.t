# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Failures an administrator can cause: each gives a plain page, one log line
# naming the cause and the directive, and no session.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use LWP::UserAgent;
use Time::HiRes qw(time sleep);
use SSOTest qw(login session_cookie site_url new_browser follow server_log_since);

plan tests => 22;

sub log_size { -s Apache::Test::vars('t_logs') . '/error_log' }
sub none_protected { !grep { $_->content =~ /PROTECTED-CONTENT/ } @_ }

# Wrong client secret: loud, not silent.
my $mark = log_size();
my ($ua, @seen) = login(user => 'alice', vhost => 'BADSECRET');
is($seen[-1]->code, 502, 'wrong secret: 502 page');
like($seen[-1]->content, qr/credentials were rejected by the SSO provider/,
     'wrong secret: the page says the credentials were rejected');
like(server_log_since($mark), qr/the client secret \(or client ID\) was rejected by the provider: check SSOClientSecret/,
     'wrong secret: the log names SSOClientSecret');
# Basic authentication (this host's default): the line ends with the hint
# for providers that mishandle it (LemonLDAP::NG 2.16, issue 19).
like(server_log_since($mark), qr/token request to \S+ failed: the client secret .*; if the secret is right, try SSOTokenAuth client_secret_post(?: \[request [^\]]+\])?$/m,
     'wrong secret: the invalid_client log line ends with the SSOTokenAuth client_secret_post hint');
ok(!session_cookie($ua) && none_protected(@seen), 'wrong secret: no session, no content');
unlike(server_log_since($mark), qr/not-the-registered-secret|\Q$ENV{SSO_TEST_CLIENT_SECRET}\E/,
       'wrong secret: the secret itself is never logged');

# Discovery issuer differs from SSOAuthority (a trailing slash).
$mark = log_size();
($ua, @seen) = login(user => 'alice', vhost => 'MISMATCH');
is($seen[-1]->code, 502, 'issuer mismatch: 502 page');
my $op = $ENV{SSO_TEST_OP_URL};
like(server_log_since($mark), qr/discovery issuer '\Q$op\E' differs from SSOAuthority '\Q$op\E\/'/,
     'issuer mismatch: the log names both strings');
ok(!session_cookie($ua) && none_protected(@seen), 'issuer mismatch: no session, no content');

# The groups scope missing: a startup warning, and a refusal that says why.
like(server_log_since(0), qr/SSOScopes in virtual host nogroups\.test .* lacks 'groups': .*SSOGroupMap will have no effect/,
     'groups scope missing: startup warning');
$mark = log_size();
($ua, @seen) = login(user => 'alice', vhost => 'NOGROUPS');
is($seen[-1]->code, 403, 'groups scope missing: alice is refused (no mapped group)');
like(server_log_since($mark), qr/the provider sent no 'groups' claim, so SSOGroupMap maps nothing \(check that SSOScopes includes groups/,
     'groups scope missing: the log names SSOScopes');

# Provider down at startup, then up: no restart needed.
$mark = log_size();
($ua, @seen) = login(user => 'alice', vhost => 'LATE');
is($seen[-1]->code, 503, 'provider down: 503 page');
like($seen[-1]->content, qr/Failed to reach SSO provider/, 'provider down: page says so');
like(server_log_since($mark), qr{cannot fetch the provider's discovery document: .*127\.0\.0\.1:$ENV{SSO_TEST_PORT_LATE_OP}.*check SSOMetadataAddress},
     'provider down: the log names the URL and the directive');

my $late = start_late_provider();
# A child whose fetch failed tries again 5 s later at the earliest.
my $t0 = time;
while (1) {
    ($ua, @seen) = login(user => 'bob', vhost => 'LATE');
    last if $seen[-1]->code == 200 || time - $t0 > 10;
    sleep 0.5;
}
is($seen[-1]->code, 200, sprintf('provider up again: login works without a restart (after %.1f s)', time - $t0));
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'provider up again: content served');
# A new kid: one JWKS refetch. Another new kid within the minute: no
# second refetch, so that login fails (the refetch is rate-limited).
my $jwks_fetches = sub {
    select(undef, undef, undef, 0.3);    # the provider logs after answering
    open my $fh, '<', "$ENV{SSO_TEST_OUT}/op-late.log" or die $!;
    scalar grep { m{GET /\.well-known/jwks\.json -> 200} } <$fh>;
};
my $before = $jwks_fetches->();
my $op_url = "http://127.0.0.1:$ENV{SSO_TEST_PORT_LATE_OP}";
LWP::UserAgent->new->post("$op_url/_test/rotate-key");
($ua, @seen) = login(user => 'bob', vhost => 'LATE');
is($seen[-1]->code, 200, 'new signing key: login works');
is($jwks_fetches->() - $before, 1, 'new signing key: one JWKS refetch');
LWP::UserAgent->new->post("$op_url/_test/rotate-key");
$mark = log_size();
($ua, @seen) = login(user => 'bob', vhost => 'LATE');
is($seen[-1]->code, 502, 'second new key within a minute: refused');
is($jwks_fetches->() - $before, 1, 'second new key within a minute: no second refetch');
like(server_log_since($mark), qr/ID token refused \(SSO_JWT_UNKNOWN_KID\)/, 'the log names the unknown key');
kill 'TERM', $late;
waitpid $late, 0;

sub start_late_provider {
    my $log = "$ENV{SSO_TEST_OUT}/op-late.log";
    my @args = (split(' ', $ENV{SSO_TEST_OP_ARGS}), '--port', $ENV{SSO_TEST_PORT_LATE_OP},
                '--exit-with-parent');
    pipe(my $rd, my $wr) or die $!;
    my $pid = fork // die $!;
    if (!$pid) {
        close $rd; open STDOUT, '>&', $wr; open STDERR, '>', $log;
        exec 'node', "$ENV{SSO_TEST_TOP}/test/op/server.js", @args or die $!;
    }
    close $wr;
    my $line = <$rd>;
    die "late provider did not start (see $log)" unless $line && $line =~ /^READY/;
    return $pid;
}
