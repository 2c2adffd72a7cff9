# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Account rules (SSOAllowSignup, SSOAllowSignupOnlyForMappedUsers,
# SSORequireMappedGroup), sso-users, group re-sync, disabled accounts.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url session_cookie new_browser server_log_since log_size);
use LWP::UserAgent;
use JSON::PP qw(encode_json);
use Time::HiRes qw(sleep time);

plan tests => 28;

my $op = $ENV{SSO_TEST_OP_URL};
sub store { "sqlite3:$ENV{SSO_TEST_OUT}/users-$_[0].db" }
sub sso_users {
    my ($store, @args) = @_;
    my $out = `$ENV{SSO_TEST_TOP}/sso-users -s $store @args 2>&1`;
    return ($? >> 8, $out);
}
sub env_of { my ($ua, $vhost) = @_; $ua->get(site_url('/protected/env.cgi', $vhost))->content }
sub set_groups {
    LWP::UserAgent->new->put("$op/_test/users/$_[0]/groups",
        'Content-Type' => 'application/json', Content => encode_json($_[1]));
}
my $mark;

# SSORequireMappedGroup Off: erin (no group) logs in with no groups.
my ($ua, @seen) = login(user => 'erin', vhost => 'NOMAP');
is($seen[-1]->code, 200, 'SSORequireMappedGroup Off: erin logs in');
like(env_of($ua, 'NOMAP'), qr/^SSO_GROUPS=$/m, 'erin has no local groups');

# Signup off: a new user is refused; a pre-linked one is admitted.
$mark = log_size();
($ua, @seen) = login(user => 'alice', vhost => 'SIGNUP_OFF');
is($seen[-1]->code, 403, 'signup off: a new user is refused');
like($seen[-1]->content, qr/new user sign up is disabled/i, 'signup off: the page says why');
like(server_log_since($mark), qr/login refused for sub 1f6a3a52\S* \(email alice\@example\.test, groups \[technitium_admins\]\): .*SSOAllowSignup/,
     'signup off: the log names user, claims and directive');
my ($rc) = sso_users(store('signup_off'), 'link', 'bob.linked', $op, '2b7c4d63-8d3f-4e1c-8b62-4d2a1f7c8b02');
is($rc, 0, 'sso-users link pre-creates bob');
($ua, @seen) = login(user => 'bob', vhost => 'SIGNUP_OFF');
is($seen[-1]->code, 200, 'signup off: the pre-linked user is admitted');
like(env_of($ua, 'SIGNUP_OFF'), qr/^REMOTE_USER=bob\.linked$/m, 'as the linked username');
like(env_of($ua, 'SIGNUP_OFF'), qr/^SSO_GROUPS=DNS Administrators$/m, 'with the mapped groups');

# Only for mapped users: erin (unmapped, new) refused; alice created.
$mark = log_size();
($ua, @seen) = login(user => 'erin', vhost => 'SIGNUP_ALL');
is($seen[-1]->code, 403, 'signup only for mapped users: erin refused');
like(server_log_since($mark), qr/SSOAllowSignupOnlyForMappedUsers/, 'the log names the directive');
($ua, @seen) = login(user => 'alice', vhost => 'SIGNUP_ALL');
is($seen[-1]->code, 200, 'signup only for mapped users: alice is created');

# Username collision: a local user already holds alice's email.
system("echo secret-pass | $ENV{SSO_TEST_TOP}/sso-users -s " . store('nomap') . " add carol\@example.test");
is($? >> 8, 0, 'sso-users add: a local user takes carol\'s email as username');
($ua, @seen) = login(user => 'carol', vhost => 'NOMAP');
is($seen[-1]->code, 200, 'collision: carol still logs in');
like(env_of($ua, 'NOMAP'), qr/^REMOTE_USER=carol$/m, 'collision: the taken email falls through to preferred_username');

# Group re-sync: the provider's groups change between two logins.
($ua) = login(user => 'dave', vhost => 'NOMAP');
like(env_of($ua, 'NOMAP'), qr/^SSO_GROUPS=DHCP Administrators,DNS Administrators$/m, 'dave: two groups');
set_groups(dave => ['technitium_admins']);
($ua) = login(user => 'dave', vhost => 'NOMAP');
set_groups(dave => ['technitium_dns_admins', 'technitium_dhcp_admins']);
like(env_of($ua, 'NOMAP'), qr/^SSO_GROUPS=Administrators$/m, 'dave re-synced to the new groups at login');
my (undef, $show) = sso_users(store('nomap'), 'show', 'dave@example.test');
like($show, qr/Administrators/, 'the registry holds the new groups');

# Disabled: refused at login; a live session ends within SSOAccountRecheck.
($ua, @seen) = login(user => 'grace', vhost => 'RECHECK');
is($seen[-1]->code, 200, 'grace logs in');
($rc) = sso_users(store('recheck'), 'disable', 'grace');
is($rc, 0, 'sso-users disable grace');
my $t0 = time;
my $code;
do { sleep 0.25; $code = $ua->get(site_url('/protected/', 'RECHECK'))->code } until $code != 200 || time - $t0 > 10;
is($code, 302, sprintf('the live session ended %.1f s after the disable (SSOAccountRecheck 2)', time - $t0));
$mark = log_size();
($ua, @seen) = login(user => 'grace', vhost => 'RECHECK');
is($seen[-1]->code, 403, 'disabled: refused at login');
like($seen[-1]->content, qr/User account is disabled/i, 'disabled: the page says so');
like(server_log_since($mark), qr/login refused for sub 70c192b8\S*.*disabled/i, 'disabled: logged');
sso_users(store('recheck'), 'enable', 'grace');
($ua, @seen) = login(user => 'grace', vhost => 'RECHECK');
is($seen[-1]->code, 200, 'enabled again: admitted');
($rc) = sso_users(store('recheck'), 'delete', 'grace');
$t0 = time;
do { sleep 0.25; $code = $ua->get(site_url('/protected/', 'RECHECK'))->code } until $code != 200 || time - $t0 > 10;
is($code, 302, 'deleted: the live session ends too');

# 20 parallel first logins of different users: no lock errors.
my $ctl = LWP::UserAgent->new;
$ctl->put("$op/_test/users/par$_", 'Content-Type' => 'application/json',
          Content => encode_json({ groups => ['technitium_dns_admins'] })) for 1 .. 20;
$mark = log_size();
my @kids;
for my $i (1 .. 20) {
    my $pid = fork // die $!;
    if (!$pid) {
        my (undef, @s) = login(user => "par$i", vhost => 'NOMAP');
        exit($s[-1]->code == 200 ? 0 : 1);
    }
    push @kids, $pid;
}
my $failed = 0;
for (@kids) { waitpid $_, 0; $failed++ if $? }
is($failed, 0, '20 parallel first logins of different users all succeed');
unlike(server_log_since($mark), qr/locked|busy|registry error/i, 'no database lock errors');
