/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Replays a corpus through one fuzz target without libFuzzer, so that
 * "make check" runs every saved input with the ordinary compiler:
 *
 *   replay_<target> DIR-OR-FILE...
 *
 * Each input runs in a child process: a crash or abort() (a broken
 * invariant) fails that file and the others still run. Prints every failed
 * file, then "<name>: N passed, M failed"; exits 1 when M > 0 or nothing
 * was replayed. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target: called once, before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int passed, failed;

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f) {
        return NULL;
    }
    do {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    fclose(f);
    /* Exactly sized, as libFuzzer hands inputs over. */
    uint8_t *exact = malloc(n ? n : 1);
    if (exact) {
        memcpy(exact, buf, n);
    }
    free(buf);
    *size = n;
    return exact;
}

static void replay_file(const char *path)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        size_t size = 0;
        uint8_t *data = read_all(path, &size);

        if (!data) {
            fprintf(stderr, "%s: %s\n", path, strerror(errno));
            _exit(3);
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        _exit(0);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            exit(2);
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        passed++;
        return;
    }
    failed++;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL %s: killed by signal %d (%s)\n", path,
                WTERMSIG(status), strsignal(WTERMSIG(status)));
    }
    else {
        fprintf(stderr, "FAIL %s: exit status %d\n", path, WEXITSTATUS(status));
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, i;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        failed++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(path);
        return;
    }
    if (!(d = opendir(path))) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        failed++;
        return;
    }
    while ((e = readdir(d))) {
        char **nn;

        if (e->d_name[0] == '.') {
            continue;
        }
        if (!(nn = realloc(names, (n + 1) * sizeof(*names)))) {
            exit(2);
        }
        names = nn;
        if (!(names[n] = malloc(strlen(path) + strlen(e->d_name) + 2))) {
            exit(2);
        }
        sprintf(names[n++], "%s/%s", path, e->d_name);
    }
    closedir(d);
    /* A stable order: the same failure first on every run. */
    qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            replay_file(names[i]);
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    const char *name =
        strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", name);
        return 2;
    }
    /* Before any fork: keys and pools are made once, as under libFuzzer. */
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (i = 1; i < argc; i++) {
        replay_path(argv[i]);
    }
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    fflush(stdout);
    return failed || !passed ? 1 : 0;
}
