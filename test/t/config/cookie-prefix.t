# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
# A __Host-/__Secure- SSOCookieName over an http SSOPublicURL: browsers drop
# such cookies, so nobody could sign in. httpd starts, with one warning
# naming SSOCookieName and SSOPublicURL.
use strict;
use warnings FATAL => 'all';
use Apache::Test qw(-withtestmore);
use SSOConf qw(config_test);

plan tests => 5;

my @complete = (
    'SSOEnable On',
    'SSOAuthority https://id.example.com',
    'SSOClientID 3f0c-client',
    'SSOClientSecret s3cr3t-VALUE',
);

my ($rc, $out) = config_test(@complete, 'SSOCookieName __Host-sso',
                             'SSOPublicURL http://dns.example.com');
is($rc, 0, '__Host- name over http: httpd still starts');
like($out, qr/\[auth_sso:warn\].*SSOCookieName __Host-sso in .* needs HTTPS: browsers drop a __Host- cookie sent over http \(check SSOPublicURL http:\/\/dns\.example\.com\)/,
     '__Host- name over http: one warning naming both directives');

($rc, $out) = config_test(@complete, 'SSOCookieName __Secure-sso',
                          'SSOPublicURL http://dns.example.com');
like($out, qr/SSOCookieName __Secure-sso in .* needs HTTPS: browsers drop a __Secure- cookie/,
     '__Secure- name over http: warned too');

($rc, $out) = config_test(@complete, 'SSOCookieName __Host-sso',
                          'SSOPublicURL https://dns.example.com');
is($rc, 0, '__Host- name over https: starts');
unlike($out, qr/needs HTTPS/, '__Host- name over https: no warning');
