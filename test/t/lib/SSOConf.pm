# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
package SSOConf;
# Runs `httpd -t` on a small configuration with mod_auth_sso loaded, so
# tests can assert what administrators see for a given config.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Exporter 'import';
our @EXPORT_OK = qw(config_test);

my $moddir = $ENV{SSO_TEST_MODDIR} or die "SSO_TEST_MODDIR not set";
my $module = $ENV{SSO_TEST_MODULE} or die "SSO_TEST_MODULE not set";
my $httpd  = $ENV{SSO_TEST_HTTPD}  or die "SSO_TEST_HTTPD not set";

sub base_config {
    my ($dir) = @_;
    my @mods = qw(mpm_event authn_core authz_core authz_user socache_shmcb);
    return join "\n",
        "ServerRoot $dir", "DefaultRuntimeDir $dir", "PidFile $dir/httpd.pid",
        "ErrorLog $dir/error.log", "LogLevel warn",
        (map { "LoadModule ${_}_module $moddir/mod_$_.so" } @mods),
        "LoadModule auth_sso_module $module",
        "Listen 127.0.0.1:1", "ServerName localhost", "";
}

# config_test(@lines) -> (exit code, everything httpd printed)
sub config_test {
    my @lines = @_;
    my $dir = tempdir(CLEANUP => 1);
    my $conf = "$dir/httpd.conf";
    open my $fh, '>', $conf or die "$conf: $!";
    print $fh base_config($dir), join("\n", @lines), "\n";
    close $fh;
    my $out = `$httpd -t -f $conf 2>&1`;
    my $rc = $? >> 8;
    if (open my $log, '<', "$dir/error.log") {
        local $/;
        $out .= <$log> // '';
    }
    return ($rc, $out);
}

1;
