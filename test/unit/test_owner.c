/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "apr_strings.h"

/* A uid and gid nobody on a test machine has. */
#define OTHER_UID 54321
#define OTHER_GID 54321

static char tmpdir[64];

static void owner_setup(void)
{
    unit_pool_setup();
    strcpy(tmpdir, "/tmp/sso-owner-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void owner_teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    }
    unit_pool_teardown();
}

static const char *in_tmp(const char *name)
{
    return apr_pstrcat(unit_pool, tmpdir, "/", name, NULL);
}

static const char *make_file(const char *name)
{
    const char *path = in_tmp(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "x", 1), 1);
    close(fd);
    return path;
}

static uid_t owner_of(const char *path)
{
    struct stat st;

    ck_assert_int_eq(lstat(path, &st), 0);
    return st.st_uid;
}

START_TEST(owner_kinds)
{
    const char *file = make_file("db");

    ck_assert_int_eq(sso_path_lkind(file), SSO_PATH_FILE);
    ck_assert_int_eq(sso_path_lkind(tmpdir), SSO_PATH_DIR);
    ck_assert_int_eq(sso_path_lkind(in_tmp("absent")), SSO_PATH_ABSENT);
    ck_assert_int_eq(sso_path_lkind(in_tmp("absent/below")), SSO_PATH_ABSENT);
    ck_assert_int_eq(symlink(file, in_tmp("link")), 0);
    ck_assert_int_eq(sso_path_lkind(in_tmp("link")), SSO_PATH_LINK);
    ck_assert_int_eq(symlink(in_tmp("absent"), in_tmp("dangling")), 0);
    ck_assert_int_eq(sso_path_lkind(in_tmp("dangling")), SSO_PATH_LINK);
    ck_assert_int_eq(mkfifo(in_tmp("fifo"), 0600), 0);
    ck_assert_int_eq(sso_path_lkind(in_tmp("fifo")), SSO_PATH_OTHER);
}
END_TEST

/* A symlink is never followed: its target keeps its owner, whoever runs. */
START_TEST(owner_give_refuses_symlinks_and_strangers)
{
    const char *target = make_file("target"), *wal = in_tmp("db-wal");
    uid_t me = geteuid();

    ck_assert_int_eq(symlink(target, wal), 0);
    ck_assert_int_eq(sso_owner_give(wal, 0, me, OTHER_UID, OTHER_GID), ELOOP);
    ck_assert_int_eq(owner_of(target), me);
    ck_assert_int_eq(
        sso_owner_give(in_tmp("absent"), 0, me, OTHER_UID, OTHER_GID), ENOENT);
    /* A directory where a file is expected, and the other way round. */
    ck_assert_int_eq(sso_owner_give(tmpdir, 0, me, OTHER_UID, OTHER_GID),
                     EEXIST);
    ck_assert_int_eq(sso_owner_give(target, 1, me, OTHER_UID, OTHER_GID),
                     ENOTDIR);
    /* A FIFO does not hang the open, and is not a file. */
    ck_assert_int_eq(mkfifo(in_tmp("fifo"), 0600), 0);
    ck_assert_int_eq(
        sso_owner_give(in_tmp("fifo"), 0, me, OTHER_UID, OTHER_GID), EEXIST);
    /* A second link to the file: not ours to hand over. */
    ck_assert_int_eq(link(target, in_tmp("hard")), 0);
    ck_assert_int_eq(sso_owner_give(target, 0, me, OTHER_UID, OTHER_GID),
                     EEXIST);
    ck_assert_int_eq(owner_of(target), me);
    /* Someone else's file. */
    ck_assert_int_eq(
        sso_owner_give(make_file("theirs"), 0, OTHER_UID, me, getegid()),
        0); /* already mine */
    ck_assert_int_eq(sso_owner_give(make_file("theirs2"), 0, OTHER_UID + 1,
                                    OTHER_UID, OTHER_GID),
                     EPERM);
}
END_TEST

/* As root (as httpd starts and sso-users runs): the file and directory
 * really change hands; without root, fchown's refusal is returned. */
START_TEST(owner_give_hands_over)
{
    const char *file = make_file("db"), *dir = in_tmp("dir");
    int err;

    ck_assert_int_eq(mkdir(dir, 0750), 0);
    err = sso_owner_give(file, 0, geteuid(), OTHER_UID, OTHER_GID);
    if (geteuid() == 0) {
        ck_assert_int_eq(err, 0);
        ck_assert_int_eq(owner_of(file), OTHER_UID);
        ck_assert_int_eq(sso_owner_give(dir, 1, 0, OTHER_UID, OTHER_GID), 0);
        ck_assert_int_eq(owner_of(dir), OTHER_UID);
        /* Now it is theirs: root's next call leaves it (already theirs). */
        ck_assert_int_eq(sso_owner_give(file, 0, 0, OTHER_UID, OTHER_GID), 0);
    }
    else {
        ck_assert_int_eq(err, EPERM);
        ck_assert_int_eq(owner_of(file), geteuid());
    }
}
END_TEST

START_TEST(owner_dir_rule)
{
    uid_t me = geteuid();
    gid_t mygid = getegid();
    const char *why;

    ck_assert_int_eq(chmod(tmpdir, 0750), 0);
    ck_assert_ptr_null(sso_owner_dir_unsafe(unit_pool, tmpdir, me, mygid));
    ck_assert_int_eq(chmod(tmpdir, 0770), 0);
    /* The group may write when it is root's or the server's. */
    ck_assert_ptr_null(sso_owner_dir_unsafe(unit_pool, tmpdir, me, mygid));
    why = sso_owner_dir_unsafe(unit_pool, tmpdir, me, OTHER_GID);
    if (mygid == 0) {
        ck_assert_ptr_null(why);
    }
    else {
        ck_assert_str_eq(
            why, apr_psprintf(unit_pool, "writable by group %ld", (long)mygid));
    }
    ck_assert_int_eq(chmod(tmpdir, 0757), 0);
    ck_assert_str_eq(sso_owner_dir_unsafe(unit_pool, tmpdir, me, mygid),
                     "writable by everyone");
    ck_assert_int_eq(chmod(tmpdir, 01777), 0);
    ck_assert_str_eq(sso_owner_dir_unsafe(unit_pool, tmpdir, me, mygid),
                     "writable by everyone");
    ck_assert_int_eq(chmod(tmpdir, 0700), 0);
    /* Owned by another user than root and the server's. */
    if (me == 0) {
        ck_assert_ptr_null(
            sso_owner_dir_unsafe(unit_pool, tmpdir, OTHER_UID, mygid));
        ck_assert_int_eq(chown(tmpdir, OTHER_UID + 1, 0), 0);
        ck_assert_str_eq(
            sso_owner_dir_unsafe(unit_pool, tmpdir, OTHER_UID, mygid),
            apr_psprintf(unit_pool, "owned by uid %ld", (long)OTHER_UID + 1));
        ck_assert_int_eq(chown(tmpdir, 0, 0), 0);
    }
    else {
        ck_assert_str_eq(
            sso_owner_dir_unsafe(unit_pool, tmpdir, OTHER_UID, mygid),
            apr_psprintf(unit_pool, "owned by uid %ld", (long)me));
    }
    ck_assert_str_eq(sso_owner_dir_unsafe(unit_pool, make_file("f"), me, mygid),
                     "not a directory");
    ck_assert_ptr_nonnull(
        strstr(sso_owner_dir_unsafe(unit_pool, in_tmp("absent"), me, mygid),
               "not readable"));
}
END_TEST

START_TEST(owner_dir_of)
{
    ck_assert_str_eq(sso_owner_dir_of(unit_pool, "/var/lib/sso/users.db"),
                     "/var/lib/sso");
    ck_assert_str_eq(sso_owner_dir_of(unit_pool, "/users.db"), "/");
    ck_assert_ptr_null(sso_owner_dir_of(unit_pool, "users.db"));
}
END_TEST

Suite *sso_owner_suite(void)
{
    Suite *s = suite_create("sso_owner");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, owner_setup, owner_teardown);
    tcase_add_test(tc, owner_kinds);
    tcase_add_test(tc, owner_give_refuses_symlinks_and_strangers);
    tcase_add_test(tc, owner_give_hands_over);
    tcase_add_test(tc, owner_dir_rule);
    tcase_add_test(tc, owner_dir_of);
    suite_add_tcase(s, tc);
    return s;
}
