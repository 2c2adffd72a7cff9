# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# Attacks from the browser's side against the main test server: open
# redirects through every `return` parameter, spoofed identity headers,
# hostile cookies, and module pages, which must be the whole response and
# never reflect input unescaped.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOTest qw(login follow site_url session_cookie new_browser);
use FindBin;
use HTML::Entities qw(decode_entities);
use HTML::TokeParser;
use HTTP::Request;
use IO::Socket::INET;
use JSON::PP qw(encode_json);
use LWP::UserAgent;
use URI;
use URI::QueryParam;
use URI::Escape qw(uri_escape uri_unescape);

plan tests => 5 + 3 + 4 + 3;

my $origin = site_url('');
my ($port) = $origin =~ /:(\d+)$/;
my $op = $ENV{SSO_TEST_OP_URL};
local $SIG{PIPE} = 'IGNORE';

# ---- helpers ----

# One request over a plain socket, bytes exactly as given.
sub raw {
    my ($text, $p) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p // $port,
                                  Timeout => 15) or die "connect: $!";
    print $s $text;
    shutdown $s, 1;
    local $/;
    my $resp = <$s> // '';
    close $s;
    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    my ($code) = ($head // '') =~ m{^HTTP/1\.\d (\d{3})};
    my %h;
    for (split /\r\n/, $head // '') { push @{ $h{lc $1} }, $2 if /^([^:\s]+):\s*(.*)$/ }
    return { code => $code // 0, headers => \%h, body => $body // '', head => $head // '' };
}
sub raw_get {
    my ($path, $headers, $p, $method) = @_;
    return raw(($method // 'GET') . " $path HTTP/1.1\r\nHost: 127.0.0.1:" . ($p // $port)
               . "\r\n" . ($headers // '') . "Connection: close\r\n\r\n", $p);
}

# Why a value that the module redirects to, or links to, would take the
# browser off this origin; undef when it stays. Checked as sent and once
# %-decoded (a proxy may decode it), the way browsers read http URLs: C0
# controls and spaces trimmed, tabs and newlines dropped, \ read as /.
sub leaves_origin {
    my ($v) = @_;
    return 'no value' unless defined $v;
    return 'control characters in the value' if $v =~ /[\x00-\x1f\x7f]/;
    for my $form ($v, uri_unescape($v)) {
        (my $b = $form) =~ s/^[\x00-\x20]+|[\x00-\x20]+$//g;
        $b =~ s/[\t\n\r]//g;
        $b =~ tr{\\}{/};
        return "not a path: '$form'" unless $b =~ m{^/};
        return "scheme-relative: '$form'" if $b =~ m{^//};
        my $abs = URI->new_abs($b, "$origin/");
        return "resolves to $abs" unless $abs->scheme eq 'http' && $abs->host_port eq "127.0.0.1:$port";
    }
    return undef;
}

sub module_page { $_[0] =~ m{^<!doctype html><html lang="en">.*</html>\s*\z}s }

# ---- open redirects ----

sub load_payloads {
    my $file = "$FindBin::Bin/open-redirect-payloads.txt";
    $file = 't/hostile/open-redirect-payloads.txt' unless -f $file;
    open my $fh, '<', $file or die "$file: $!";
    my %esc = (t => "\t", n => "\n", r => "\r", 0 => "\0");
    my @p;
    while (my $line = <$fh>) {
        chomp $line;
        next if $line eq '' || $line =~ /^#/;
        $line =~ s{\\(?:(\\)|([tnr0])|x([0-9A-Fa-f]{2})|u\{([0-9A-Fa-f]+)\})}{
            defined $1 ? '\\' : defined $2 ? $esc{$2} : defined $3 ? chr(hex $3)
            : do { my $c = chr(hex $4); utf8::encode($c); $c } }ge;
        push @p, $line;
    }
    return @p;
}
my @payloads = (load_payloads(), '/' . ('a' x 5000), '//evil.example/' . ('a' x 5000));
# Every payload fully encoded, and "raw": only what would end the parameter
# or the request line is encoded, so %-escapes reach the module's decoder.
my @sent;
for my $p (@payloads) {
    (my $raw = $p) =~ s/([\x00-\x20&#+\x7f-\xff])/sprintf('%%%02X', ord $1)/ge;
    push @sent, [ $p, uri_escape($p, '^A-Za-z0-9\-._~'), 'encoded' ], [ $p, $raw, 'raw' ];
}
sub show { my $s = shift; $s =~ s/([^\x21-\x7e])/sprintf('\\x%02X', ord $1)/ge; length $s > 80 ? substr($s, 0, 80) . '...' : $s }

my %bad;
my %count;    # group -> outcome -> n
sub verdict {
    my ($group, $case, $why, $outcome) = @_;
    $count{$group}{$outcome // 'checked'}++;
    push @{ $bad{$group} }, sprintf('%s (%s): %s', show($case->[0]), $case->[2], $why) if defined $why;
}
sub injected {
    my ($res) = @_;
    return 'an injected header' if defined $res->header('X-Injected')
        || grep { /attacker/ } $res->header('Set-Cookie');
    return undef;
}

my $ua = new_browser();
for my $c (@sent) {
    # /sso/login: the start link in the page.
    my $res = $ua->get("$origin/sso/login?return=$c->[1]");
    my $why;
    if ($res->code == 400 && module_page($res->content)) {
        $why = undef;    # a malformed query: no page, no link
    } elsif ($res->code != 200) {
        $why = 'HTTP ' . $res->code;
    } else {
        my @hrefs = map { decode_entities($_) } $res->content =~ /href="([^"]*)"/g;
        $why = 'no start link' unless @hrefs;
        for my $h (@hrefs) {
            if ($h !~ m{^/sso/start\?return=([^&#"]*)$}) { $why = "link '$h'"; last }
            (my $v = $1) =~ tr/+/ /;
            $why = leaves_origin(uri_unescape($v)) and last;
        }
    }
    verdict('login', $c, $why // injected($res), $res->code == 400 ? 'malformed query, 400' : 'link checked');

    # /sso/logout, GET: the hidden return field of the confirmation form.
    $res = $ua->get("$origin/sso/logout?return=$c->[1]");
    if ($res->code == 400 && module_page($res->content)) {
        $why = undef;
    } elsif ($res->code != 200 || $res->content !~ /name="return" value="([^"]*)"/) {
        $why = 'HTTP ' . $res->code . ', no return field';
    } else {
        $why = leaves_origin(decode_entities($1));
    }
    verdict('logout-get', $c, $why // injected($res), $res->code == 400 ? 'malformed query, 400' : 'field checked');

    # /sso/logout, POST from this origin: the 303 Location, with the value
    # in the form, and in the query string.
    for my $where (qw(form query)) {
        my $req = HTTP::Request->new(POST => $where eq 'form' ? "$origin/sso/logout"
                                                              : "$origin/sso/logout?return=$c->[1]");
        $req->header(Origin => $origin, 'Content-Type' => 'application/x-www-form-urlencoded');
        $req->content($where eq 'form' ? "return=$c->[1]" : '');
        $res = $ua->request($req);
        if ($res->code == 400 && module_page($res->content)) {
            $why = undef;
        } elsif ($res->code != 303) {
            $why = 'HTTP ' . $res->code;
        } else {
            $why = leaves_origin($res->header('Location'));
        }
        verdict("logout-post-$where", $c, $why // injected($res),
                $res->code == 400 ? 'malformed query, 400' : 'Location checked');
    }
}

# /sso/start: a real login at the provider, then the callback's Location.
# Nothing off this origin or the provider is ever fetched.
my $browser = new_browser();    # keeps the provider's session: one form
my $stay = qr{^(?!\Q$origin\E/|\Q$op\E/)};
for my $c (@sent) {
    my $res = $browser->get("$origin/sso/start?return=$c->[1]");
    my ($why, $outcome) = (undef, 'malformed query, 400');
    if ($res->code == 400 && module_page($res->content)) {
        $why = undef;
    } elsif ($res->code != 302) {
        $why = 'HTTP ' . $res->code;
    } else {
        $outcome = 'logged in, Location checked';
        my @seen = follow($browser, $res, user => 'alice', stop_at => $stay);
        my ($cb) = grep { $_->request->uri =~ m{^\Q$origin\E/sso/callback\?} } @seen;
        if (!$cb || $cb->code != 302) {
            $why = 'the login did not complete: ' . join(' ', map { $_->code } @seen);
        } else {
            $why = leaves_origin($cb->header('Location')) // injected($cb);
        }
    }
    verdict('start', $c, $why, $outcome);
}

for my $group (qw(login start logout-get logout-post-form logout-post-query)) {
    my $n = @sent;
    ok(!$bad{$group}, "open redirect, $group: none of $n return values leaves the origin")
        or diag(join "\n", @{ $bad{$group} });
}
diag(sprintf('open redirects: %d payloads x 2 encodings x 5 places = %d cases',
             scalar @payloads, 5 * @sent));
for my $group (sort keys %count) {
    diag("  $group: " . join(', ', map { "$count{$group}{$_} $_" } sort keys %{ $count{$group} }));
}

# ---- identity headers ----

my ($alice) = login(user => 'alice');
my $sid = session_cookie($alice);
my @spoof = ('X-SSO-User', 'x_sso_user', 'X-Sso-Groups', 'X_SSO_EMAIL', 'x-sso-name',
             'X-SSO-USER', 'x-sso-groups', 'X_Sso_Name', 'X-SSO_Email', 'x_sso-user',
             'X-Sso-User');
my @spoof_bad;
my $all = join '', map { "$spoof[$_]: evil-$_\r\n" } 0 .. $#spoof;
for my $set ((map { "$spoof[$_]: evil-$_\r\n" } 0 .. $#spoof), $all,
             "X-SSO-User: evil-a\r\nX-SSO-User: evil-b\r\n") {
    my $res = raw_get('/protected/env.cgi', "Cookie: sso_session=$sid\r\n$set");
    (my $label = $set) =~ s/\r\n/; /g;
    push @spoof_bad, "$label: HTTP $res->{code}" unless $res->{code} == 200;
    push @spoof_bad, "$label: reached the application:\n$res->{body}"
        if $res->{body} =~ /evil|^HTTP_X_SSO/m;
    push @spoof_bad, "$label: identity changed:\n$res->{body}"
        unless $res->{body} =~ /^SSO_USER=alice\@example\.test$/m
            && $res->{body} =~ /^SSO_GROUPS=Administrators$/m;
}
ok(!@spoof_bad, sprintf('identity headers: none of %d spoofed sets reaches the application', @spoof + 2))
    or diag(join "\n", @spoof_bad);
my $res = raw_get('/protected/env.cgi', "X-SSO-User: alice\@example.test\r\nX-SSO-Groups: Administrators\r\n");
ok($res->{code} == 302 && $res->{body} !~ /REMOTE_USER|SSO_USER/,
   'identity headers without a session: no access') or diag($res->{head});
$res = raw_get('/protected/env.cgi', "Cookie: sso_session=$sid\r\nX-SSO-User: a\r\n  evil-folded\r\n");
ok($res->{code} =~ /^(200|400)$/ && $res->{body} !~ /evil/, "a folded spoofed header: HTTP $res->{code}, not passed on");
diag(sprintf('identity headers: %d cases', @spoof + 2 + 2));

# ---- cookies ----

my @b64 = ('A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_');
sub random_id { join '', map { $b64[rand @b64] } 1 .. 43 }

# A session of the HOSTILE virtual host, which has a session cache of its own.
my $ctl = LWP::UserAgent->new(timeout => 10);
$ctl->put("$ENV{SSO_TEST_HOSTILE_URL}/_test/scenario", 'Content-Type' => 'application/json',
          Content => encode_json({ name => 'good-rs256' }));
my ($hua, @hseen) = login(vhost => 'HOSTILE');
my $hostile_sid = session_cookie($hua);
ok($hostile_sid && $hseen[-1]->code == 200, 'a session on the HOSTILE virtual host (its own cache)');

my $id = random_id();
my @cookie_cases = (
    [ '100 KiB Cookie header',          "Cookie: sso_session=" . ('A' x (100 * 1024)) . "\r\n" ],
    [ '100 KiB in 20 Cookie headers',    join('', map { "Cookie: c$_=" . ('B' x 5000) . "\r\n" } 1 .. 20) ],
    [ '500 cookies in one header',      'Cookie: ' . join('; ', map { "c$_=v$_" } 1 .. 500) . "\r\n" ],
    [ '500 Cookie headers',             join('', map { "Cookie: c$_=v$_\r\n" } 1 .. 500) ],
    [ '150 sso_session cookies',        'Cookie: ' . join('; ', map { 'sso_session=' . random_id() } 1 .. 150) . "\r\n" ],
    [ 'name only',                      "Cookie: sso_session\r\n" ],
    [ 'empty value',                    "Cookie: sso_session=\r\n" ],
    [ 'no name',                        "Cookie: =$id\r\n" ],
    [ 'double =',                       "Cookie: sso_session==$id\r\n" ],
    [ 'quoted value',                   "Cookie: sso_session=\"$id\"\r\n" ],
    [ 'only separators',                "Cookie: ;;;; ;=;=\r\n" ],
    [ 'space in the value',             "Cookie: sso_session=" . substr($id, 0, 20) . ' ' . substr($id, 20) . "\r\n" ],
    [ 'trailing junk',                  "Cookie: sso_session=$id;;garbage=\x01\r\n" ],
    [ 'two sso_session cookies',        "Cookie: sso_session=$id; sso_session=" . random_id() . "\r\n" ],
    [ 'upper-case name',                "Cookie: SSO_SESSION=$id\r\n" ],
    [ 'standard base64 alphabet',       "Cookie: sso_session=" . substr($id, 0, 40) . "+/=\r\n" ],
    [ '42 characters',                  "Cookie: sso_session=" . substr($id, 0, 42) . "\r\n" ],
    [ '44 characters',                  "Cookie: sso_session=${id}A\r\n" ],
    [ '4000 characters',                "Cookie: sso_session=" . ($id x 93) . "\r\n" ],
    [ 'NUL in the value',               "Cookie: sso_session=" . substr($id, 0, 20) . "\0" . substr($id, 21) . "\r\n" ],
    [ '%00 in the value',               "Cookie: sso_session=" . substr($id, 0, 20) . '%00' . substr($id, 23) . "\r\n" ],
    [ 'percent-encoded value',          "Cookie: sso_session=" . join('', map { sprintf '%%%02X', ord } split //, $id) . "\r\n" ],
    [ 'non-ASCII value',                "Cookie: sso_session=" . substr($id, 0, 41) . "\xC3\xA9\r\n" ],
    [ 'random well-formed ID',          "Cookie: sso_session=$id\r\n" ],
    [ "another host's session (HOSTILE -> main)", "Cookie: sso_session=$hostile_sid\r\n" ],
    [ 'valid session, percent-encoded', "Cookie: sso_session=" . join('', map { sprintf '%%%02X', ord } split //, $sid) . "\r\n" ],
    [ 'valid session + 1 char',         "Cookie: sso_session=${sid}A\r\n" ],
);
my @cookie_bad;
for my $case (@cookie_cases) {
    my ($label, $hdr) = @$case;
    for my $path ('/protected/', '/protected/env.cgi') {
        my $r = raw_get($path, $hdr);
        push @cookie_bad, "$label, $path: HTTP $r->{code}"
            if $r->{code} == 0 || $r->{code} >= 500 || $r->{code} == 200;
        push @cookie_bad, "$label, $path: protected content"
            if $r->{body} =~ /PROTECTED-CONTENT|REMOTE_USER=/;
    }
}
# And the main server's session on the HOSTILE host.
my $r = raw_get('/protected/', "Cookie: sso_session=$sid\r\n", $ENV{SSO_TEST_PORT_HOSTILE});
push @cookie_bad, "main's session on HOSTILE: HTTP $r->{code}" unless $r->{code} == 302;
push @cookie_bad, "main's session on HOSTILE: protected content" if $r->{body} =~ /PROTECTED-CONTENT/;
ok(!@cookie_bad, sprintf('cookies: %d hostile cookie headers on 2 URLs, no 5xx, no content',
                         @cookie_cases + 1)) or diag(join "\n", @cookie_bad);
# The real session survives being surrounded by junk cookies.
$r = raw_get('/protected/', 'Cookie: ' . join('; ', (map { "c$_=v$_" } 1 .. 250), "sso_session=$sid",
                                               (map { "d$_=v$_" } 1 .. 249)) . "\r\n");
ok($r->{code} == 200 && $r->{body} =~ /PROTECTED-CONTENT/, "a valid session among 499 other cookies still works (HTTP $r->{code})");
$r = raw_get('/protected/', "Cookie: sso_session=$hostile_sid\r\n", $ENV{SSO_TEST_PORT_HOSTILE});
ok($r->{code} == 200, 'the HOSTILE session still works on its own host');
diag(sprintf('cookies: %d cases', 2 * @cookie_cases + 1 + 2));

# ---- module pages are the whole response ----

my @page_bad;
my $page_cases = 0;
for my $path ('/protected/', '/protected/index.html', '/protected/env.cgi',
              '/protected/api/', '/protected/go/', '/protected/nonexistent') {
    for my $method (qw(GET HEAD POST PUT DELETE OPTIONS)) {
        my $body = $method =~ /^(POST|PUT)$/ ? 'a=1&return=//evil.example' : '';
        my $r = raw("$method $path HTTP/1.1\r\nHost: 127.0.0.1:$port\r\nConnection: close\r\n"
                    . ($body ? "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                               . length($body) . "\r\n" : '') . "\r\n$body");
        $page_cases++;
        my $label = "$method $path";
        push @page_bad, "$label: HTTP $r->{code}" unless $r->{code} =~ /^(302|401)$/;
        push @page_bad, "$label: protected content" if $r->{body} =~ /PROTECTED-CONTENT|REMOTE_USER/;
        push @page_bad, "$label: a body for HEAD" if $method eq 'HEAD' && length $r->{body};
        push @page_bad, "$label: the 401 body is not the module's page alone"
            if $r->{code} == 401 && $method ne 'HEAD' && !module_page($r->{body});
    }
}
ok(!@page_bad, "without a session, $page_cases method/URL pairs: a redirect or the module's 401 page, nothing else")
    or diag(join "\n", @page_bad);

# Input never comes back unescaped.
my $xss = '<script>alert(1)</script>';
my @reflect = (
    [ GET => "/sso/login?return=" . uri_escape($xss) ],
    [ GET => "/sso/login?return=" . uri_escape("/\"><script>alert(1)</script>") ],
    [ GET => "/sso/login?return=" . uri_escape("/'><img src=x onerror=alert(1)>") ],
    [ GET => "/sso/login?return=x&return=" . uri_escape($xss) ],
    [ GET => "/sso/login?" . uri_escape($xss) . "=1&expired=" . uri_escape($xss) ],
    [ GET => "/sso/logout?return=" . uri_escape("/\"><script>alert(1)</script>") ],
    [ GET => "/sso/logout?return=" . uri_escape("/' onmouseover='alert(1)") ],
    [ POST => "/sso/logout?return=" . uri_escape($xss), "Origin: https://evil.example\r\n" ],
    [ GET => "/sso/start?return=" . uri_escape("/\"><script>alert(1)</script>") ],
    [ GET => "/sso/callback?state=" . uri_escape($xss) . "&code=" . uri_escape($xss) ],
    [ GET => "/sso/callback?state=" . uri_escape($xss) . "&error=" . uri_escape($xss)
             . "&error_description=" . uri_escape($xss) ],
    [ GET => "/sso/callback?state=x&iss=" . uri_escape($xss) ],
    [ GET => "/sso/" . uri_escape($xss) ],
    [ GET => "/sso/status?" . uri_escape($xss) ],
    [ GET => "/protected/" . uri_escape($xss) ],
    [ GET => "/protected/?q=" . uri_escape("\"><script>alert(1)</script>") ],
    [ POST => "/protected/?q=" . uri_escape($xss) ],
    [ GET => "/sso/login", "Referer: $xss\r\nUser-Agent: $xss\r\n" ],
    [ GET => "/sso/login", "Host: $xss\r\n" ],
);
# A login started in this browser, answered with an error by "the provider".
my $eb = new_browser();
my $start = $eb->get("$origin/sso/start?return=/protected/");
my $state = URI->new($start->header('Location') // '')->query_param('state') // 'none';
my ($login_cookie) = join(' ', $start->header('Set-Cookie')) =~ /(sso_session_login_[A-Za-z0-9_-]{12}=[^;]+)/;
push @reflect, [ GET => "/sso/callback?state=$state&error=" . uri_escape("/\"><script>alert(1)</script>")
                        . "&error_description=" . uri_escape("<img src=x onerror=alert(1)>"),
                 "Cookie: $login_cookie\r\n" ];
# What an injection would add to the page: elements or attributes that run
# script. The module's pages have none of their own.
sub active_markup {
    my ($html) = @_;
    my @found;
    my $p = HTML::TokeParser->new(\$html);
    while (my $t = $p->get_tag) {
        next if $t->[0] =~ m{^/};
        push @found, "<$t->[0]>" if $t->[0] =~ /^(script|img|iframe|svg|object|embed|body\W)$/;
        for my $attr (keys %{ $t->[1] // {} }) {
            push @found, "$attr= on <$t->[0]>" if $attr =~ /^on/i;
            push @found, "$attr=$t->[1]{$attr}" if $attr =~ /^(href|action|src)$/ && $t->[1]{$attr} =~ /^\s*(javascript|data):/i;
        }
    }
    return @found;
}
my @reflect_bad;
for my $case (@reflect) {
    my ($method, $path, $hdr) = @$case;
    my $host = $hdr && $hdr =~ /^Host:/ ? '' : "Host: 127.0.0.1:$port\r\n";
    my $r = raw("$method $path HTTP/1.1\r\n$host" . ($hdr // '')
                . ($method eq 'POST' ? "Content-Length: 0\r\n" : '') . "Connection: close\r\n\r\n");
    my $loc = join ' ', @{ $r->{headers}{location} // [] };
    push @reflect_bad, "$method $path: HTTP $r->{code}" if !$r->{code} || $r->{code} >= 500 && $r->{code} != 502;
    my @active = active_markup($r->{body});
    push @reflect_bad, "$method $path: reflected in the body: @active" if @active;
    push @reflect_bad, "$method $path: raw markup in Location: $loc" if $loc =~ /[<>"']/;
}
ok(!@reflect_bad, sprintf('%d requests with markup in parameters and headers: nothing reflected unescaped', scalar @reflect))
    or diag(join "\n", @reflect_bad);
ok($state ne 'none' && $login_cookie, 'a started login for the provider-error case');
diag(sprintf('module pages: %d method/URL pairs, %d reflection cases', $page_cases, scalar @reflect));
