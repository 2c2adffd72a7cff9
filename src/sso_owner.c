/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "apr_strings.h"

sso_path_kind sso_path_lkind(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0) {
        return errno == ENOENT || errno == ENOTDIR ? SSO_PATH_ABSENT
                                                   : SSO_PATH_ERROR;
    }
    if (S_ISLNK(st.st_mode)) {
        return SSO_PATH_LINK;
    }
    if (S_ISREG(st.st_mode)) {
        return SSO_PATH_FILE;
    }
    return S_ISDIR(st.st_mode) ? SSO_PATH_DIR : SSO_PATH_OTHER;
}

typedef enum {
    SSO_OWNER_HAND_OVER, /* owner's: fchown it */
    SSO_OWNER_DONE,      /* uid:gid's already */
    SSO_OWNER_REFUSE     /* *err says why */
} sso_owner_step;

static sso_owner_step sso_owner_expected(const struct stat *st, int want_dir,
                                         uid_t owner, uid_t uid, gid_t gid,
                                         int *err)
{
    if (want_dir ? !S_ISDIR(st->st_mode)
                 : !S_ISREG(st->st_mode) || st->st_nlink != 1) {
        *err = EEXIST;
        return SSO_OWNER_REFUSE;
    }
    if (st->st_uid == uid && st->st_gid == gid) {
        return SSO_OWNER_DONE;
    }
    if (st->st_uid == owner) {
        return SSO_OWNER_HAND_OVER;
    }
    *err = EPERM;
    return SSO_OWNER_REFUSE;
}

int sso_owner_give(const char *path, int want_dir, uid_t owner, uid_t uid,
                   gid_t gid)
{
    /* O_NONBLOCK: a FIFO planted under the name must not hang the open. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
                            | (want_dir ? O_DIRECTORY : 0));
    struct stat st;
    int err = 0;

    if (fd < 0) {
        return errno;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
    }
    else if (sso_owner_expected(&st, want_dir, owner, uid, gid, &err)
                 == SSO_OWNER_HAND_OVER
             && fchown(fd, uid, gid) != 0) {
        err = errno;
    }
    close(fd);
    return err;
}

const char *sso_owner_dir_unsafe(apr_pool_t *p, const char *dir, uid_t uid,
                                 gid_t gid)
{
    struct stat st;

    if (stat(dir, &st) != 0) {
        return apr_psprintf(p, "not readable (%s)", strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return "not a directory";
    }
    if (st.st_uid != 0 && st.st_uid != uid) {
        return apr_psprintf(p, "owned by uid %ld", (long)st.st_uid);
    }
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != gid) {
        return apr_psprintf(p, "writable by group %ld", (long)st.st_gid);
    }
    if (st.st_mode & S_IWOTH) {
        return "writable by everyone";
    }
    return NULL;
}

const char *sso_owner_dir_of(apr_pool_t *p, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        return NULL;
    }
    return slash == path ? "/" : apr_pstrmemdup(p, path, slash - path);
}
