#!/bin/sh
# Echoes what the application receives from mod_auth_sso.
printf 'Content-Type: text/plain\n\n'
printf 'REMOTE_USER=%s\n' "$REMOTE_USER"
printf 'AUTH_TYPE=%s\n' "$AUTH_TYPE"
env | grep -E '^(SSO_|HTTP_X_SSO)' | sort
