/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Ownership of the user store's files, shared by httpd (which starts as
 * root) and sso-users (run as root): a file is handed over only through a
 * descriptor opened without following a symlink, and only when it is what
 * is expected. Pure logic: file system calls, no request_rec. */
#ifndef SSO_OWNER_H
#define SSO_OWNER_H

#include <sys/types.h>
#include "apr_pools.h"

typedef enum {
    SSO_PATH_ABSENT,
    SSO_PATH_FILE, /* a regular file */
    SSO_PATH_DIR,
    SSO_PATH_LINK,  /* a symbolic link, never followed */
    SSO_PATH_OTHER, /* a FIFO, socket, device... */
    SSO_PATH_ERROR  /* lstat failed for another reason than absence */
} sso_path_kind;

/* What is at path itself (lstat). */
sso_path_kind sso_path_lkind(const char *path);

/* Gives path to uid:gid with fchown on a descriptor opened O_NOFOLLOW,
 * when it is a regular file (a directory with want_dir) owned by owner,
 * and for a file, with one link only. 0 on success (or when it is
 * uid:gid's already), else an errno: ELOOP
 * for a symlink, EPERM when it belongs to someone else, EEXIST when it is
 * of another type or has other links. */
int sso_owner_give(const char *path, int want_dir, uid_t owner, uid_t uid,
                   gid_t gid);

/* NULL when directory dir can be written only by root and uid (and by the
 * groups root and gid); else, for a log line, why not. A symlink to a
 * directory is judged by the directory it points to. */
const char *sso_owner_dir_unsafe(apr_pool_t *p, const char *dir, uid_t uid,
                                 gid_t gid);

/* The directory part of path ("/" for "/x"; NULL when path has no '/'). */
const char *sso_owner_dir_of(apr_pool_t *p, const char *path);

#endif
