# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The shapes of the groups claim that real providers send (issue 19):
# one group as a plain string (LemonLDAP::NG's array mode), and groups
# under a nested claim (Keycloak's realm_access.roles, SSOGroupsClaim with
# a dotted path); each in the ID token and, from a provider that keeps
# scope claims for userinfo, in userinfo.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url session_cookie server_log_since log_size);

plan tests => 4 * 4 + 3;

# judy's only group arrives as "technitium_dns_admins"; ivan's as
# {"realm_access":{"roles":["technitium_dhcp_admins"]}}.
my @cases = (
    [ 'judy',  undef,      'string in the ID token',        'DNS Administrators' ],
    [ 'judy',  'UI',       'string in userinfo',            'DNS Administrators' ],
    [ 'ivan',  'NESTED',    'realm_access.roles in the ID token', 'DHCP Administrators' ],
    [ 'ivan',  'NESTED_UI', 'realm_access.roles in userinfo', 'DHCP Administrators' ],
);
for my $case (@cases) {
    my ($user, $vhost, $label, $group) = @$case;
    my $mark = log_size();
    my ($ua, @seen) = login(user => $user, vhost => $vhost, path => '/protected/env.cgi');
    is($seen[-1]->code, 200, "$user, $label: admitted (SSORequireMappedGroup On)");
    ok(session_cookie($ua), "$user, $label: a session");
    like($seen[-1]->content, qr/^SSO_GROUPS=\Q$group\E$/m, "$user, $label: mapped to $group");
    unlike(server_log_since($mark), qr/groups claim is|sent no '/,
           "$user, $label: no warning about the groups claim");
}

# ivan against the default SSOGroupsClaim groups: he has none, and the
# log says that no groups claim came.
my $mark = log_size();
my ($ua, @seen) = login(user => 'ivan');
is($seen[-1]->code, 403, 'ivan with SSOGroupsClaim groups: refused, no mapped group');
ok(!session_cookie($ua), 'ivan with SSOGroupsClaim groups: no session');
like(server_log_since($mark), qr/the provider sent no 'groups' claim/,
     'ivan with SSOGroupsClaim groups: the log says no groups claim came');
