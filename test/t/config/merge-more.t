# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# The second release's server-wide directives merge as the first's do
# (t/config/merge.t): the main server sets each to a value that is not
# the default, one virtual host sets it back to the default (which must
# still win), another sets nothing and inherits it. Each is seen by what
# it does: SSOLocalTOTP in a local login, SSOLogoutAtProvider in a logout,
# SSOGroupRefresh in a group change at the provider, SSOSessionCacheReuse
# in the reads a shared cache answers, SSOAPITokens in a Bearer request.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST PUT);
use IO::Socket::INET;
use JSON::PP ();
use LWP::ConnCache;
use SSOTest qw(login new_browser);
use SSOServer;
use SSOStore;

plan tests => 3 * 5;

my %port = map { $_ => $ENV{"SSO_TEST_PORT_MERGE_$_"} } qw(NM NO NI);
my $redis_port = $ENV{SSO_TEST_PORT_REDIS};
my $redis = SSOStore->new(kind => 'redis', port => $redis_port)->start;
my $op_url = $ENV{SSO_TEST_OP_URL};
my $top = $ENV{SSO_TEST_TOP};

sub url { my ($v, $path) = @_; return "http://127.0.0.1:$port{$v}$path" }
sub vhost {
    my ($name, @lines) = @_;
    return ("Listen 127.0.0.1:$port{$name}", "<VirtualHost 127.0.0.1:$port{$name}>",
            "ServerName 127.0.0.1", "SSOPublicURL " . url($name, ''), @lines,
            "</VirtualHost>");
}

my $srv = SSOServer->new(port => $port{NM}, lines => [
    # The main server: none of these is the default.
    'SSOLocalTOTP Off',
    'SSOLogoutAtProvider On',
    'SSOGroupRefresh 2',
    "SSOSessionCache redis:127.0.0.1:$redis_port",
    'SSOSessionCacheReuse 0',
    'SSOAPITokens On',
    '<Location /protected/admin>', 'Require sso-group Administrators', '</Location>',
    # Each one set back to its default.
    vhost('NO', 'SSOLocalTOTP Optional', 'SSOLogoutAtProvider Off',
          'SSOGroupRefresh 0', 'SSOSessionCacheReuse 2', 'SSOAPITokens Off'),
    # Nothing of ours.
    vhost('NI'),
]);
# The main server's SSOPublicURL is its own port's: the NM "vhost" is the
# main server itself.
my $store = "sqlite3:$srv->{dir}/users.db";
system("echo 'tp-pass' | $top/sso-users -s $store add tpuser Staff >/dev/null") == 0
    or die 'sso-users add failed';
system("$top/sso-users -s $store totp tpuser enable >/dev/null 2>&1") == 0
    or die 'sso-users totp enable failed';
my $token = `$top/sso-users -s $store token tpuser add merge 2>/dev/null`;
chomp $token;
$token =~ /^[A-Za-z0-9_-]{43}$/ or die 'sso-users token add failed';
$srv->start;
my @hosts = qw(NM NO NI);

# SSOAPITokens: a Bearer token is the user where it is On; Off ignores
# the header (no session: sent to sign in).
for my $v (@hosts) {
    my $res = new_browser()->get(url($v, '/protected/'), Authorization => "Bearer $token");
    my $want = $v eq 'NO' ? 302 : 200;
    is($res->code, $want, "$v: SSOAPITokens " . ($v eq 'NO' ? 'Off (default) wins: the token is ignored'
                                                      : 'On: the token is tpuser'));
}

# SSOLocalTOTP: an enrolled account is asked for a code unless it is Off.
sub local_login_to {
    my ($v) = @_;
    my $ua = new_browser();
    my $page = $ua->get(url($v, '/sso/login?return=/protected/'));
    my ($csrf) = $page->content =~ /name="csrf" value="([^"]+)"/;
    my $res = $ua->request(POST url($v, '/sso/login'),
        [ username => 'tpuser', password => 'tp-pass', csrf => $csrf // '',
          return => '/protected/' ]);
    return ($res->header('Location') // '') =~ s/[?&]ref=[^&]*//r;
}
my %want_totp = (NM => '/protected/', NO => '/sso/login?step=code', NI => '/protected/');
is(local_login_to($_), $want_totp{$_}, "$_: SSOLocalTOTP " . ($_ eq 'NO' ? 'Optional (default) wins: code step' : 'Off: no code step'))
    for @hosts;

# SSOLogoutAtProvider: an SSO session's logout goes to the provider.
my %ua;
for my $v (@hosts) {
    my ($ua, @seen) = login(user => 'alice', url => url($v, '/protected/admin/'));
    $ua{$v} = $ua;
}
sub set_groups {
    my ($user, @groups) = @_;
    my $res = LWP::UserAgent->new(timeout => 10)->request(
        PUT "$op_url/_test/users/$user/groups", Content => JSON::PP::encode_json(\@groups));
    die 'set groups: ' . $res->status_line unless $res->is_success;
}

# SSOGroupRefresh: alice loses technitium_admins at the provider.
my %before = map { $_ => $ua{$_}->get(url($_, '/protected/admin/'))->code } @hosts;
set_groups('alice', 'technitium_dns_admins');
sleep 3;
my %after = map { $_ => $ua{$_}->get(url($_, '/protected/admin/'))->code } @hosts;
set_groups('alice', 'technitium_admins');
my %want_refresh = (NM => 403, NO => 200, NI => 403);
is("$before{$_} $after{$_}", "200 $want_refresh{$_}",
   "$_: SSOGroupRefresh " . ($_ eq 'NO' ? '0 (default) wins: groups kept' : '2: groups re-read, Administrators gone'))
    for @hosts;

# SSOSessionCacheReuse: 20 requests on one connection read the shared
# cache 20 times with 0, once with 2 (one child serves a connection).
sub cache_gets {
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$redis_port") or die "connect: $!";
    print $s "INFO commandstats\r\n";
    my ($len) = <$s> =~ /^\$(\d+)/ or die 'INFO';
    read($s, my $body, $len + 2);
    return $body =~ /^cmdstat_get:calls=(\d+)/m ? $1 : 0;
}
for my $v (@hosts) {
    my $ua = $ua{$v};
    $ua->conn_cache(LWP::ConnCache->new);
    $ua->get(url($v, '/protected/'));
    my $g0 = cache_gets();
    my $ok = grep { $ua->get(url($v, '/protected/'))->code == 200 } 1 .. 20;
    my $reads = cache_gets() - $g0;
    my $bound = $v eq 'NO' ? 2 : 20;
    ok($ok == 20 && ($v eq 'NO' ? $reads <= $bound : $reads >= $bound),
       "$v: SSOSessionCacheReuse " . ($v eq 'NO' ? '2 (default) wins' : '0')
       . ": $ok/20 served, $reads cache reads");
}

# Last, as it ends the sessions: the logout's destination.
for my $v (@hosts) {
    my $res = $ua{$v}->request(POST url($v, '/sso/logout'), Origin => url($v, ''));
    my $to = $res->header('Location') // '';
    if ($v eq 'NO') {
        is($to, '/sso/login?logged_out=1', "$v: SSOLogoutAtProvider Off (default) wins: a local logout");
    }
    else {
        like($to, qr{^\Q$op_url\E/api/oidc/end-session\?}, "$v: SSOLogoutAtProvider On: to the provider");
    }
}
$srv->stop;
