# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The user registry in PostgreSQL (SSOUserStore pgsql:...), against the
# throwaway server test/with-pgsql starts: a first login creates the
# account with its mapped groups, the next login re-syncs them, sso-users
# reads the same store, and a disabled account's live session ends.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login op_url);
use SSOServer;
use LWP::UserAgent;
use JSON::PP qw(encode_json);
use Time::HiRes qw(time sleep);

plan tests => 11;

my $conninfo = $ENV{SSO_TEST_PGSQL}
    or die "SSO_TEST_PGSQL is not set: run the suite through test/run-apache-tests";
my $store = "pgsql:$conninfo";
my $ctl = LWP::UserAgent->new;
sub add_user {
    my ($user, @groups) = @_;
    $ctl->put(op_url() . "/_test/users/$user", 'Content-Type' => 'application/json',
              Content => encode_json({ groups => \@groups }))->is_success or die "cannot add $user";
}
sub set_groups {
    my ($user, @groups) = @_;
    $ctl->put(op_url() . "/_test/users/$user/groups", 'Content-Type' => 'application/json',
              Content => encode_json(\@groups))->is_success or die "cannot set the groups of $user";
}
sub sso_users {
    my $out = `$ENV{SSO_TEST_TOP}/sso-users -s '$store' @_ 2>&1`;
    return ($? >> 8, $out);
}

add_user('pgmia', 'technitium_admins', 'technitium_dns_admins');
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_PGSQL}, userstore => $store,
                         lines => [ 'SSOAccountRecheck 2' ])->start;
my $url = $srv->url('/protected/');

my ($ua, @seen) = login(user => 'pgmia', url => $url);
like($seen[-1]->content, qr/PROTECTED-CONTENT/, 'first login with the registry in PostgreSQL');
my ($rc, $list) = sso_users('list');
is($rc, 0, 'sso-users reads the same PostgreSQL store');
my ($name) = $list =~ /^(\S*pgmia\S*)/m;
ok($name, "the account was created at first login ($name)");
my ($show_rc, $show) = sso_users('show', $name);
like($show, qr/^groups:\s+Administrators, DNS Administrators$/m, 'with its mapped groups');

set_groups('pgmia', 'technitium_dhcp_admins');
(undef, @seen) = login(user => 'pgmia', url => $url);
is($seen[-1]->code, 200, 'second login');
(undef, $show) = sso_users('show', $name);
like($show, qr/^groups:\s+DHCP Administrators$/m, 'groups re-synced at the second login');

is($ua->get($url)->code, 200, 'the first session is still live');
($rc) = sso_users('disable', $name);
is($rc, 0, 'sso-users disable');
my ($t0, $code) = (time);
do { sleep 0.25; $code = $ua->get($url)->code } until $code != 200 || time - $t0 > 10;
is($code, 302, sprintf('the live session ended %.1f s after the disable (SSOAccountRecheck 2)', time - $t0));
# The sign-in trail in PostgreSQL (schema v4): both logins, then a refusal.
(undef, @seen) = login(user => 'pgmia', url => $url);
is($seen[-1]->code, 403, 'a disabled account is refused at login');
my (undef, $log) = sso_users('log', $name);
is(join(',', map { join '/', (split /\s+/)[5, 6] } grep { /^\d{4}-/ } split /\n/, $log),
   'login/sso,login/sso,login-refused/disabled', 'sso-users log: the logins and the refusal, from PostgreSQL')
    or diag($log);
$srv->stop;
