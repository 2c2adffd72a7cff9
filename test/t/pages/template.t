# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# SSOLoginTemplate with placeholders in the request (issue 12, item 1): the
# template is filled in one pass, so a return path carrying "{{local_form}}"
# or "{{reference}}" is shown as text. The old fill scanned its own output
# again: the first request never ended (the child grew to gigabytes), the
# second put the reference's markup inside the form's hidden input.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use LWP::UserAgent;
use Time::HiRes qw(time);
use SSOTest qw(site_url);

plan tests => 12;

# A short client timeout: on the old code the request hangs.
my $ua = LWP::UserAgent->new(max_redirect => 0, timeout => 5);

# One ordinary page first, so the timing below is not the vhost's first hit.
is($ua->get(site_url('/sso/login?return=/protected/', 'TEMPLATE'))->code, 200,
   'template page served');

# Times one GET; returns the response and the seconds it took.
sub timed_get {
    my ($query) = @_;
    my $t0 = time;
    my $res = $ua->get(site_url("/sso/login?$query", 'TEMPLATE'));
    return ($res, time - $t0);
}

# The hidden input of the local form, as the browser would read it.
sub return_input {
    my ($html) = @_;
    my ($input) = $html =~ /(<input type="hidden" name="return"[^>]*>)/;
    return $input // '';
}

my ($res, $secs) = timed_get('return=/%7B%7Blocal_form%7D%7D');
is($res->code, 200, 'return=/{{local_form}}: 200');
cmp_ok($secs, '<', 1, 'return=/{{local_form}}: answered within a second');
is(return_input($res->content), '<input type="hidden" name="return" value="/{{local_form}}">',
   'return=/{{local_form}}: the placeholder is shown literally in the form');
my @forms = $res->content =~ /<form /g;
is(scalar @forms, 1, 'return=/{{local_form}}: one form, not a form inside a form');
like($res->content, qr{</html>\s*\z}, 'return=/{{local_form}}: the whole page');

($res, $secs) = timed_get('return=/x%7B%7Breference%7D%7D');
is($res->code, 200, 'return=/x{{reference}}: 200');
cmp_ok($secs, '<', 1, 'return=/x{{reference}}: answered within a second');
is(return_input($res->content), '<input type="hidden" name="return" value="/x{{reference}}">',
   'return=/x{{reference}}: the placeholder is shown literally, no markup in the attribute');
unlike($res->content, qr/value="[^"]*</, 'return=/x{{reference}}: no "<" inside any attribute');
my @refs = $res->content =~ /<p class="ref">Reference: [\w@-]+<\/p>/g;
is(scalar @refs, 1, 'return=/x{{reference}}: the reference once, in the footer');
like($res->content, qr{<footer><p class="ref">Reference: [\w@-]+</p></footer>},
     'return=/x{{reference}}: {{reference}} of the template filled in');
