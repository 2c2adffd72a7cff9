# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# RFC 6238 codes for the tests, computed from the secret an account was
# given (never stubbed): base32 (RFC 4648) and HMAC-SHA-1 from Digest::SHA.
package SSOTOTP;
use strict;
use warnings;
use Digest::SHA qw(hmac_sha1);
use Exporter 'import';
our @EXPORT_OK = qw(totp_code base32_decode);

sub base32_decode {
    my ($text) = @_;
    $text = uc $text;
    $text =~ s/=+$//;
    my $bits = join '', map {
        my $i = index('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', $_);
        die "not base32: $_\n" if $i < 0;
        sprintf '%05b', $i;
    } split //, $text;
    return pack 'B*', substr($bits, 0, int(length($bits) / 8) * 8);
}

# totp_code(BASE32_SECRET [, TIME]): the 6-digit code of TIME's 30 s step.
sub totp_code {
    my ($secret, $time) = @_;
    my $step = int(($time // time) / 30);
    my $h = hmac_sha1(pack('NN', int($step / 2**32), $step % 2**32),
                      base32_decode($secret));
    my $o = ord(substr $h, -1) & 15;
    return sprintf '%06d', (unpack('N', substr $h, $o, 4) & 0x7fffffff) % 1000000;
}

1;
