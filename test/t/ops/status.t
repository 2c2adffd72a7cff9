# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# server-status (issue 18): with mod_status loaded, the mod_auth_sso
# section counts each login and refusal of a scripted sequence, by cause,
# in the HTML page and in ?auto; the counters survive graceful restarts.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login login_until_callback new_browser);
use SSOServer;
use HTTP::Request::Common qw(POST);
use LWP::UserAgent;

plan tests => 52;

my $md = $ENV{SSO_TEST_MODDIR};
my $srv = SSOServer->new(port => $ENV{SSO_TEST_PORT_SRV1}, lines => [
    "LoadModule status_module $md/mod_status.so",
    '<Location /server-status>', 'SetHandler server-status',
    'Require all granted', '</Location>',
]);
my $store = "sqlite3:$srv->{dir}/users.db";
my $cli = "$ENV{SSO_TEST_TOP}/sso-users -s $store";
$srv->start;
my $web = LWP::UserAgent->new(timeout => 30);

# ?auto: the SSO...: value lines.
sub auto {
    my %h;
    my $res = $web->get($srv->url('/server-status?auto'));
    for (split /\n/, $res->content) { $h{$1} = $2 if /^(SSO\w+): (.*)$/ }
    return \%h;
}
# The HTML page: label -> value of the section's rows.
sub html {
    my $res = $web->get($srv->url('/server-status'));
    my ($section) = $res->content =~ /(<h2><a name="mod_auth_sso">.*)/s;
    my %h;
    $h{$1} = $2 while ($section // '') =~ m{<tr><td>([^<]+)</td><td><b>([^<]*)</b></td></tr>}g;
    $h{__calls}{$1} = [$2, $3, $4, $5]
        while ($section // '') =~ m{<tr><td>(\w+)</td><td><b>(\d+)</b></td><td><b>(\d+)</b></td><td><b>(\d+)</b></td><td><b>(\d+)</b></td></tr>}g;
    return \%h;
}

my @events = qw(SSOLogins SSOLoginsRefusedNoMappedGroup SSOLoginsRefusedSignupOff
    SSOLoginsRefusedDisabled SSOLoginsRefusedTokenInvalid SSOLoginsRefusedStateUnknown
    SSOLoginsRefusedProviderError SSOLoginsRefusedWrongSecret SSOLoginsRefusedOther
    SSOLocalLogins SSOLocalLoginFailures SSOLocalThrottleHits);
my %label = (SSOLogins => 'SSO logins', SSOLoginsRefusedNoMappedGroup => 'refused: no mapped group',
    SSOLoginsRefusedSignupOff => 'refused: signup off', SSOLoginsRefusedDisabled => 'refused: account disabled',
    SSOLoginsRefusedTokenInvalid => 'refused: token invalid', SSOLoginsRefusedStateUnknown => 'refused: state unknown',
    SSOLoginsRefusedProviderError => 'refused: provider error', SSOLoginsRefusedWrongSecret => 'refused: wrong client secret',
    SSOLoginsRefusedOther => 'refused: other causes', SSOLocalLogins => 'local logins',
    SSOLocalLoginFailures => 'local login failures', SSOLocalThrottleHits => 'local throttle hits');
my %want = map { $_ => 0 } @events;
my $token_calls = 0;
my $token_errors = 0;

# Every counter as expected, in ?auto and in the HTML page.
sub counters_are {
    my ($when) = @_;
    my ($a, $h) = (auto(), html());
    my @bad_auto = grep { ($a->{$_} // 'missing') ne $want{$_} } @events;
    my @bad_html = grep { ($h->{$label{$_}} // 'missing') ne $want{$_} } @events;
    ok(!@bad_auto, "$when: every counter in ?auto")
        or diag(join ', ', map { "$_ = " . ($a->{$_} // 'missing') . ", want $want{$_}" } @bad_auto);
    ok(!@bad_html, "$when: every counter in the HTML page")
        or diag(join ', ', map { "$_ = " . ($h->{$label{$_}} // 'missing') . ", want $want{$_}" } @bad_html);
    is(($a->{SSOProviderTokenCalls} // -1) . '/' . ($a->{SSOProviderTokenErrors} // -1),
       "$token_calls/$token_errors", "$when: token endpoint calls and errors in ?auto");
    is(join('/', @{ $h->{__calls}{Token} // [-1, -1] }[0, 1]), "$token_calls/$token_errors",
       "$when: and in the HTML page");
    return ($a, $h);
}

sub sso_login { my ($user) = @_; my ($ua, @seen) = login(user => $user, url => $srv->url('/protected/')); return $seen[-1] }

# ---- a fresh server: the section is there, every counter at 0 ----
my ($a, $h) = counters_are('at start');
is($a->{SSOIssuer}, $ENV{SSO_TEST_OP_URL}, '?auto names the provider\'s issuer');
is($h->{issuer}, $ENV{SSO_TEST_OP_URL}, 'and so does the page');
is($a->{SSOCacheType}, 'SHMCB', 'the session cache\'s own figures (shmcb) are there');
is($a->{SSOSessions}, 0, 'no session in the cache yet');
is($a->{SSOCacheEvictions}, 0, 'no eviction');
is($a->{SSODiscoveryFetched}, 0, 'discovery not fetched yet');

# ---- SSO logins and refusals ----
my $res = sso_login('alice');
like($res->content, qr/PROTECTED-CONTENT/, 'alice signs in');
$want{SSOLogins}++; $token_calls++;
$res = sso_login('erin');
is($res->code, 403, 'erin (no mapped group) refused');
$want{SSOLoginsRefusedNoMappedGroup}++; $token_calls++;
$res = new_browser()->get($srv->url('/sso/callback?state=' . ('A' x 43) . '&code=x'));
is($res->code, 400, 'a callback with an unknown state refused');
$want{SSOLoginsRefusedStateUnknown}++;
my ($ua, $cb) = login_until_callback(user => 'bob', url => $srv->url('/protected/'));
my $state = { $cb->query_form }->{state};
$cb->query_form(state => $state, error => 'access_denied');
$res = $ua->get($cb);
is($res->code, 502, 'the provider\'s error in the callback refused');
$want{SSOLoginsRefusedProviderError}++;
($a, $h) = counters_are('after SSO logins and refusals');
cmp_ok($a->{SSOSessions}, '>=', 1, 'alice\'s session is in the cache');
cmp_ok($a->{SSOProviderDiscoveryCalls}, '>=', 1, 'discovery was fetched');
cmp_ok($a->{SSOProviderJWKSCalls}, '>=', 1, 'and the keys');
is($a->{SSOProviderDiscoveryErrors} + $a->{SSOProviderJWKSErrors}, 0, 'without errors');
cmp_ok($a->{SSODiscoveryFetched}, '>', time - 300, 'discovery fetch time is recent');
cmp_ok($a->{SSOJWKSFetched}, '>', time - 300, 'keys fetch time is recent');
cmp_ok($a->{SSOProviderTokenMaxMs}, '>=', $a->{SSOProviderTokenMedianMs}, 'token latency: max >= median');
like($h->{'discovery document last fetched'}, qr/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, 'the page shows the fetch as a date');

# Disabled: alice's account refused at her next login.
system("$cli disable alice\@example.test >/dev/null") == 0 or die "sso-users disable";
$res = sso_login('alice');
is($res->code, 403, 'alice, disabled, refused');
$want{SSOLoginsRefusedDisabled}++; $token_calls++;

# ---- local logins, failures, the throttle ----
system("echo 'admin-pass' | $cli add localadmin Administrators >/dev/null") == 0 or die "sso-users add";
my $local = new_browser();
sub local_login {
    my ($pass) = @_;
    my $form = $local->get($srv->url('/sso/login?return=/protected/'));
    my ($csrf) = $form->content =~ /name="csrf" value="([^"]+)"/;
    return $local->request(POST $srv->url('/sso/login'),
        [ username => 'localadmin', password => $pass, csrf => $csrf // '', return => '/protected/' ]);
}
is(local_login('admin-pass')->code, 303, 'local login');
$want{SSOLocalLogins}++;
is(local_login('wrong')->code, 303, 'wrong password: back to the form') for 1 .. 5;
$want{SSOLocalLoginFailures} += 5;
is(local_login('wrong')->code, 429, 'the sixth attempt is throttled');
$want{SSOLocalLoginFailures}++; $want{SSOLocalThrottleHits}++;
counters_are('after local logins');

# ---- graceful restarts: the counters stay; more refusals count on ----
$srv->lines_add('SSOAllowSignup Off');
$srv->graceful;
counters_are('after a graceful restart');
$res = sso_login('carol');
is($res->code, 403, 'carol, new, with signup off: refused');
$want{SSOLoginsRefusedSignupOff}++; $token_calls++;

$srv->lines_add('SSOClientSecret not-the-secret');
$srv->graceful;
$res = sso_login('dave');
is($res->code, 502, 'with a wrong client secret the login fails');
$want{SSOLoginsRefusedWrongSecret}++; $token_calls++; $token_errors++;
($a, $h) = counters_are('after a second graceful restart');
is($a->{SSOCountersSince}, auto()->{SSOCountersSince}, 'counting since the first start');

# ---- nothing new exposed ----
$srv->stop;
$srv->{lines} = [];
$srv->write_config;
$srv->start;
is($web->get($srv->url('/server-status'))->code, 404, 'without mod_status\'s handler there is no page');
unlike($web->get($srv->url('/sso/status'))->content, qr/SSOLogins/, '/sso/status shows no counters');
$srv->stop;
# The provider's refusal (SSO00052) and the wrong secret (SSO00053) are
# the errors this script causes; nothing else, and no child crashed.
my @errors = grep { /\[auth_sso:(error|emerg|crit)\]|AH00052|segfault/i
                    && !/SSO0005[23]:/ } split /\n/, $srv->log;
ok(!@errors, 'no other module errors and no crash in the log') or diag(join "\n", @errors);
