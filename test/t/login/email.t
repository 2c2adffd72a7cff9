# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# email_verified (issue 12, item 6): an address the provider has not
# verified is never a username (SSOUsernameClaims "email preferred_username"
# by default) nor SSO_EMAIL. heidi's provider account says
# email ceo@example.test, email_verified false (test/op/lib/users.js).
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url server_log_since log_size);

plan tests => 7;

my $mark = log_size();
my ($ua, @seen) = login(user => 'heidi');
is($seen[-1]->code, 200, 'heidi (email not verified): login succeeds');
my $env = $ua->get(site_url('/protected/env.cgi'))->content;
like($env, qr/^REMOTE_USER=heidi$/m, 'the username comes from the next claim, preferred_username');
unlike($env, qr/^SSO_EMAIL=/m, 'SSO_EMAIL is not set');
unlike($env, qr/ceo\@example\.test/, 'the unverified address reaches the application nowhere');
like(server_log_since($mark),
     qr/\[auth_sso:info\].*user 81d2a3c9-e39f-4e7c-a1a8-a38f7d02e008: email ceo\@example\.test is not verified/,
     'one info line says why');

# A verified address is still the first username source.
($ua) = login(user => 'carol');
$env = $ua->get(site_url('/protected/env.cgi'))->content;
like($env, qr/^REMOTE_USER=carol\@example\.test$/m, 'carol (verified): username from email');
like($env, qr/^SSO_EMAIL=carol\@example\.test$/m, 'carol: SSO_EMAIL set');
