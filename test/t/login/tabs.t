# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Several tabs of one browser signing in at once (issue 19): each pending
# login has its own cookie, so each tab lands on its own page, in either
# order; at most 8 pending logins per browser, the oldest dropped; a
# callback that cannot sign in any more, in a browser that is signed in,
# lands on its own page instead of an error.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(follow site_url session_cookie new_browser server_log_since log_size);
use HTTP::Request;
use URI;

plan tests => 2 * 5 + 9 + 2 + 8 + 1 + 5 + 2 + 4;

# A tab: /sso/start for its own page, up to the provider's login form.
sub start_tab {
    my ($b, $page) = @_;
    my $u = URI->new(site_url('/sso/start'));
    $u->query_form(return => $page);
    my @seen = follow($b, $b->get($u));
    die "no login form for $page: " . join(' ', map { $_->code } @seen)
        unless $seen[-1]->content =~ /interaction/;
    return $seen[-1];
}
# The user signs in at the provider in that tab; the tab follows on.
sub finish_tab {
    my ($b, $form, $user) = @_;
    return follow($b, $form, user => $user // 'alice');
}
sub landed_on {
    my ($page, @seen) = @_;
    my $last = $seen[-1];
    return $last->code == 200 && $last->request->uri->path_query eq $page
        && $last->content =~ /PROTECTED-CONTENT/;
}
sub callback_of { my ($cb) = grep { $_->request->uri->path eq '/sso/callback' } @_; $cb }
sub pending_cookies {
    my ($b) = @_;
    my @n;
    $b->cookie_jar->scan(sub { push @n, $_[1] if $_[1] =~ /^sso_session_login_/ && length $_[2] });
    return @n;
}

# ---- two tabs, both orders ----
for my $order ([1, 2], [2, 1]) {
    my $b = new_browser();
    my %form;
    for my $tab (1, 2) { $form{$tab} = start_tab($b, "/protected/?tab=$tab") }
    is(scalar(pending_cookies($b)), 2, "tabs finished @$order: two pending-login cookies");
    my %seen;
    for my $tab (@$order) { $seen{$tab} = [ finish_tab($b, $form{$tab}) ] }
    for my $tab (@$order) {
        ok(landed_on("/protected/?tab=$tab", @{ $seen{$tab} }),
           "tabs finished @$order: tab $tab lands on its own page")
            or diag(join ' ', map { $_->code . ' ' . $_->request->uri->path } @{ $seen{$tab} });
    }
    ok(session_cookie($b), "tabs finished @$order: signed in");
    is(scalar(pending_cookies($b)), 0, "tabs finished @$order: no pending-login cookie left");
}

# ---- nine pending logins in one browser ----
my $b = new_browser();
my @form;
my $max_cookie_header = 0;
my $site_port = URI->new(site_url('/'))->port;
$b->add_handler(request_send => sub {
    my $len = length($_[0]->header('Cookie') // '');
    $max_cookie_header = $len if $_[0]->uri->port == $site_port && $len > $max_cookie_header;
    return;
});
for my $n (1 .. 9) {
    push @form, start_tab($b, "/protected/?n=$n");
    is(scalar(pending_cookies($b)), $n < 8 ? $n : 8, "start $n: " . ($n < 8 ? $n : 8) . ' pending-login cookies');
}
# The first is dropped: refused, even though it was started here.
my $mark = log_size();
my @seen = finish_tab($b, $form[0]);
my $cb = callback_of(@seen);
ok($cb && $cb->code == 400 && !session_cookie($b), 'login 1 of 9: dropped, its callback refused, no session')
    or diag(join ' ', map { $_->code . ' ' . $_->request->uri->path } @seen);
like(server_log_since($mark), qr/login callback refused: no login cookie for this state: .*dropped for newer ones/,
     'login 1 of 9: the log says it may have been dropped');
for my $n (2 .. 9) {
    @seen = finish_tab($b, $form[$n - 1]);
    ok(landed_on("/protected/?n=$n", @seen), "login $n of 9 completes on its own page")
        or diag(join ' ', map { $_->code . ' ' . $_->request->uri->path } @seen);
}
diag("nine pending logins: the largest Cookie header sent to this site was $max_cookie_header bytes");
ok($max_cookie_header > 0 && $max_cookie_header < 1024,
   "the Cookie header stays small with 8 pending logins ($max_cookie_header bytes < 1024)");

# ---- a callback that cannot sign in, in a signed-in browser ----
$b = new_browser();
@seen = finish_tab($b, start_tab($b, '/protected/?back=1'));
$cb = callback_of(@seen);
ok(landed_on('/protected/?back=1', @seen), 'a login for the back-button case');
my $sid = session_cookie($b);
# The back button: the used callback URL again, same browser.
$mark = log_size();
my $again = $b->get($cb->request->uri);
is($again->code . ' ' . ($again->header('Location') // ''), '302 /protected/?back=1',
   'the used callback again, signed in: back to its own page');
ok(!grep({ /^sso_session=[^;]/ } $again->header('Set-Cookie')) && session_cookie($b) eq $sid,
   'the used callback again: no new session');
like(server_log_since($mark), qr/login callback not used \(state was already used\): alice\@example\.test is already signed in, sent to \/protected\/\?back=1/,
     'the used callback again: logged (info)');
# An unknown state, signed in: to /.
my $u = URI->new(site_url('/sso/callback'));
$u->query_form(state => 'A' x 43, code => 'x');
$again = $b->get($u);
is($again->code . ' ' . ($again->header('Location') // ''), '302 /',
   'an unknown state, signed in: to /');

# The same used callback in a browser that is not signed in: refused.
my $req = HTTP::Request->new(GET => $cb->request->uri);
my $res = new_browser()->request($req);
is($res->code, 400, 'the used callback in a browser without a session: refused');
$res = new_browser()->get($u);
is($res->code, 400, 'an unknown state without a session: refused');

# No fixation: bob, signed in, opens alice's callback URL (a login she
# started in her browser). He lands on her page as himself; her login is
# not spent, and finishes in her browser.
my $alice = new_browser();
my @alice_seen = follow($alice, $alice->get(site_url('/sso/start?return=/protected/env.cgi')),
                        user => 'alice', stop_at => qr{/sso/callback\?});
my $alice_cb = URI->new_abs($alice_seen[-1]->header('Location'), $alice_seen[-1]->request->uri);
my $bob = new_browser();
@seen = finish_tab($bob, start_tab($bob, '/protected/'), 'bob');
my $bob_sid = session_cookie($bob);
$res = $bob->get($alice_cb);
ok($res->code == 302 && session_cookie($bob) eq $bob_sid
   && !grep({ /^sso_session=[^;]/ } $res->header('Set-Cookie')),
   "alice's callback in bob's signed-in browser: a redirect, bob's session unchanged");
like($bob->get(site_url('/protected/env.cgi'))->content, qr/^REMOTE_USER=bob\@example\.test$/m,
     'bob is still bob');
@alice_seen = follow($alice, $alice->get($alice_cb));
like($alice_seen[-1]->content, qr/^REMOTE_USER=alice\@example\.test$/m,
     'alice finishes her own login in her browser afterwards');
ok(session_cookie($alice) ne $bob_sid, 'alice and bob have different sessions');
