# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A provider that misbehaves on purpose (test/op/hostile/server.js): every
# forged, broken or abusive answer ends in the module's error page, no
# session, no protected content, and one log line naming the cause; the
# well-formed variants log in. The HOSTILE virtual host has SSOHTTPTimeout 2 4.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login session_cookie site_url follow server_log_since log_size);
use JSON::PP qw(encode_json decode_json);
use LWP::UserAgent;
use Time::HiRes qw(time);
use URI;

my $OP = $ENV{SSO_TEST_HOSTILE_URL} or die 'SSO_TEST_HOSTILE_URL is not set';
my $ctl = LWP::UserAgent->new(timeout => 10);
my $log_start = log_size();

# name, status of the error page, what the error log must say.
my @refuse = (
    [ 'alg-none',              502, qr/ID token refused \(SSO_JWT_BAD_ALG\): ID token alg 'none' is not allowed/ ],
    [ 'bad-signature',         502, qr/ID token refused \(SSO_JWT_BAD_SIGNATURE\): .*key 'rsa-1'/ ],
    [ 'other-key-same-kid',    502, qr/ID token refused \(SSO_JWT_BAD_SIGNATURE\): .*key 'rsa-1'/ ],
    [ 'hs256-with-public-key', 502, qr/ID token refused \(SSO_JWT_BAD_ALG\): ID token alg HS256 \(shared secret\) is not enabled/ ],
    # OpenID Connect Core §10.1: with several keys in the JWKS, the kid is
    # required; a token without one is refused, whichever key signed it.
    [ 'no-kid-several-keys',   502, qr/ID token refused \(SSO_JWT_\w+\): .*kid/ ],
    [ 'iss-wrong',             502, qr/ID token refused \(SSO_JWT_BAD_ISS\): ID token issuer 'https:\/\/evil\.example' differs from SSOAuthority/ ],
    [ 'iss-missing',           502, qr/ID token refused \(SSO_JWT_BAD_ISS\): ID token has no issuer/ ],
    [ 'aud-wrong',             502, qr/ID token refused \(SSO_JWT_BAD_AUD\): ID token audience 'some-other-client' is not SSOClientID/ ],
    [ 'aud-missing',           502, qr/ID token refused \(SSO_JWT_BAD_AUD\): ID token has no audience/ ],
    [ 'aud-extra-untrusted',   502, qr/ID token refused \(SSO_JWT_BAD_AUD\): ID token audience 'untrusted-rp' is not SSOClientID/ ],
    [ 'azp-mismatch',          502, qr/ID token refused \(SSO_JWT_BAD_AZP\): .*'some-other-client'/ ],
    [ 'exp-past',              502, qr/ID token refused \(SSO_JWT_EXPIRED\): ID token expired \d+ s ago/ ],
    [ 'exp-missing',           502, qr/ID token refused \(SSO_JWT_EXPIRED\): ID token has no valid expiry time/ ],
    [ 'iat-missing',           502, qr/ID token refused \(SSO_JWT_BAD_IAT\): ID token has no valid issue time/ ],
    [ 'iat-future-day',        502, qr/ID token refused \(SSO_JWT_BAD_IAT\): ID token issued \d+ s in the future/ ],
    [ 'sub-missing',           502, qr/ID token refused \(SSO_JWT_NO_SUB\)/ ],
    [ 'nonce-wrong',           502, qr/ID token refused \(SSO_JWT_BAD_NONCE\): ID token nonce differs/ ],
    [ 'nonce-missing',         502, qr/ID token refused \(SSO_JWT_BAD_NONCE\): ID token has no nonce/ ],
    [ 'at-hash-wrong',         502, qr/ID token refused \(SSO_JWT_BAD_AT_HASH\)/ ],
    [ 'userinfo-sub-differs',  502, qr/userinfo refused: userinfo sub differs from the ID token's/ ],
    [ 'groups-number',         403, qr/the groups claim is neither an array nor a string.*\n.*login refused for sub hostile-sub-0001 .*in no group of SSOGroupMap/ ],
    [ 'groups-object',         403, qr/the groups claim is neither an array nor a string.*\n.*login refused for sub hostile-sub-0001 .*in no group of SSOGroupMap/ ],
    [ 'token-invalid-client',  502, qr/token request to \S+ failed: the client secret \(or client ID\) was rejected by the provider: check SSOClientSecret/ ],
    [ 'token-slow',            503, qr/cannot reach the token endpoint: POST \S+ failed: .*(?i:timed out|timeout)/ ],
    [ 'token-50mib',           503, qr/cannot reach the token endpoint: POST \S+: response larger than \d+ bytes/ ],
    [ 'token-50mib',           503, qr/cannot reach the token endpoint: POST \S+: response larger than \d+ bytes/,
      { contentLength => JSON::PP::true } ],
    [ 'token-invalid-json',    502, qr/token request to \S+ failed: token endpoint returned invalid JSON \(HTTP 200\)/ ],
    [ 'discovery-issuer-mismatch', 502, qr/discovery issuer 'https:\/\/evil\.example' differs from SSOAuthority '\Q$OP\E'/ ],
);
my @accept = qw(good-rs256 good-es256 good-eddsa aud-array-with-azp
                no-kid-single-key jwks-malformed-plus-good groups-numbers-objects
                groups-string);

# 4 a case; token-slow +2, token-50mib +1 each and memory +2, two accepted
# cases +1 each, rotate 4, groups-10000 2 x 4, the closing checks 2.
plan tests => 4 * @refuse + 2 + 2 + 2 + 4 * @accept + 2 + 4 + 2 * 4 + 3 + 2;

my ($logins, $discovery_fresh) = (0, 0);

sub scenario {
    my ($name, %extra) = @_;
    my $res = $ctl->put("$OP/_test/scenario", 'Content-Type' => 'application/json',
                        Content => encode_json({ name => $name, %extra }));
    die "cannot set scenario $name: " . $res->status_line . ' ' . $res->content
        unless $res->is_success;
    return decode_json($res->content);
}

sub op_requests { return @{ decode_json($ctl->get("$OP/_test/requests")->content) } }

# One login on the HOSTILE virtual host under a scenario (keep => 1: the
# scenario already set stays, with its state). Returns what happened.
sub run_login {
    my ($name, %o) = @_;
    my $sc = $o{keep} ? decode_json($ctl->get("$OP/_test/scenario")->content)
                      : scenario($name, %{ $o{extra} // {} });
    my $seen_before = () = op_requests();
    my $mark = log_size();
    my ($ua, @seen) = login(vhost => 'HOSTILE', stop_at => qr{/sso/callback\?});
    my %r = (ua => $ua, scenario => $sc);
    my $loc = $seen[-1]->header('Location') // '';
    if ($seen[-1]->is_redirect && $loc =~ m{/sso/callback\?}) {
        my $t0 = time;
        my $cb = $ua->get(URI->new_abs($loc, $seen[-1]->request->uri));
        $r{elapsed} = time - $t0;
        $r{callback} = $cb;
        push @seen, follow($ua, $cb);
    }
    $r{seen} = \@seen;
    $r{last} = $seen[-1];
    $r{log} = server_log_since($mark);
    my @op = op_requests();
    $r{op} = [ @op[$seen_before .. $#op] ];
    $logins++;
    $discovery_fresh++ if grep { $_->{path} eq '/.well-known/openid-configuration' } @{ $r{op} };
    return \%r;
}

sub module_page {
    my ($res) = @_;
    return $res->code >= 400 && ($res->header('Content-Type') // '') =~ m{^text/html}
        && $res->content =~ m{^<!doctype html><html lang="en">.*<main><h1>[^<]+</h1><p>}s;
}
sub module_log { return join "\n", grep { /\[auth_sso:(?!trace|debug)/ } split /\n/, $_[0]{log} }
sub content_seen { return grep { $_->content =~ /PROTECTED-CONTENT/ } @{ $_[0]{seen} } }
sub flow_summary {
    my ($r) = @_;
    return join "\n", map { $_->request->method . ' ' . $_->request->uri . ' -> ' . $_->code } @{ $r->{seen} };
}

# Resident memory (VmRSS) and its peak (VmHWM) of httpd's children, by pid.
sub child_mem {
    my $pidfile = Apache::Test::vars('t_logs') . '/httpd.pid';
    open my $fh, '<', $pidfile or return {};
    chomp(my $parent = <$fh> // '');
    my %rss;
    for my $pid (split ' ', `pgrep -P $parent`) {
        open my $st, '<', "/proc/$pid/status" or next;
        while (<$st>) { $rss{$pid}{$1} = $2 if /^(VmRSS|VmHWM):\s+(\d+)\s+kB/ }
    }
    return \%rss;
}

# ---- refused ----
my ($mem_before, $mem_after);
for my $case (@refuse) {
    my ($name, $status, $log_re, $extra) = @$case;
    my $label = $name . ($extra ? ' ' . encode_json($extra) : '');
    $mem_before //= child_mem() if $name eq 'token-50mib';
    my $r = run_login($name, extra => $extra);
    $mem_after = child_mem() if $name eq 'token-50mib';
    my $last = $r->{last};
    ok($last->code == $status && module_page($last), "$label: the module's error page, HTTP $status")
        or diag("got " . $last->code . "\n" . flow_summary($r) . "\n" . substr($last->content, 0, 600));
    ok(!session_cookie($r->{ua}), "$label: no session cookie");
    ok(!content_seen($r), "$label: the protected content never appears")
        or diag(flow_summary($r));
    ok($r->{log} =~ $log_re, "$label: the error log names the cause")
        or diag("wanted $log_re; the module logged:\n" . module_log($r));
    if ($name eq 'token-50mib') {
        my ($tok) = grep { $_->{path} eq '/token' } @{ $r->{op} };
        ok($tok && $tok->{status} eq 'aborted' && $tok->{bodyBytesWritten} < 50 * 1024 * 1024,
           sprintf('%s: the module hung up after %.1f of 50 MiB', $label,
                   ($tok->{bodyBytesWritten} // 0) / 1024 / 1024))
            or diag(encode_json($tok // {}));
    }
    if ($name eq 'token-slow') {
        ok(defined $r->{elapsed} && $r->{elapsed} <= 4 + 3,
           sprintf('token-slow: the callback answered within SSOHTTPTimeout + 3 s (%.1f s)', $r->{elapsed} // -1));
        ok(defined $r->{elapsed} && $r->{elapsed} >= 3.5, 'token-slow: it was the 4 s total timeout that ended it');
    }
}
# Both 50 MiB answers: the children's memory, now and at its peak, grew by
# far less than the body (the module stops reading at its size limit).
my @common = grep { exists $mem_after->{$_} } keys %$mem_before;
my %growth = (VmRSS => 0, VmHWM => 0);
for my $pid (@common) {
    $growth{$_} += $mem_after->{$pid}{$_} - $mem_before->{$pid}{$_} for keys %growth;
}
ok(@common && $growth{VmRSS} < 20 * 1024,
   sprintf('50 MiB token responses: httpd children VmRSS grew by %.1f MiB (< 20)', $growth{VmRSS} / 1024))
    or diag('children before: ' . join(' ', sort keys %$mem_before) . ', after: ' . join(' ', sort keys %$mem_after));
ok(@common && $growth{VmHWM} < 20 * 1024,
   sprintf('50 MiB token responses: their peak (VmHWM) grew by %.1f MiB (< 20)', $growth{VmHWM} / 1024));

# ---- accepted ----
for my $name (@accept) {
    my $r = run_login($name);
    my $last = $r->{last};
    ok($last->code == 200 && $last->content =~ /PROTECTED-CONTENT/, "$name: login succeeds, page served")
        or diag(flow_summary($r) . "\n" . module_log($r));
    ok(session_cookie($r->{ua}), "$name: session cookie set");
    my $env = $r->{ua}->get(site_url('/protected/env.cgi', 'HOSTILE'))->content;
    like($env, qr/^SSO_USER=mallory\@hostile\.test$/m, "$name: SSO_USER is the provider's user");
    if ($name eq 'groups-numbers-objects') {
        like($env, qr/^SSO_GROUPS=DNS Administrators$/m,
             "$name: only the plain string counts; numbers, objects, arrays are not groups");
        like($r->{log}, qr/the groups claim has 6 entries that are not strings; they were ignored/,
             "$name: the ignored entries are logged");
    } elsif ($name eq 'jwks-malformed-plus-good') {
        like($env, qr/^SSO_GROUPS=Administrators$/m, "$name: groups mapped");
        like($r->{log}, qr/provider key skipped: JWKS key #0 \(kid 'broken-1'\): 'n' is not base64url/,
             "$name: the malformed key is skipped with a warning");
    } else {
        like($env, qr/^SSO_GROUPS=Administrators$/m, "$name: groups mapped");
    }
}

# Key rotation: the first login caches the JWKS {rsa-1}; the next token is
# signed with a new kid, which one refetch finds.
my $r1 = run_login('rotate');
my $r2 = run_login('rotate', keep => 1);
my $jwks_path = URI->new($r1->{scenario}{jwks_uri})->path;
my $fetches = grep { $_->{path} eq $jwks_path } @{ $r1->{op} }, @{ $r2->{op} };
is($r1->{last}->code, 200, 'rotate: first login (rsa-1) succeeds');
ok($r2->{last}->code == 200 && $r2->{last}->content =~ /PROTECTED-CONTENT/,
   'rotate: login with the new kid succeeds')
    or diag(flow_summary($r2) . "\n" . module_log($r2));
is($fetches, 2, 'rotate: the JWKS was fetched once, then refetched once for the new kid');
ok(session_cookie($r2->{ua}), 'rotate: session cookie set');

# 10,000 groups, in the ID token (beyond its size limit) and in userinfo:
# accepted or refused, but a plain answer in bounded time.
for my $where (qw(id_token userinfo)) {
    my $r = run_login('groups-10000', extra => { where => $where });
    my $last = $r->{last};
    my $accepted = $last->code == 200 && $last->content =~ /PROTECTED-CONTENT/;
    diag("groups-10000 in $where: " . ($accepted ? 'accepted' : 'refused with HTTP ' . $last->code));
    ok($accepted || (module_page($last) && !session_cookie($r->{ua}) && !content_seen($r)),
       "groups-10000 in $where: either logged in or a plain refusal")
        or diag(flow_summary($r));
    ok(defined $r->{elapsed} && $r->{elapsed} < 10,
       sprintf("groups-10000 in $where: the callback took %.2f s (< 10)", $r->{elapsed} // -1));
    if ($where eq 'id_token') {
        like($r->{log}, qr/ID token refused \(SSO_JWT_MALFORMED\): ID token is longer than \d+ bytes/,
             'groups-10000 in the ID token: refused as too long, and logged');
    } else {
        my $env = $r->{ua}->get(site_url('/protected/env.cgi', 'HOSTILE'))->content;
        like($env, qr/^SSO_GROUPS=Administrators$/m, 'groups-10000 in userinfo: the one mapped group found');
    }
    my $after = run_login('good-rs256');
    is($after->{last}->code, 200, "groups-10000 in $where: the server still logs in the next user");
}

# Identity values with control characters are never passed on: the
# application sees no SSO_NAME, and the log says why.
{
    my $r = run_login('good-rs256', extra => { claims => { name => "Mallory\r\nX-Injected: 1" } });
    is($r->{last}->code, 200, 'a name with CR/LF: the login itself succeeds');
    my $mark = log_size();
    my $env = $r->{ua}->get(site_url('/protected/env.cgi', 'HOSTILE'))->content;
    unlike($env, qr/^SSO_NAME=|X-Injected/m, 'a name with CR/LF is not passed to the application');
    like(server_log_since($mark), qr/SSO_NAME of user \S+ holds control characters: not passed on/,
         'and the log says why');
}

# The scenarios only reach the module if it fetched each one fresh.
is($discovery_fresh, $logins, "the discovery document was fetched for every login ($logins logins)");
my $all = server_log_since($log_start);
unlike($all, qr/exit signal|Segmentation fault|AH00052/, 'no httpd child crashed');
diag(sprintf('hostile provider: %d refused cases, %d accepted cases, 2 rotation logins, 2 groups-10000 variants',
             scalar @refuse, scalar @accept));
