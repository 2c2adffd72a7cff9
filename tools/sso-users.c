/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* sso-users: manage mod_auth_sso's local user registry (SSOUserStore).
 *
 * The store comes from -s DRIVER:PARAMS, or from the SSOUserStore directive
 * of an httpd config file (-f, else the server's own config when present),
 * else the module's default. Exit status: 0 ok, 1 usage or bad input,
 * 2 user not found, 3 store error. */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "apr_file_info.h"
#include "apr_general.h"
#include "apr_getopt.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "apr_time.h"

#include "sso_groups.h"
#include "sso_owner.h"
#include "sso_qr.h"
#include "sso_registry.h"
#include "sso_token.h"
#include "sso_totp.h"

#define EXIT_USAGE    1
#define EXIT_NOTFOUND 2
#define EXIT_STORE    3

/* Include nesting deeper than this is a loop. */
#define CONF_DEPTH_MAX 16
/* Room for a password line: anything near this is refused as too long. */
#define PASSWORD_LINE_MAX 1024

typedef struct {
    apr_pool_t *p;
    const char *spec;
    const char *source; /* where spec came from, for "store" */
    const char *issuer; /* -i, else ServerName of the config */
    sso_registry *reg;
} cli;

typedef int (*cli_fn)(cli *c, int argc, const char *const *argv);

#define SSO_EVENTS_KEEP_STR(n)  #n
#define SSO_EVENTS_KEEP_XSTR(n) SSO_EVENTS_KEEP_STR(n)
#define SSO_EVENTS_KEEP_TEXT    SSO_EVENTS_KEEP_XSTR(SSO_REGISTRY_EVENTS_KEEP)

static int cli_usage(void)
{
    fputs("usage: sso-users [-s DRIVER:PARAMS | -f HTTPD_CONF] [-i ISSUER] "
          "COMMAND [ARGS]\n"
          "  list                             all users\n"
          "  show USER\n"
          "  add USER [GROUP...]              local user; password from stdin\n"
          "  passwd USER                      new password from stdin\n"
          "  link USER ISSUER SUB [GROUP...]  pre-create an SSO user\n"
          "  groups USER set|add|remove GROUP...\n"
          "  disable USER | enable USER | delete USER\n"
          "  totp USER enable|disable|status  TOTP of a local user; enable "
          "prints\n"
          "                                   the otpauth:// URI and a QR code "
          "(issuer:\n"
          "                                   -i, else the config's "
          "ServerName)\n"
          "  log [USER] [--since DATE]        the last sign-in events "
          "(successes\n"
          "                                   and refusals; the "
          "newest " SSO_EVENTS_KEEP_TEXT " kept);\n"
          "                                   DATE: YYYY-MM-DD[ HH:MM[:SS]], "
          "local time\n"
          "  token USER add NAME [DAYS]       new API token (SSOAPITokens), "
          "printed once;\n"
          "                                   DAYS until it expires (default: "
          "never)\n"
          "  token USER list | token USER revoke NAME\n"
          "  store                            the store that would be used\n"
          "The store: -s, else SSOUserStore in -f HTTPD_CONF (Include "
          "followed), else\nin " SSO_HTTPD_CONF_DIR "/apache2.conf or "
          "httpd.conf, else " SSO_REGISTRY_DEFAULT_SPEC ".\n"
          "Exit status: 0 ok, 1 usage or bad input, 2 user not found, "
          "3 store error.\n",
          stderr);
    return EXIT_USAGE;
}

static int cli_error(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("sso-users: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

static int cli_fail(apr_status_t rv, const char *err)
{
    int code = EXIT_STORE;

    if (rv == APR_NOTFOUND) {
        code = EXIT_NOTFOUND;
    }
    else if (rv == APR_EEXIST || rv == APR_EINVAL) {
        code = EXIT_USAGE;
    }
    return cli_error(code, "%s", err ? err : "failed");
}

/* ---- the store from an httpd config file ---- */

typedef struct {
    apr_pool_t *p;
    const char *root;          /* ServerRoot: base of relative Includes */
    apr_array_header_t *found; /* SSOUserStore values, in order */
    const char *server_name;   /* the main server's ServerName */
    int global;                /* index of the first outside a vhost */
    int vhost;                 /* <VirtualHost> nesting */
} conf_scan;

static void conf_scan_path(conf_scan *cs, const char *path, int depth);

/* ${NAME} from the environment; unknown names stay as written. */
static const char *conf_expand(apr_pool_t *p, const char *s)
{
    const char *open = strstr(s, "${"), *close, *value;

    if (!open || !(close = strchr(open, '}'))) {
        return s;
    }
    value = getenv(apr_pstrmemdup(p, open + 2, close - open - 2));
    return apr_pstrcat(p, apr_pstrmemdup(p, s, open - s),
                       value ? value
                             : apr_pstrmemdup(p, open, close + 1 - open),
                       conf_expand(p, close + 1), NULL);
}

/* The first argument after the directive name: quoted or one word. */
static const char *conf_first_arg(apr_pool_t *p, const char *args)
{
    const char *end;

    while (apr_isspace(*args)) {
        args++;
    }
    if (*args == '"' || *args == '\'') {
        end = strchr(args + 1, *args);
        return end ? apr_pstrmemdup(p, args + 1, end - args - 1) : args + 1;
    }
    end = args;
    while (*end && !apr_isspace(*end)) {
        end++;
    }
    return apr_pstrmemdup(p, args, end - args);
}

static const char *conf_absolute(conf_scan *cs, const char *path)
{
    path = conf_expand(cs->p, path);
    return path[0] == '/' ? path
                          : apr_pstrcat(cs->p, cs->root, "/", path, NULL);
}

static void conf_include(conf_scan *cs, const char *pattern, int optional,
                         int depth)
{
    const char *path = conf_absolute(cs, pattern);
    glob_t g;
    size_t i;

    if (!strpbrk(path, "*?[")) {
        struct stat st;
        if (stat(path, &st) == 0) {
            conf_scan_path(cs, path, depth);
        }
        else if (!optional) {
            cli_error(0, "warning: Include %s: no such file", path);
        }
        return;
    }
    if (glob(path, 0, NULL, &g) != 0) {
        if (!optional) {
            cli_error(0, "warning: Include %s matches nothing", path);
        }
        return;
    }
    for (i = 0; i < g.gl_pathc; i++) {
        conf_scan_path(cs, apr_pstrdup(cs->p, g.gl_pathv[i]), depth);
    }
    globfree(&g);
}

static void conf_directive(conf_scan *cs, const char *line, int depth)
{
    size_t n = strcspn(line, " \t");
    const char *args = line + n;

    if (!strncasecmp(line, "<VirtualHost", 12)) {
        cs->vhost++;
    }
    else if (!strncasecmp(line, "</VirtualHost", 13) && cs->vhost > 0) {
        cs->vhost--;
    }
    else if (n == 10 && !strncasecmp(line, "ServerRoot", n)) {
        cs->root = conf_expand(cs->p, conf_first_arg(cs->p, args));
    }
    else if (n == 12 && !strncasecmp(line, "SSOUserStore", n)) {
        if (cs->global < 0 && !cs->vhost) {
            cs->global = cs->found->nelts;
        }
        APR_ARRAY_PUSH(cs->found, const char *) =
            conf_expand(cs->p, conf_first_arg(cs->p, args));
    }
    else if (n == 10 && !strncasecmp(line, "ServerName", n)) {
        if (!cs->vhost && !cs->server_name) {
            cs->server_name = conf_expand(cs->p, conf_first_arg(cs->p, args));
        }
    }
    else if (n == 7 && !strncasecmp(line, "Include", n)) {
        conf_include(cs, conf_first_arg(cs->p, args), 0, depth);
    }
    else if (n == 15 && !strncasecmp(line, "IncludeOptional", n)) {
        conf_include(cs, conf_first_arg(cs->p, args), 1, depth);
    }
}

/* Reads one logical line: a trailing backslash continues it. */
static char *conf_read_line(apr_pool_t *p, FILE *f)
{
    char buf[8192];
    char *line = NULL;
    size_t len;

    while (fgets(buf, sizeof(buf), f)) {
        len = strcspn(buf, "\r\n");
        buf[len] = '\0';
        if (len && buf[len - 1] == '\\') {
            buf[len - 1] = ' ';
            line = apr_pstrcat(p, line ? line : "", buf, NULL);
            continue;
        }
        return apr_pstrcat(p, line ? line : "", buf, NULL);
    }
    return line;
}

static void conf_scan_file(conf_scan *cs, const char *path, int depth)
{
    FILE *f = fopen(path, "r");
    char *line;

    if (!f) {
        cli_error(0, "warning: cannot read %s", path);
        return;
    }
    while ((line = conf_read_line(cs->p, f)) != NULL) {
        while (apr_isspace(*line)) {
            line++;
        }
        if (*line && *line != '#') {
            conf_directive(cs, line, depth);
        }
    }
    fclose(f);
}

static int conf_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory is read as httpd does: every file in it and below, in
 * name order (dot files skipped). */
static void conf_scan_dir(conf_scan *cs, const char *path, int depth)
{
    apr_array_header_t *names = apr_array_make(cs->p, 16, sizeof(char *));
    apr_finfo_t fi;
    apr_dir_t *dir;
    int i;

    if (apr_dir_open(&dir, path, cs->p) != APR_SUCCESS) {
        return;
    }
    while (apr_dir_read(&fi, APR_FINFO_NAME, dir) == APR_SUCCESS) {
        if (fi.name[0] != '.') {
            APR_ARRAY_PUSH(names, char *) = apr_pstrdup(cs->p, fi.name);
        }
    }
    apr_dir_close(dir);
    qsort(names->elts, names->nelts, sizeof(char *), conf_cmp);
    for (i = 0; i < names->nelts; i++) {
        conf_scan_path(cs,
                       apr_pstrcat(cs->p, path, "/",
                                   APR_ARRAY_IDX(names, i, char *), NULL),
                       depth);
    }
}

static void conf_scan_path(conf_scan *cs, const char *path, int depth)
{
    struct stat st;

    if (depth >= CONF_DEPTH_MAX) {
        cli_error(0, "warning: Include nesting deeper than %d at %s",
                  CONF_DEPTH_MAX, path);
        return;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        conf_scan_dir(cs, path, depth + 1);
    }
    else {
        conf_scan_file(cs, path, depth + 1);
    }
}

/* The SSOUserStore of the main server, else of the first virtual host
 * that has one; NULL when the config has none. */
static const char *conf_user_store(apr_pool_t *p, const char *conf,
                                   const char **server_name)
{
    conf_scan cs = { 0 };
    const char *slash = strrchr(conf, '/'), *chosen;
    int i;

    cs.p = p;
    cs.root = slash ? apr_pstrmemdup(p, conf, slash - conf) : ".";
    cs.found = apr_array_make(p, 2, sizeof(const char *));
    cs.global = -1;
    conf_scan_path(&cs, conf, 0);
    *server_name = cs.server_name;
    if (!cs.found->nelts) {
        return NULL;
    }
    chosen =
        APR_ARRAY_IDX(cs.found, cs.global >= 0 ? cs.global : 0, const char *);
    for (i = 0; i < cs.found->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(cs.found, i, const char *), chosen)) {
            cli_error(0,
                      "note: %s names several user stores; using %s "
                      "(choose with -s)",
                      conf, sso_registry_display_spec(p, chosen));
            break;
        }
    }
    return chosen;
}

static int cli_readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* -s wins, then -f; without either, the server's own config if there is
 * one. A config without SSOUserStore means the module's default. */
static int cli_resolve_store(cli *c, const char *spec, const char *conf)
{
    const char *found, *server_name = NULL;

    if (spec) {
        c->spec = spec;
        c->source = "-s";
        return 0;
    }
    if (!conf) {
        if (cli_readable(SSO_HTTPD_CONF_DIR "/apache2.conf")) {
            conf = SSO_HTTPD_CONF_DIR "/apache2.conf";
        }
        else if (cli_readable(SSO_HTTPD_CONF_DIR "/httpd.conf")) {
            conf = SSO_HTTPD_CONF_DIR "/httpd.conf";
        }
    }
    else if (!cli_readable(conf)) {
        return cli_error(EXIT_USAGE, "cannot read httpd config %s", conf);
    }
    found = conf ? conf_user_store(c->p, conf, &server_name) : NULL;
    if (!c->issuer && server_name) {
        /* "name:port" or a scheme: the name is what a person recognises. */
        const char *host = strstr(server_name, "://");
        host = host ? host + 3 : server_name;
        c->issuer = apr_pstrndup(c->p, host, strcspn(host, ":/"));
    }
    c->spec = found ? found : SSO_REGISTRY_DEFAULT_SPEC;
    c->source = found  ? conf
                : conf ? apr_pstrcat(c->p, "default (no SSOUserStore in ", conf,
                                     ")", NULL)
                       : "default";
    return 0;
}

/* ---- ownership of SQLite files ---- */

/* Run as root on a store whose directory belongs to httpd's User: files
 * we created (owned by root) are handed to that user, or httpd's children
 * could no longer write the database, its -wal or its -shm. */
static void cli_fix_owner(cli *c)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    const char *driver, *path, *slash;
    struct stat dir;
    size_t i;

    if (geteuid() != 0
        || sso_registry_parse_spec(c->p, c->spec, &driver, &path, NULL)
        || strcmp(driver, "sqlite3") || !(slash = strrchr(path, '/'))
        || stat(slash == path ? "/" : apr_pstrmemdup(c->p, path, slash - path),
                &dir)
               != 0
        || dir.st_uid == 0) {
        return;
    }
    /* Only root's own plain files, never through a symlink (sso_owner_give):
     * one planted by the directory's owner is left alone. */
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        const char *f = apr_pstrcat(c->p, path, suffixes[i], NULL);
        int err = sso_owner_give(f, 0, 0, dir.st_uid, dir.st_gid);
        if (err && err != ENOENT && err != EPERM) {
            cli_error(0, "warning: cannot hand %s to uid %ld: %s", f,
                      (long)dir.st_uid, strerror(err));
        }
    }
}

/* ---- helpers ---- */

static const char *cli_time(apr_pool_t *p, apr_int64_t secs)
{
    apr_time_exp_t tm;
    char buf[64];
    apr_size_t len;

    if (secs <= 0) {
        return "never";
    }
    apr_time_exp_lt(&tm, apr_time_from_sec(secs));
    apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return apr_pstrdup(p, buf);
}

/* "a, b, c", or "-" for none. */
static const char *cli_groups(apr_pool_t *p, const apr_array_header_t *g)
{
    apr_array_header_t *parts;
    int i;

    if (!g->nelts) {
        return "-";
    }
    parts = apr_array_make(p, 2 * g->nelts, sizeof(const char *));
    for (i = 0; i < g->nelts; i++) {
        if (i) {
            APR_ARRAY_PUSH(parts, const char *) = ", ";
        }
        APR_ARRAY_PUSH(parts, const char *) = APR_ARRAY_IDX(g, i, const char *);
    }
    return apr_array_pstrcat(p, parts, 0);
}

/* Usernames are stored as sso_username_normalize makes them (lower-case),
 * the same rule as for SSO signups. */
static const char *cli_username(cli *c, const char *arg)
{
    return sso_username_normalize(c->p, arg);
}

static int cli_bad_username(const char *arg)
{
    return cli_error(EXIT_USAGE,
                     "'%s' is not a valid username (letters, "
                     "digits, @._- ; 1 to %d bytes)",
                     arg, SSO_USERNAME_MAX);
}

static apr_array_header_t *cli_list(apr_pool_t *p, int argc,
                                    const char *const *argv)
{
    apr_array_header_t *a =
        apr_array_make(p, argc > 0 ? argc : 1, sizeof(const char *));
    int i;

    for (i = 0; i < argc; i++) {
        APR_ARRAY_PUSH(a, const char *) = argv[i];
    }
    return a;
}

/* One line from stdin, or a prompt twice on a terminal. */
static int cli_read_password(cli *c, const char **hash)
{
    char buf[PASSWORD_LINE_MAX], again[PASSWORD_LINE_MAX];
    apr_size_t n = sizeof(buf), m = sizeof(again);
    apr_status_t rv;

    buf[0] = again[0] = '\0';
    if (isatty(STDIN_FILENO)) {
        if (apr_password_get("New password: ", buf, &n) != APR_SUCCESS
            || apr_password_get("Repeat password: ", again, &m)
                   != APR_SUCCESS) {
            return cli_error(EXIT_USAGE, "cannot read the password");
        }
        if (strcmp(buf, again)) {
            OPENSSL_cleanse(buf, sizeof(buf));
            OPENSSL_cleanse(again, sizeof(again));
            return cli_error(EXIT_USAGE, "the passwords differ");
        }
    }
    else if (!fgets(buf, sizeof(buf), stdin)) {
        return cli_error(EXIT_USAGE, "no password on stdin (one line)");
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    rv = buf[0] ? sso_registry_password_hash(c->p, buf, hash) : APR_EINVAL;
    OPENSSL_cleanse(buf, sizeof(buf));
    OPENSSL_cleanse(again, sizeof(again));
    if (rv == APR_EINVAL) {
        return cli_error(EXIT_USAGE,
                         "the password must be 1 to %d bytes "
                         "(bcrypt ignores the rest); an empty one is refused",
                         SSO_REGISTRY_PASSWORD_MAX);
    }
    if (rv != APR_SUCCESS) {
        return cli_error(EXIT_STORE, "cannot hash the password");
    }
    return 0;
}

/* "2026-12-06 01:02:03 from 192.0.2.7 (local)", or "never". */
static const char *cli_last_login(apr_pool_t *p, const sso_user *u)
{
    const char *when = cli_time(p, u->last_login);

    if (u->last_login <= 0 || !u->last_login_addr) {
        return when;
    }
    return apr_psprintf(p, "%s from %s (%s)", when, u->last_login_addr,
                        u->last_login_method ? u->last_login_method : "?");
}

/* ---- commands ---- */

static int cmd_store(cli *c, int argc, const char *const *argv)
{
    printf("%s\t(%s)\n", sso_registry_display_spec(c->p, c->spec), c->source);
    return 0;
}

static int cmd_list(cli *c, int argc, const char *const *argv)
{
    apr_array_header_t *users;
    const char *err;
    apr_status_t rv = sso_registry_list(c->reg, c->p, &users, &err);
    int i, wu = 4, wg = 6;

    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    for (i = 0; i < users->nelts; i++) {
        sso_user *u = APR_ARRAY_IDX(users, i, sso_user *);
        int lu = (int)strlen(u->username);
        int lg = (int)strlen(cli_groups(c->p, u->groups));
        wu = lu > wu ? lu : wu;
        wg = lg > wg ? lg : wg;
    }
    printf("%-*s  %-5s  %-*s  %-8s  %s\n", wu, "USER", "KIND", wg, "GROUPS",
           "DISABLED", "LAST LOGIN");
    for (i = 0; i < users->nelts; i++) {
        sso_user *u = APR_ARRAY_IDX(users, i, sso_user *);
        printf("%-*s  %-5s  %-*s  %-8s  %s\n", wu, u->username, u->kind, wg,
               cli_groups(c->p, u->groups), u->disabled ? "yes" : "no",
               cli_last_login(c->p, u));
    }
    return 0;
}

static int cli_find(cli *c, const char *arg, sso_user **u)
{
    const char *name = cli_username(c, arg), *err;
    apr_status_t rv;

    if (!name) {
        return cli_error(EXIT_NOTFOUND, "no user '%s'", arg);
    }
    rv = sso_registry_find_user(c->reg, c->p, name, u, &err);
    if (rv == APR_NOTFOUND) {
        return cli_error(EXIT_NOTFOUND, "no user '%s'", name);
    }
    return rv ? cli_fail(rv, err) : 0;
}

static int cmd_show(cli *c, int argc, const char *const *argv)
{
    sso_user *u;
    int rc = cli_find(c, argv[0], &u);
    int local;

    if (rc) {
        return rc;
    }
    local = !strcmp(u->kind, "local");
    printf("user:        %s\n", u->username);
    printf("kind:        %s\n", u->kind);
    printf("issuer:      %s\n", u->issuer ? u->issuer : "-");
    printf("sub:         %s\n", u->sub ? u->sub : "-");
    printf("groups:      %s\n", cli_groups(c->p, u->groups));
    printf("disabled:    %s\n", u->disabled ? "yes" : "no");
    printf("password:    %s\n", local ? (u->password_hash ? "set" : "none")
                                      : "none (signs in at the provider)");
    if (local) {
        printf("totp:        %s\n", u->totp_secret ? "enabled" : "disabled");
    }
    printf("created:     %s\n", cli_time(c->p, u->created));
    printf("last login:  %s\n", cli_last_login(c->p, u));
    return 0;
}

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or with a T, in local time (as
 * the dates sso-users prints); -1 when it is none of those. */
static apr_int64_t cli_parse_date(const char *s)
{
    struct tm tm = { 0 };
    char sep = 0, end = 0;
    int n =
        sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &end);
    time_t t;

    if (!(n == 3 || ((n == 6 || n == 7) && (sep == ' ' || sep == 'T')))
        || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31
        || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    return t == (time_t)-1 ? -1 : (apr_int64_t)t;
}

static const char *cli_or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static int cli_width(int w, const char *s)
{
    int l = (int)strlen(cli_or_dash(s));

    return l > w ? l : w;
}

/* One event a line, the columns as wide as their longest value. */
static void cli_log_print(cli *c, const apr_array_header_t *events)
{
    int i, wu = 4, wa = 7;

    for (i = 0; i < events->nelts; i++) {
        const sso_registry_event *ev =
            &APR_ARRAY_IDX(events, i, sso_registry_event);
        wu = cli_width(wu, ev->username);
        wa = cli_width(wa, ev->addr);
    }
    printf("%-19s  %-*s  %-*s  %-6s  %-18s  %s\n", "TIME", wu, "USER", wa,
           "ADDRESS", "METHOD", "EVENT", "CAUSE");
    for (i = 0; i < events->nelts; i++) {
        const sso_registry_event *ev =
            &APR_ARRAY_IDX(events, i, sso_registry_event);
        printf("%-19s  %-*s  %-*s  %-6s  %-18s  %s\n", cli_time(c->p, ev->at),
               wu, cli_or_dash(ev->username), wa, cli_or_dash(ev->addr),
               cli_or_dash(ev->method), cli_or_dash(ev->event),
               cli_or_dash(ev->cause));
    }
}

/* log [USER] [--since DATE] */
static int cmd_log(cli *c, int argc, const char *const *argv)
{
    const char *user = NULL, *err;
    apr_array_header_t *events;
    apr_int64_t since = 0;
    apr_status_t rv;
    int i;

    for (i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--since") && i + 1 < argc) {
            if ((since = cli_parse_date(argv[++i])) < 0) {
                return cli_error(EXIT_USAGE,
                                 "--since '%s': use YYYY-MM-DD or "
                                 "'YYYY-MM-DD HH:MM:SS'",
                                 argv[i]);
            }
        }
        else if (!user && argv[i][0] != '-') {
            user = argv[i];
        }
        else {
            return cli_usage();
        }
    }
    rv = sso_registry_events(c->reg, c->p, user, since, &events, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    cli_log_print(c, events);
    return 0;
}

static int cmd_add(cli *c, int argc, const char *const *argv)
{
    const char *name = cli_username(c, argv[0]), *hash, *err;
    apr_status_t rv;
    int taken = 0, rc;

    if (!name) {
        return cli_bad_username(argv[0]);
    }
    /* Before asking for a password that would be thrown away. */
    rv = sso_registry_username_taken(c->reg, c->p, name, &taken, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    if (taken) {
        return cli_error(EXIT_USAGE, "user '%s' already exists", name);
    }
    if ((rc = cli_read_password(c, &hash)) != 0) {
        return rc;
    }
    rv = sso_registry_add_local(c->reg, c->p, name, hash,
                                cli_list(c->p, argc - 1, argv + 1), &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("added local user '%s'\n", name);
    return 0;
}

static int cmd_passwd(cli *c, int argc, const char *const *argv)
{
    sso_user *u;
    const char *hash, *err;
    apr_status_t rv;
    int rc = cli_find(c, argv[0], &u);

    if (rc) {
        return rc;
    }
    if (strcmp(u->kind, "local")) {
        return cli_error(EXIT_USAGE,
                         "'%s' is an SSO user: it signs in at "
                         "the provider and has no password here",
                         u->username);
    }
    if ((rc = cli_read_password(c, &hash)) != 0) {
        return rc;
    }
    rv = sso_registry_set_password(c->reg, c->p, u->username, hash, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("password of '%s' changed\n", u->username);
    return 0;
}

static int cmd_link(cli *c, int argc, const char *const *argv)
{
    const char *name = cli_username(c, argv[0]), *err;
    apr_status_t rv;

    if (!name) {
        return cli_bad_username(argv[0]);
    }
    rv = sso_registry_link(c->reg, c->p, name, argv[1], argv[2],
                           cli_list(c->p, argc - 3, argv + 3), &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("linked SSO user '%s' to sub %s at %s\n", name, argv[2], argv[1]);
    return 0;
}

static int cmd_groups(cli *c, int argc, const char *const *argv)
{
    const char *op = argv[1], *err = NULL;
    sso_user *u;
    apr_status_t rv = APR_SUCCESS;
    int i, rc;

    if (strcmp(op, "set") && strcmp(op, "add") && strcmp(op, "remove")) {
        return cli_usage();
    }
    if (strcmp(op, "set") && argc < 3) {
        return cli_usage();
    }
    if ((rc = cli_find(c, argv[0], &u)) != 0) {
        return rc;
    }
    if (!strcmp(op, "set")) {
        rv = sso_registry_set_groups(c->reg, c->p, u->username,
                                     cli_list(c->p, argc - 2, argv + 2), &err);
    }
    for (i = 2; !strcmp(op, "add") && i < argc && !rv; i++) {
        rv = sso_registry_add_group(c->reg, c->p, u->username, argv[i], &err);
    }
    for (i = 2; !strcmp(op, "remove") && i < argc && !rv; i++) {
        rv =
            sso_registry_remove_group(c->reg, c->p, u->username, argv[i], &err);
    }
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    if ((rc = cli_find(c, u->username, &u)) != 0) {
        return rc;
    }
    printf("groups of '%s': %s\n", u->username, cli_groups(c->p, u->groups));
    return 0;
}

static int cli_set_disabled(cli *c, const char *arg, int disabled)
{
    sso_user *u;
    const char *err;
    apr_status_t rv;
    int rc = cli_find(c, arg, &u);

    if (rc) {
        return rc;
    }
    rv = sso_registry_set_disabled(c->reg, c->p, u->username, disabled, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("user '%s' %s\n", u->username, disabled ? "disabled" : "enabled");
    return 0;
}

static int cmd_disable(cli *c, int argc, const char *const *argv)
{
    return cli_set_disabled(c, argv[0], 1);
}

static int cmd_enable(cli *c, int argc, const char *const *argv)
{
    return cli_set_disabled(c, argv[0], 0);
}

static int cmd_delete(cli *c, int argc, const char *const *argv)
{
    sso_user *u;
    const char *err;
    apr_status_t rv;
    int rc = cli_find(c, argv[0], &u);

    if (rc) {
        return rc;
    }
    rv = sso_registry_delete(c->reg, c->p, u->username, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("user '%s' deleted\n", u->username);
    return 0;
}

/* ---- TOTP ---- */

/* The key that seals TOTP secrets (sso_totp.h), created when missing. Run
 * as root on a store whose directory belongs to httpd's User, a key we
 * create is handed to that user (httpd hands over a root-owned one at
 * startup too). */
static int cli_totp_key(cli *c, unsigned char *key)
{
    const char *path = sso_totp_key_path(c->p, c->spec, SSO_STATE_DIR), *err;
    const char *dir;
    struct stat st;
    int created = 0;

    if (!path) {
        return cli_error(EXIT_USAGE,
                         "store %s has no directory for the TOTP "
                         "key",
                         sso_registry_display_spec(c->p, c->spec));
    }
    if (sso_totp_key_create(c->p, path, &created, &err) != APR_SUCCESS) {
        return cli_error(EXIT_STORE, "%s", err);
    }
    dir = sso_owner_dir_of(c->p, path);
    if (created && geteuid() == 0 && dir && stat(dir, &st) == 0
        && st.st_uid != 0) {
        sso_owner_give(path, 0, 0, st.st_uid, st.st_gid);
    }
    if (sso_totp_key_read(c->p, path, key, &err) != APR_SUCCESS) {
        return cli_error(EXIT_STORE, "%s", err);
    }
    return 0;
}

static const char *cli_issuer(cli *c)
{
    char host[256];

    if (c->issuer && *c->issuer) {
        return c->issuer;
    }
    if (gethostname(host, sizeof(host)) == 0) {
        host[sizeof(host) - 1] = '\0';
        return apr_pstrdup(c->p, host);
    }
    return "mod_auth_sso";
}

static int cli_totp_enable(cli *c, const sso_user *u)
{
    unsigned char key[SSO_TOTP_KEY_BYTES], secret[SSO_TOTP_SECRET_BYTES];
    const char *sealed = NULL, *err, *uri, *qr;
    apr_status_t rv;
    int rc;

    if ((rc = cli_totp_key(c, key)) != 0) {
        return rc;
    }
    rv = sso_totp_secret_new(secret);
    if (rv == APR_SUCCESS) {
        rv = sso_totp_seal(c->p, key, u->username, secret, sizeof(secret),
                           &sealed);
    }
    OPENSSL_cleanse(key, sizeof(key));
    if (rv != APR_SUCCESS) {
        OPENSSL_cleanse(secret, sizeof(secret));
        return cli_error(EXIT_STORE, "cannot make a TOTP secret");
    }
    rv = sso_registry_set_totp(c->reg, c->p, u->username, sealed, 0, &err);
    if (rv != APR_SUCCESS) {
        OPENSSL_cleanse(secret, sizeof(secret));
        return cli_fail(rv, err);
    }
    uri =
        sso_totp_uri(c->p, cli_issuer(c), u->username, secret, sizeof(secret));
    qr = sso_qr_terminal(c->p, uri);
    printf("TOTP of '%s' %s: it asks for a code after its password from now "
           "on.\n",
           u->username, u->totp_secret ? "replaced" : "enabled");
    printf("secret:  %s\n", sso_base32_encode(c->p, secret, sizeof(secret)));
    printf("uri:     %s\n", uri);
    if (qr) {
        printf("\n%s\n", qr);
    }
    OPENSSL_cleanse(secret, sizeof(secret));
    return 0;
}

static int cmd_totp(cli *c, int argc, const char *const *argv)
{
    const char *op = argv[1], *err;
    sso_user *u;
    apr_status_t rv;
    int rc;

    if (strcmp(op, "enable") && strcmp(op, "disable") && strcmp(op, "status")) {
        return cli_usage();
    }
    if ((rc = cli_find(c, argv[0], &u)) != 0) {
        return rc;
    }
    if (strcmp(u->kind, "local")) {
        return cli_error(EXIT_USAGE,
                         "'%s' is an SSO user: its provider asks "
                         "for a second factor, not this server",
                         u->username);
    }
    if (!strcmp(op, "status")) {
        printf("TOTP of '%s': %s\n", u->username,
               u->totp_secret ? "enabled" : "disabled");
        return 0;
    }
    if (!strcmp(op, "enable")) {
        return cli_totp_enable(c, u);
    }
    if (u->totp_secret) {
        rv = sso_registry_set_totp(c->reg, c->p, u->username, NULL, 0, &err);
        if (rv != APR_SUCCESS) {
            return cli_fail(rv, err);
        }
    }
    printf("TOTP of '%s' disabled\n", u->username);
    return 0;
}

/* ---- API tokens ---- */

static int cli_token_days(const char *arg, int *days)
{
    char *end = NULL;
    apr_int64_t v = arg ? apr_strtoi64(arg, &end, 10) : 0;

    if (arg && (!*arg || *end || v < 1 || v > SSO_TOKEN_DAYS_MAX)) {
        return cli_error(EXIT_USAGE, "DAYS must be a number from 1 to %d",
                         SSO_TOKEN_DAYS_MAX);
    }
    *days = (int)v;
    return 0;
}

/* The token is printed once, on stdout alone, so that a script can take
 * it; the registry keeps only its SHA-256. */
static int cli_token_add(cli *c, const sso_user *u, const char *name,
                         const char *days_arg)
{
    unsigned char hash[SSO_TOKEN_HASH_BYTES];
    apr_int64_t expires;
    const char *token, *err;
    apr_status_t rv;
    int days = 0, rc;

    if ((rc = cli_token_days(days_arg, &days)) != 0) {
        return rc;
    }
    sso_token_expiry(apr_time_sec(apr_time_now()), days, &expires);
    if (sso_token_new(c->p, &token) != APR_SUCCESS
        || !sso_token_hash(token, hash)) {
        return cli_error(EXIT_STORE, "cannot make a token: OpenSSL failed");
    }
    rv = sso_registry_token_add(c->reg, c->p, u->username, name,
                                sso_token_hash_hex(c->p, hash), expires, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("%s\n", token);
    fprintf(stderr,
            "token '%s' of '%s' added, expires %s; it is shown only now\n",
            name, u->username, cli_time(c->p, expires));
    return 0;
}

static int cli_token_list(cli *c, const sso_user *u)
{
    apr_array_header_t *tokens;
    const char *err;
    apr_status_t rv;
    int i;

    rv = sso_registry_token_list(c->reg, c->p, u->username, &tokens, &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("%-24s  %-19s  %-19s  %s\n", "NAME", "CREATED", "EXPIRES",
           "LAST USED");
    for (i = 0; i < tokens->nelts; i++) {
        const sso_api_token *t = APR_ARRAY_IDX(tokens, i, sso_api_token *);
        printf("%-24s  %-19s  %-19s  %s\n", t->name, cli_time(c->p, t->created),
               cli_time(c->p, t->expires), cli_time(c->p, t->last_used));
    }
    return 0;
}

static int cmd_token(cli *c, int argc, const char *const *argv)
{
    const char *op = argv[1], *err;
    sso_user *u;
    apr_status_t rv;
    int rc;

    if (!strcmp(op, "list")     ? argc != 2
        : !strcmp(op, "add")    ? argc < 3
        : !strcmp(op, "revoke") ? argc != 3
                                : 1) {
        return cli_usage();
    }
    if ((rc = cli_find(c, argv[0], &u)) != 0) {
        return rc;
    }
    if (!strcmp(op, "list")) {
        return cli_token_list(c, u);
    }
    if (!strcmp(op, "add")) {
        return cli_token_add(c, u, argv[2], argc > 3 ? argv[3] : NULL);
    }
    rv = sso_registry_token_revoke(c->reg, c->p, u->username, argv[2], &err);
    if (rv != APR_SUCCESS) {
        return cli_fail(rv, err);
    }
    printf("token '%s' of '%s' revoked\n", argv[2], u->username);
    return 0;
}

static const struct {
    const char *name;
    int min, max; /* arguments; max -1: any number */
    int store;    /* opens the store */
    cli_fn fn;
} cli_commands[] = {
    { "list", 0, 0, 1, cmd_list },       { "show", 1, 1, 1, cmd_show },
    { "add", 1, -1, 1, cmd_add },        { "passwd", 1, 1, 1, cmd_passwd },
    { "link", 3, -1, 1, cmd_link },      { "groups", 2, -1, 1, cmd_groups },
    { "disable", 1, 1, 1, cmd_disable }, { "enable", 1, 1, 1, cmd_enable },
    { "delete", 1, 1, 1, cmd_delete },   { "totp", 2, 2, 1, cmd_totp },
    { "log", 0, 3, 1, cmd_log },         { "token", 2, 4, 1, cmd_token },
    { "store", 0, 0, 0, cmd_store },
};

static int cli_run(cli *c, int argc, const char *const *argv)
{
    size_t i;
    const char *err;
    apr_status_t rv;
    int rc;

    for (i = 0; i < sizeof(cli_commands) / sizeof(cli_commands[0]); i++) {
        if (strcmp(argv[0], cli_commands[i].name)) {
            continue;
        }
        if (argc - 1 < cli_commands[i].min
            || (cli_commands[i].max >= 0 && argc - 1 > cli_commands[i].max)) {
            return cli_usage();
        }
        if (!cli_commands[i].store) {
            return cli_commands[i].fn(c, argc - 1, argv + 1);
        }
        rv = sso_registry_open(c->p, c->spec, &c->reg, &err);
        if (rv == APR_EINVAL || rv == APR_ENOTIMPL) {
            return cli_error(EXIT_USAGE, "%s", err);
        }
        if (rv != APR_SUCCESS) {
            return cli_error(EXIT_STORE, "%s", err);
        }
        cli_fix_owner(c);
        rc = cli_commands[i].fn(c, argc - 1, argv + 1);
        cli_fix_owner(c);
        sso_registry_close(c->reg);
        cli_fix_owner(c);
        return rc;
    }
    cli_error(0, "unknown command '%s'", argv[0]);
    return cli_usage();
}

int main(int argc, const char *const *argv)
{
    const char *spec = NULL, *conf = NULL, *arg;
    apr_getopt_t *opt;
    apr_status_t rv;
    cli c = { 0 };
    char ch;
    int rc;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        return EXIT_STORE;
    }
    atexit(apr_terminate);
    apr_pool_create(&c.p, NULL);
    apr_getopt_init(&opt, c.p, argc, argv);
    while ((rv = apr_getopt(opt, "s:f:i:h", &ch, &arg)) == APR_SUCCESS) {
        if (ch == 's') {
            spec = arg;
        }
        else if (ch == 'i') {
            c.issuer = arg;
        }
        else if (ch == 'f') {
            conf = arg;
        }
        else {
            return cli_usage();
        }
    }
    if (rv != APR_EOF || opt->ind >= argc || (spec && conf)) {
        return cli_usage();
    }
    if ((rc = cli_resolve_store(&c, spec, conf)) != 0) {
        return rc;
    }
    rc = cli_run(&c, argc - opt->ind, argv + opt->ind);
    apr_pool_destroy(c.p);
    return rc;
}
