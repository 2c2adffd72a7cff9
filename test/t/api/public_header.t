# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# include/mod_auth_sso.h: another module (test/mod/mod_sso_reader.c, loaded
# by conf/extra.conf.in) reads the request's identity through the optional
# function mod_auth_sso_identity, and copes when mod_auth_sso is absent.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login site_url new_browser);
use SSOServer;
use HTTP::Request::Common qw(POST);
use File::Temp qw(tempdir);

plan tests => 21;

sub fields {
    my ($text) = @_;
    return { map { /^([a-z-]+): (.*)$/ ? ($1 => $2) : () } split /\n/, $text };
}

# SSO login: dave is in two mapped groups.
my ($ua) = login(user => 'dave');
my $res = $ua->get(site_url('/protected/reader'));
is($res->code, 200, 'SSO session: the reader handler answers');
my $id = fields($res->content);
is($id->{version}, 1, 'identity version 1');
is($id->{'size-ok'}, 'yes', 'size covers the whole struct');
is($id->{user}, $id->{'remote-user'}, 'user is r->user');
is($id->{user}, 'dave@example.test', 'user is the local account (from the email claim)');
is(join('|', sort split /\|/, $id->{groups}), 'DHCP Administrators|DNS Administrators',
   'groups: the mapped local groups');
is($id->{email}, 'dave@example.test', 'email');
is($id->{name}, 'Dave Both', 'name');
is($id->{method}, 'sso', 'method sso');

# The same module on a page without AuthType sso: no identity, even with
# a session cookie.
$res = $ua->get(site_url('/public/reader'));
is($res->code, 200, 'unprotected page: the reader handler answers');
is($res->content, "identity: none\n", 'no identity where mod_auth_sso did not authenticate');
is(new_browser()->get(site_url('/public/reader'))->content, "identity: none\n",
   'no identity without a session');

# Local login.
my $store = "sqlite3:$ENV{SSO_TEST_OUT}/users-main.db";
system("echo 'reader-pass' | $ENV{SSO_TEST_TOP}/sso-users -s $store add readerlocal Administrators >/dev/null") == 0
    or die "sso-users add failed";
my $lua = new_browser();
my ($csrf) = $lua->get(site_url('/sso/login?return=/protected/reader'))->content
             =~ /name="csrf" value="([^"]+)"/;
$res = $lua->request(POST site_url('/sso/login'),
    [ username => 'readerlocal', password => 'reader-pass', csrf => $csrf,
      return => '/protected/reader' ]);
is($res->code, 303, 'local login accepted');
$id = fields($lua->get(site_url('/protected/reader'))->content);
is($id->{user}, 'readerlocal', 'local: user');
is($id->{groups}, 'Administrators', 'local: groups');
is($id->{method}, 'local', 'local: method local');
is($id->{email}, '(none)', 'local: no email');

# Without mod_auth_sso loaded: the optional function is absent, and the
# module that looks for it still starts and serves.
my $port = $ENV{SSO_TEST_PORT_READER_BARE};
my $dir = tempdir("sso-reader-XXXXXX", TMPDIR => 1, CLEANUP => 1);
my $md = $ENV{SSO_TEST_MODDIR};
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh join "\n",
    "ServerRoot $dir", "DefaultRuntimeDir $dir", "PidFile $dir/httpd.pid",
    "ErrorLog $dir/error_log", "LogLevel info",
    "LoadModule mpm_event_module $md/mod_mpm_event.so",
    "LoadModule authz_core_module $md/mod_authz_core.so",
    "LoadModule sso_reader_module $ENV{SSO_TEST_READER_MODULE}",
    "Listen 127.0.0.1:$port", "ServerName 127.0.0.1:$port",
    "DocumentRoot $dir", "<Location /reader>", "SetHandler sso-reader", "</Location>", "";
close $fh;
ok(system($ENV{SSO_TEST_HTTPD}, '-f', "$dir/httpd.conf", '-k', 'start') == 0,
   'httpd with the reader and without mod_auth_sso starts');
my $bare = SSOServer->new(port => $port);   # only for wait_port/stop on $dir
$bare->{dir} = $dir;
$bare->wait_port;
$res = new_browser()->get("http://127.0.0.1:$port/reader");
is($res->code, 200, 'without mod_auth_sso: the reader answers');
is($res->content, "optional-fn: absent\n", 'and finds no optional function');
my $pid = $bare->pid or die "no pid file in $dir";
$bare->stop;
ok(!kill(0, $pid), 'that httpd is stopped');
