# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
package SSOTest;
# Drives the whole login flow with an HTTP client, as a browser would:
# protected page -> login page -> /sso/start -> provider login form ->
# /sso/callback -> back to the page. Reused by every integration test.
use strict;
use warnings;
use Exporter ();
our @ISA = ('Exporter');
use LWP::UserAgent;
use HTTP::Cookies;
use URI;
use Apache::TestRequest ();

our @EXPORT_OK = qw(new_browser login follow site_url session_cookie
                    op_url server_log_since login_until_callback log_size
                    full_tier full_tier_only log_when);

# Apache::Test's plan() sends Test::More's diagnostics to STDOUT, where
# the harness shows them only with -verbose: a failure in CI then said
# nothing of why. The caller's plan() is wrapped to send them back to
# STDERR, which the harness passes through.
my %plan_wrapped;
sub import {
    my $caller = caller;
    no strict 'refs';
    no warnings 'redefine';
    if (defined &{"${caller}::plan"} && !$plan_wrapped{$caller}++) {
        my $plan = \&{"${caller}::plan"};
        # Compiled in the caller's package: Apache::Test's plan() looks
        # at its caller's package to tell Test::More from Test.pm.
        *{"${caller}::plan"} = eval "package $caller;" . q{ sub {
            my @r = $plan->(@_);
            Test::Builder->new->failure_output(\*STDERR);
            return wantarray ? @r : $r[0];
        } } or die $@;
    }
    __PACKAGE__->export_to_level(1, @_);
}

# site_url(PATH [, VHOST]): VHOST names a SSO_TEST_PORT_<VHOST> server;
# the HTTPS* ones speak https (mod_ssl, conf/sso/vhosts.conf).
sub site_url {
    my ($path, $vhost) = @_;
    my $hostport = $vhost ? '127.0.0.1:' . $ENV{"SSO_TEST_PORT_$vhost"}
                          : Apache::TestRequest::hostport();
    my $scheme = $vhost && $vhost =~ /^HTTPS/ ? 'https' : 'http';
    return "$scheme://$hostport" . ($path // '/');
}
sub op_url   { return $ENV{SSO_TEST_OP_URL} }

# Trusts only the test CA of the run (scripts/make-test-ca), and checks
# the certificate's name.
sub new_browser {
    return LWP::UserAgent->new(max_redirect => 0, timeout => 30,
                               cookie_jar => SSOTest::Jar->new,
                               ssl_opts => { verify_hostname => 1,
                                             SSL_ca_file => "$ENV{SSO_TEST_TLS}/ca.pem" });
}

# Follows redirects from $res, filling in the provider's login form for
# $user once. Returns every response seen, the last one last.
sub follow {
    my ($ua, $res, %o) = @_;
    my @seen = ($res);
    for (1 .. 20) {
        if ($res->is_redirect) {
            my $next = URI->new_abs($res->header('Location'), $res->request->uri);
            last if $o{stop_at} && $next =~ $o{stop_at};
            $res = $ua->get($next);
        } elsif ($res->code == 200 && $res->content =~ m{action="(/interaction/[^"]+/login)"}) {
            last unless defined $o{user};
            my $action = URI->new_abs($1, $res->request->uri);
            $res = $ua->post($action, { username => $o{user},
                                        password => $o{password} // "$o{user}-pw" });
            delete $o{user};
        } elsif ($res->code == 200 && $res->content =~ m{href="([^"]*/start\?return=[^"]*)"}) {
            last unless $o{click_sso};
            (my $href = $1) =~ s/&amp;/&/g;
            $res = $ua->get(URI->new_abs($href, $res->request->uri));
            delete $o{click_sso};
        } else {
            last;
        }
        push @seen, $res;
    }
    return @seen;
}

# login(user => 'alice', path => '/protected/', vhost => 'ES') -> ($ua, @responses)
sub login {
    my (%o) = @_;
    my $ua = $o{ua} // new_browser();
    my $res = $ua->get($o{url} // site_url($o{path} // '/protected/', $o{vhost}));
    my @seen = follow($ua, $res, user => $o{user}, password => $o{password},
                      click_sso => 1, stop_at => $o{stop_at});
    return ($ua, @seen);
}

# Logs in at the provider but stops before /sso/callback: returns the
# browser and the callback URL it was sent to.
sub login_until_callback {
    my (%o) = @_;
    my ($ua, @seen) = login(%o, stop_at => qr{/sso/callback\?});
    my $loc = $seen[-1]->header('Location') // '';
    return ($ua, URI->new_abs($loc, $seen[-1]->request->uri));
}

sub session_cookie {
    my ($ua, $name) = @_;
    $name //= 'sso_session';
    my $value;
    $ua->cookie_jar->scan(sub { $value = $_[2] if $_[1] eq $name });
    return $value;
}

sub log_size { return -s Apache::Test::vars('t_logs') . '/error_log' }

# The error_log lines written since a byte offset (from log_size).
sub server_log_since {
    my ($offset) = @_;
    my $log = Apache::Test::vars('t_logs') . '/error_log';
    open my $fh, '<', $log or return '';
    seek $fh, $offset // 0, 0;
    local $/;
    return <$fh> // '';
}

# full_tier_only(WHAT): a long test (minutes of load, soak or restarts)
# runs in `make check-full` (SSO_TEST_TIER=full) only; `make check` skips
# it, saying so, to keep the fast tier short. The test is the same in both.
# full_tier(): true in make check-full, for tests that do fewer rounds of
# the same thing in make check.
sub full_tier { return ($ENV{SSO_TEST_TIER} // '') eq 'full' }
sub full_tier_only {
    my ($what) = @_;
    return if full_tier();
    require Test::More;
    Test::More::plan(skip_all => "$what: make check-full runs it (SSO_TEST_TIER=full)");
}

# log_when(FILE, QR...): FILE's text once every QR matches it, or after
# 5 s whatever it holds. CustomLog writes a request's line after the
# response has gone out: a client can read the log before it is there.
sub log_when {
    my ($file, @want) = @_;
    my $text = '';
    for (1 .. 50) {
        if (open my $fh, '<', $file) {
            local $/;
            $text = <$fh> // '';
        }
        last unless grep { $text !~ $_ } @want;
        select undef, undef, undef, 0.1;
    }
    return $text;
}

# HTTP::Cookies ignores Max-Age in Set-Cookie and keeps a removed cookie
# with an empty value; browsers delete it (RFC 6265 5.2.2, 5.3). Without
# this, every pending-login cookie the module removes would stay in the
# jar and grow the Cookie header of a browser that signs in many times.
package SSOTest::Jar;
use parent -norequire, 'HTTP::Cookies';

sub extract_cookies {
    my ($self, $res) = @_;
    $self->SUPER::extract_cookies($res);
    my $host = eval { $res->request->uri->host } // return $res;
    for my $set ($res->header('Set-Cookie')) {
        next unless $set =~ /^\s*([^=;\s]+)\s*=[^;]*;(?:[^;]*;)*?\s*max-age\s*=\s*(-?\d+)/i && $2 <= 0;
        my $name = $1;
        my @gone;
        $self->scan(sub { push @gone, [ @_[4, 3, 1] ]
                              if $_[1] eq $name && ($_[4] eq $host || $_[4] eq "$host.local") });
        $self->clear(@$_) for @gone;
    }
    return $res;
}

1;
