# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Provider documents are fetched once and shared by every child; a new key
# is picked up by one JWKS refetch; a flood of pending logins cannot push
# live sessions out.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login login_until_callback session_cookie site_url new_browser);
use LWP::UserAgent;

plan tests => 9;

sub op_log_count {
    my ($name, $re) = @_;
    select(undef, undef, undef, 0.3);    # the provider logs after answering
    open my $fh, '<', "$ENV{SSO_TEST_OUT}/op-$name.log" or die $!;
    return scalar grep { /$re/ } <$fh>;
}
my $discovery = qr{GET /\.well-known/openid-configuration -> 200};
my $jwks = qr{GET /\.well-known/jwks\.json -> 200};

# Documents cached: five more logins cost no provider document fetch.
my ($ua, @seen) = login(user => 'alice', vhost => 'ED');
is($seen[-1]->code, 200, 'first login on a fresh provider');
my ($d0, $j0) = (op_log_count('OP_ED', $discovery), op_log_count('OP_ED', $jwks));
login(user => $_, vhost => 'ED') for qw(alice bob carol dave grace);
is(op_log_count('OP_ED', $discovery) - $d0, 0, 'discovery not fetched again for 5 logins');
is(op_log_count('OP_ED', $jwks) - $j0, 0, 'keys not fetched again for 5 logins');

# Key rotation: the provider signs with a new kid; one refetch follows.
my $rot = LWP::UserAgent->new->post("$ENV{SSO_TEST_OP_ED_URL}/_test/rotate-key");
ok($rot->is_success, 'provider rotated its signing key');
($ua, @seen) = login(user => 'bob', vhost => 'ED');
is($seen[-1]->code, 200, 'login after key rotation works');
is(op_log_count('OP_ED', $jwks) - $j0, 1, 'exactly one JWKS refetch for the new kid');

# A flood of pending logins against one live session and one pending login.
($ua, @seen) = login(user => 'carol');
my ($pending_ua, $pending_cb) = login_until_callback(user => 'dave');
my $url = site_url('/sso/start?return=/protected/');
my $out = `ab -q -n 10000 -c 16 '$url' 2>&1`;
my ($done) = $out =~ /Complete requests:\s+(\d+)/;
is($done, 10000, '10,000 /sso/start requests made');
my $res = $ua->get(site_url('/protected/'));
like($res->content, qr/PROTECTED-CONTENT/, 'the live session still works after the flood');
is($pending_ua->get($pending_cb)->code, 400,
   'the flood evicted older pending logins (from the login cache only)');
