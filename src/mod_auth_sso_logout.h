/* Logout */
#ifndef MOD_AUTH_SSO_LOGOUT_H
#define MOD_AUTH_SSO_LOGOUT_H

#include "mod_auth_sso_config.h"

int sso_logout_handle(request_rec *r, const sso_server_conf *c,
                      const char *query_return);

#endif
