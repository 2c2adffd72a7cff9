# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A full login through the test provider for each test user.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url session_cookie new_browser);

my %admitted = (alice => 'Administrators', bob => 'DNS Administrators',
                carol => 'DHCP Administrators',
                dave => 'DHCP Administrators,DNS Administrators',
                grace => 'Administrators');
plan tests => 11 * keys(%admitted) + 10;

for my $user (sort keys %admitted) {
    my ($ua, @seen) = login(user => $user, path => '/protected/?q=1');
    my $last = $seen[-1];
    is($last->code, 200, "$user: lands on the protected page");
    is($last->request->uri->path_query, '/protected/?q=1', "$user: back where they started");
    like($last->content, qr/PROTECTED-CONTENT/, "$user: sees the protected content");
    my $sid = session_cookie($ua);
    like($sid, qr/^[A-Za-z0-9_-]{43}$/, "$user: session cookie is a 32-byte base64url ID");
    my ($set) = grep { /sso_session=/ } map { $_->header('Set-Cookie') // () } @seen;
    like($set, qr/HttpOnly/i, "$user: cookie is HttpOnly");
    like($set, qr/SameSite=Lax/i, "$user: cookie is SameSite=Lax");
    my $env = $ua->get(site_url('/protected/env.cgi'));
    like($env->content, qr/^SSO_GROUPS=\Q$admitted{$user}\E$/m, "$user: groups mapped");
    my $name = $user eq 'grace' ? 'grace' : "$user\@example.test";
    like($env->content, qr/^REMOTE_USER=\Q$name\E$/m, "$user: REMOTE_USER is the local username");
    like($env->content, qr/^SSO_USER=\Q$name\E$/m, "$user: SSO_USER set");
    like($env->content, qr/^SSO_AUTH_METHOD=sso$/m, "$user: SSO_AUTH_METHOD=sso");
    like($env->content, qr/^AUTH_TYPE=sso$/m, "$user: AUTH_TYPE=sso");
}

# Grace has no email claim: the next username claim (preferred_username)
# is used, and SSO_EMAIL is not set.
my ($gua) = login(user => 'grace');
unlike($gua->get(site_url('/protected/env.cgi'))->content, qr/^SSO_EMAIL=/m, 'grace: no SSO_EMAIL');
# The cookie is Secure when the public URL is https.
my $sres = new_browser()->get(site_url('/sso/start?return=/', 'SECURE'));
like(join(' ', $sres->header('Set-Cookie')), qr/sso_session_login_[A-Za-z0-9_-]{12}=[^;]+;.*Secure/i,
     'cookies are Secure when SSOPublicURL is https');

# No-group and wrong-case users are refused at login (SSORequireMappedGroup On).
for my $user (qw(erin frank)) {
    my ($ua, @seen) = login(user => $user);
    is($seen[-1]->code, 403, "$user: refused with 403");
    like($seen[-1]->content, qr/Access denied/, "$user: page says Access denied");
    ok(!(grep { $_->content =~ /PROTECTED-CONTENT/ } @seen), "$user: never sees content");
    ok(!session_cookie($ua), "$user: no session cookie");
}
