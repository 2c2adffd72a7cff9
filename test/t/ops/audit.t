# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The audit trail (issue 18): a server logging with the LogFormat and
# CustomLog of docs/operating.md records each event of a scripted sequence
# with its cause: SSO login, refusal by group, local login, wrong and
# unknown local passwords, a disabled account's session ending, logout.
# sso-users show and log then tell the same from the registry.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST);
use SSOTest qw(login login_until_callback new_browser);
use SSOServer;
use Time::HiRes qw(sleep time);

plan tests => 48;

# The documented lines, read from the page an administrator copies them from.
open my $doc, '<', "$ENV{SSO_TEST_TOP}/docs/operating.md" or die $!;
my $page = do { local $/; <$doc> };
my ($logformat) = $page =~ /^(LogFormat .* sso_audit)$/m or die 'no LogFormat in docs/operating.md';
my ($customlog) = $page =~ /^(CustomLog .* sso_audit .*)$/m or die 'no CustomLog in docs/operating.md';

my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV2},
    lines => [ 'SSORequireMappedGroup On', 'SSOAccountRecheck 1' ]);
my $audit = "$srv->{dir}/sso-audit.log";
$customlog =~ s/\$\{APACHE_LOG_DIR\}\/sso-audit\.log/$audit/ or die "CustomLog names another file: $customlog";
$srv->lines_add($logformat, $customlog);
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s sqlite3:$srv->{dir}/users.db";
system("echo 'ops-pass' | $cli add ops Administrators >/dev/null") == 0 or die;
$srv->start;

sub browser {
    my ($agent) = @_;
    my $ua = new_browser();
    $ua->agent($agent);
    return $ua;
}
sub local_login {
    my ($ua, $user, $pass) = @_;
    my ($csrf) = $ua->get($srv->url('/sso/login'))->content =~ /name="csrf" value="([^"]+)"/;
    return $ua->request(POST $srv->url('/sso/login'),
        [ username => $user, password => $pass, csrf => $csrf, return => '/protected/' ]);
}

# ---- the sequence, one user agent per step so each line is known by it
my ($alice, @seen) = login(user => 'alice', url => $srv->url('/protected/'), ua => browser('step-sso-login'));
is($seen[-1]->code, 200, 'SSO login: alice signed in');
my ($erin, @refused) = login(user => 'erin', url => $srv->url('/protected/'), ua => browser('step-sso-refused'));
is($refused[-1]->code, 403, 'SSO login: erin, in no mapped group, refused');
my $ops = browser('step-local-login');
is(local_login($ops, 'ops', 'ops-pass')->code, 303, 'local login: ops signed in');
is(local_login(browser('step-local-wrong'), 'ops', 'nope')->code, 303, 'wrong local password: back to the form');
is(local_login(browser('step-local-unknown'), 'nobody', 'nope')->code, 303, 'unknown local user: the same answer');
is($ops->get($srv->url('/protected/'))->code, 200, 'ops is served');
system("$cli disable ops >/dev/null") == 0 or die;
sleep 1.2;
$ops->agent('step-session-ended');
is($ops->get($srv->url('/protected/'))->code, 302, 'disabled: the session ends within SSOAccountRecheck');
$alice->agent('step-logout');
my $res = $alice->request(POST $srv->url('/sso/logout'), Origin => $srv->url(''));
is($res->code, 303, 'logout');
# Callback refusals before the provider named a user: audit log only.
is(browser('step-state-unknown')->get($srv->url('/sso/callback?state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&code=x'))->code,
   400, 'a callback of an unknown state: 400');
my ($bob, $callback) = login_until_callback(user => 'bob', url => $srv->url('/protected/'), ua => browser('step-provider-error'));
$callback->query_form(state => { $callback->query_form }->{state}, error => 'access_denied');
is($bob->get($callback)->code, 502, 'the provider answers an error: 502');
$alice->agent('step-after');
is($alice->get($srv->url('/public/'))->code, 200, 'an unprotected request afterwards');

# ---- the audit log: one line per event, nothing for other requests
my @lines;
for (1 .. 50) {
    open my $fh, '<', $audit or die "no audit log: $!";
    @lines = <$fh>;
    last if grep { /step-provider-error/ } @lines;
    sleep 0.1;
}
my %line;
my $format = qr/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) (\S+) "([^"]*)" (\S+) (\S+) "([^"]*)"$/;
for (@lines) {
    chomp;
    my @f = $_ =~ $format or do { fail("audit line in the documented format: $_"); next };
    push @{ $line{$f[5]} }, { time => $f[0], addr => $f[1], user => $f[2], event => $f[3], cause => $f[4] };
}
sub event_of {
    my ($agent, $event, $cause, $user, $what) = @_;
    my @l = grep { $_->{event} eq $event } @{ $line{$agent} // [] };
    is(scalar @l, 1, "$what: one $event line");
    is($l[0] && $l[0]{cause}, $cause, "$what: cause $cause");
    like($l[0] ? $l[0]{user} : '', $user, "$what: user");
}
event_of('step-sso-login', 'login', 'sso', qr/^alice\@example\.test$|^alice$/, 'SSO login');
event_of('step-sso-refused', 'login-refused', 'no-mapped-group', qr/^5eaf7096-b06c-4b4f-9e95-705d4cafbd05$/, 'refusal by group');
event_of('step-local-login', 'local-login', 'password', qr/^ops$/, 'local login');
event_of('step-local-wrong', 'local-login-failed', 'password-wrong', qr/^ops$/, 'wrong password');
event_of('step-local-unknown', 'local-login-failed', 'unknown-user', qr/^nobody$/, 'unknown user');
event_of('step-session-ended', 'session-ended', 'disabled', qr/^ops$/, 'disabled account');
event_of('step-logout', 'logout', 'user', qr/^alice\@example\.test$|^alice$/, 'logout');
# No user yet: CustomLog writes '-' for a missing note.
event_of('step-state-unknown', 'login-refused', 'state-unknown', qr/^-$/, 'unknown state');
event_of('step-provider-error', 'login-refused', 'provider-error', qr/^-$/, 'provider error');
is($line{'step-sso-login'}[0]{addr}, '127.0.0.1', 'the client address');
my $alice_user = $line{'step-sso-login'}[0]{user};
is(scalar(grep { $_ ne 'step-sso-login' && $_ ne 'step-sso-refused' && $_ ne 'step-local-login'
                 && $_ ne 'step-local-wrong' && $_ ne 'step-local-unknown'
                 && $_ ne 'step-session-ended' && $_ ne 'step-logout'
                 && $_ ne 'step-state-unknown' && $_ ne 'step-provider-error' } keys %line), 0,
   'no line for requests without an event (pages, redirects, the provider round trip)');
is(scalar @lines, 9, 'nine events, nine lines');

# ---- the registry: last login and the trail
my $show = `$cli show ops`;
like($show, qr/^last login: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d from 127\.0\.0\.1 \(local\)$/m,
     "sso-users show: the last login's time, address and method");
my $log = `$cli log`;
my @rows = map { [ split /\s+/ ] } grep { /^\d{4}-/ } split /\n/, $log;
is_deeply([ map { join ' ', @$_[2 .. 6] } @rows ],
          [ "$alice_user 127.0.0.1 sso login sso",
            '5eaf7096-b06c-4b4f-9e95-705d4cafbd05 127.0.0.1 sso login-refused no-mapped-group',
            'ops 127.0.0.1 local local-login password',
            'ops 127.0.0.1 local local-login-failed password-wrong',
            'nobody 127.0.0.1 local local-login-failed unknown-user' ],
          'sso-users log: user, address, method, event, cause of the sign-ins and refusals, oldest first '
          . '(logouts and ended sessions are in the audit log only)')
    or diag($log);
my @ops = grep { /^\d{4}-/ } split /\n/, `$cli log ops`;
is(scalar @ops, 2, 'sso-users log USER: only that user');
my @later = grep { /^\d{4}-/ } split /\n/, `$cli log --since "2099-01-01"`;
is(scalar @later, 0, 'sso-users log --since: nothing after that date');
$srv->stop;

# ---- a session that expires: noted on the request that finds it gone
$srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV3}, lines => [ 'SSOSessionTimeout 1' ]);
$audit = "$srv->{dir}/sso-audit.log";
($customlog) = $page =~ /^(CustomLog .* sso_audit .*)$/m;
$customlog =~ s/\$\{APACHE_LOG_DIR\}\/sso-audit\.log/$audit/;
$srv->lines_add($logformat, $customlog);
$srv->start;
my ($carol) = login(user => 'carol', url => $srv->url('/protected/'));
sleep 2.2;
is($carol->get($srv->url('/protected/'))->code, 302, 'idle past SSOSessionTimeout: sent to the login');
$srv->stop;
open my $fh, '<', $audit or die $!;
my @expiry = map { [ $_ =~ $format ] } <$fh>;
is_deeply([ map { "$_->[3] $_->[4]" } @expiry ], [ 'login sso', 'session-ended expired' ],
          'the audit log: the login, then session-ended with cause expired');
# The cache dropped the idle record itself (its lifetime is the timeout):
# whose it was is gone with it.
like($expiry[1][2] // '', qr/^(carol\S*|-)$/, 'session-ended: the user when the record was still there, else -');
