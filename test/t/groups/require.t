# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Require sso-group alone and in RequireAny/RequireAll, for every test user;
# a 403 page names the groups that would grant access.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url new_browser server_log_since log_size);

# user => which of admin dns dhcp both they may see
my %may = (
    alice => { admin => 1, dns => 1, dhcp => 1, both => 0 },
    bob   => { admin => 0, dns => 1, dhcp => 0, both => 0 },
    carol => { admin => 0, dns => 0, dhcp => 1, both => 0 },
    dave  => { admin => 0, dns => 1, dhcp => 1, both => 1 },
    grace => { admin => 1, dns => 1, dhcp => 1, both => 0 },
);
my @areas = qw(admin dns dhcp both);
my $refusals = grep { !$_ } map { values %$_ } values %may;
plan tests => @areas * keys(%may) + $refusals + 6;

for my $user (sort keys %may) {
    my ($ua) = login(user => $user);
    for my $area (@areas) {
        my $res = $ua->get(site_url("/protected/$area/"));
        if ($may{$user}{$area}) {
            is($res->code, 200, "$user may see /$area");
        } else {
            is($res->code, 403, "$user is refused /$area");
            unlike($res->content, qr/PROTECTED-CONTENT/, "$user: no /$area content");
        }
    }
}

# The 403 page names the groups that would grant access.
my ($ua) = login(user => 'bob');
my $res = $ua->get(site_url('/protected/dhcp/'));
like($res->content, qr/Access denied/, '403 page says Access denied');
like($res->content, qr/needs membership in one of: &quot;Administrators&quot;, &quot;DHCP Administrators&quot;/,
     '403 page names every group of the RequireAny');
like($res->content, qr/signed in as bob\@example\.test/, '403 page names the user');

# Without a session a group-protected page sends the user to log in.
$res = new_browser()->get(site_url('/protected/admin/'));
is($res->code, 302, 'no session: redirected to log in, not 403');

# Startup warned about the Require line naming an unknown group.
like(server_log_since(0), qr/Require sso-group "Adminstrators" at \S+extra\.conf:\d+: no SSOGroupMap line produces this group and no local user has it/,
     'startup warns about a Require sso-group group that nothing produces');
unlike(server_log_since(0), qr/Require sso-group "DNS Administrators" at/, 'no warning for mapped groups');
