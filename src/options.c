/*
 * options.c - shared popt tables, environment and defaults (see options.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"

struct dbk_cli dbk_cli;

struct poptOption dbk_popt_common[] = {
	{"dir", 'd', POPT_ARG_STRING, &dbk_cli.dir, 0,
	 "backup directory (default: $DBKEEP_DIR or ./backups)", "DIR"},
	{"verbose", 'v', POPT_ARG_NONE, &dbk_cli.verbose, 0, "say more on stderr", NULL},
	{"quiet", 'q', POPT_ARG_NONE, &dbk_cli.quiet, 0, "print nothing but errors", NULL},
	{"wait", '\0', POPT_ARG_INT, &dbk_cli.wait, 0,
	 "wait up to SECONDS for another dbkeep using the directory (default: fail at once)",
	 "SECONDS"},
	{"syslog", '\0', POPT_ARG_NONE, &dbk_cli.syslog, 0,
	 "log one line per run to syslog (ident dbkeep)", NULL},
	{"log-file", '\0', POPT_ARG_STRING, &dbk_cli.log_file, 0,
	 "append one line per run to FILE", "FILE"},
	{"config", '\0', POPT_ARG_STRING, &dbk_cli.config, 0,
	 "read settings from FILE (default: $DBKEEP_CONFIG, else /etc/dbkeep.conf if present)",
	 "FILE"},
	{"job", '\0', POPT_ARG_STRING, &dbk_cli.job, 0,
	 "run with the settings of this job of the config file (repeatable)", "NAME"},
	{"all-jobs", '\0', POPT_ARG_NONE, &dbk_cli.all_jobs, 0,
	 "run once for every job of the config file", NULL},
	POPT_TABLEEND};

struct poptOption dbk_popt_conn[] = {
	{"engine", 'e', POPT_ARG_STRING, &dbk_cli.engine, 0,
	 "sqlite or postgres (default: guessed from --db)", "ENGINE"},
	{"db", '\0', POPT_ARG_STRING, &dbk_cli.db, 0,
	 "SQLite file, or PostgreSQL database name or URI (default: $DB_NAME)", "DB"},
	{"host", 'H', POPT_ARG_STRING, &dbk_cli.host, 0, "PostgreSQL host (default: $DB_HOST)",
	 "HOST"},
	{"port", 'p', POPT_ARG_STRING, &dbk_cli.port, 0, "PostgreSQL port (default: $DB_PORT)",
	 "PORT"},
	{"user", 'U', POPT_ARG_STRING, &dbk_cli.user, 0, "PostgreSQL user (default: $DB_USER)",
	 "USER"},
	{"connect-timeout", '\0', POPT_ARG_INT, &dbk_cli.connect_timeout, 0,
	 "give up connecting after SECONDS (default 10)", "SECONDS"},
	POPT_TABLEEND};

struct poptOption dbk_popt_roles[] = {
	{"no-owner", '\0', POPT_ARG_NONE, &dbk_cli.no_owner, 0,
	 "PostgreSQL: no ownership, no roles", NULL},
	{"no-privileges", '\0', POPT_ARG_NONE, &dbk_cli.no_privileges, 0,
	 "PostgreSQL: no grants", NULL},
	POPT_TABLEEND};

struct poptOption dbk_popt_dump[] = {
	{"compress", 'Z', POPT_ARG_INT, &dbk_cli.level, 0, "gzip level 1..9 (default 6)", "N"},
	{"no-compress", 'n', POPT_ARG_NONE, &dbk_cli.no_compress, 0, "store without gzip", NULL},
	{"jobs", 'j', POPT_ARG_INT, &dbk_cli.jobs, 0,
	 "compress on N threads, 1..64 (default: the number of online CPUs)", "N"},
	{"label", '\0', POPT_ARG_STRING, &dbk_cli.label, 0,
	 "name backups LABEL_<time> (default: the database's name)", "LABEL"},
	{"schema", '\0', POPT_ARG_ARGV, &dbk_cli.schemas, 0,
	 "PostgreSQL: dump only this schema (repeatable)", "SCHEMA"},
	{"exclude-table", '\0', POPT_ARG_ARGV, &dbk_cli.exclude_tables, 0,
	 "PostgreSQL: leave this table out (repeatable)", "TABLE"},
	{"allow-partial", '\0', POPT_ARG_NONE, &dbk_cli.allow_partial, 0,
	 "PostgreSQL: leave out objects dbkeep cannot dump, listing them in the manifest", NULL},
	{"allow-empty", '\0', POPT_ARG_NONE, &dbk_cli.allow_empty, 0,
	 "accept a database with no tables", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_roles, 0, NULL, NULL},
	{"lock-timeout", '\0', POPT_ARG_INT, &dbk_cli.lock_timeout, 0,
	 "PostgreSQL: give up when tables stay locked SECONDS (default 10)", "SECONDS"},
	POPT_TABLEEND};

struct poptOption dbk_popt_retention[] = {
	{"keep-last", 'c', POPT_ARG_INT, &dbk_cli.keep.keep_last, 0,
	 "keep the N newest backups (default 10 when no rule is given; alias --count)", "N"},
	{"count", '\0', POPT_ARG_INT | POPT_ARGFLAG_DOC_HIDDEN, &dbk_cli.keep.keep_last, 0,
	 "alias of --keep-last", "N"},
	{"keep-days", 'r', POPT_ARG_INT, &dbk_cli.keep.keep_days, 0,
	 "keep every backup younger than D days (alias --retention)", "D"},
	{"retention", '\0', POPT_ARG_INT | POPT_ARGFLAG_DOC_HIDDEN, &dbk_cli.keep.keep_days, 0,
	 "alias of --keep-days", "D"},
	{"keep-daily", '\0', POPT_ARG_INT, &dbk_cli.keep.keep_daily, 0,
	 "keep the newest backup of each of the last N days", "N"},
	{"keep-weekly", '\0', POPT_ARG_INT, &dbk_cli.keep.keep_weekly, 0,
	 "keep the newest backup of each of the last N weeks", "N"},
	{"keep-monthly", '\0', POPT_ARG_INT, &dbk_cli.keep.keep_monthly, 0,
	 "keep the newest backup of each of the last N months", "N"},
	{"keep-yearly", '\0', POPT_ARG_INT, &dbk_cli.keep.keep_yearly, 0,
	 "keep the newest backup of each of the last N years", "N"},
	POPT_TABLEEND};

static void cli_reset(void)
{
	memset(&dbk_cli, 0, sizeof(dbk_cli));
	dbk_cli.wait = 0; /* fail at once; --wait -1 waits forever */
	dbk_cli.connect_timeout = DBK_UNSET;
	dbk_cli.level = DBK_UNSET;
	dbk_cli.jobs = DBK_UNSET;
	dbk_cli.lock_timeout = DBK_UNSET;
	dbk_cli.max_age = DBK_UNSET;
	dbk_cli.warn_age = DBK_UNSET;
	dbk_cli.keep.keep_last = DBK_UNSET;
	dbk_cli.keep.keep_days = DBK_UNSET;
	dbk_cli.keep.keep_daily = DBK_UNSET;
	dbk_cli.keep.keep_weekly = DBK_UNSET;
	dbk_cli.keep.keep_monthly = DBK_UNSET;
	dbk_cli.keep.keep_yearly = DBK_UNSET;
}

/* Reads a non-negative integer from the environment into *v unless given. */
static int env_int(const char *name, int *v)
{
	const char *s = getenv(name);
	char *end;
	long n;

	if (*v != DBK_UNSET || !s || !*s)
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < 0 || n > INT_MAX)
		return dbk_seterr(DBK_EUSAGE, "environment variable %s='%s' is not a number", name,
				  s);
	*v = (int)n;
	return 0;
}

static const char *env_str(const char *given, const char *name)
{
	const char *s;

	if (given)
		return given;
	s = getenv(name);
	return s && *s ? s : NULL;
}

static int check_range(const char *opt, int v, int lo, int hi)
{
	if (v == DBK_UNSET)
		return 0;
	if (v < lo || v > hi)
		return dbk_seterr(DBK_EUSAGE, "option '%s' takes a number from %d to %d, not %d", opt,
				  lo, hi, v);
	return 0;
}

static int cli_finish(void)
{
	int rc;
	struct dbk_retention *k = &dbk_cli.keep;

	if (dbk_cli.quiet)
		dbk_verbosity = -1;
	else if (dbk_cli.verbose)
		dbk_verbosity = 1;

	if (!dbk_cli.dir) {
		const char *d = getenv("DBKEEP_DIR");
		dbk_cli.dir = strdup(d && *d ? d : "./backups");
	}
	if ((rc = env_int("DBKEEP_KEEP_LAST", &k->keep_last)) ||
	    (rc = env_int("DBKEEP_KEEP_DAYS", &k->keep_days)) ||
	    (rc = env_int("DBKEEP_KEEP_DAILY", &k->keep_daily)) ||
	    (rc = env_int("DBKEEP_KEEP_WEEKLY", &k->keep_weekly)) ||
	    (rc = env_int("DBKEEP_KEEP_MONTHLY", &k->keep_monthly)) ||
	    (rc = env_int("DBKEEP_KEEP_YEARLY", &k->keep_yearly)) ||
	    (rc = env_int("DBKEEP_LEVEL", &dbk_cli.level)))
		return rc;
	if ((rc = check_range("--compress", dbk_cli.level, 1, 9)) ||
	    (rc = check_range("--jobs", dbk_cli.jobs, 1, 64)) ||
	    (rc = check_range("--keep-last", k->keep_last, 0, INT_MAX)) ||
	    (rc = check_range("--keep-days", k->keep_days, 0, 1000000)) ||
	    (rc = check_range("--keep-daily", k->keep_daily, 0, INT_MAX)) ||
	    (rc = check_range("--keep-weekly", k->keep_weekly, 0, INT_MAX)) ||
	    (rc = check_range("--keep-monthly", k->keep_monthly, 0, INT_MAX)) ||
	    (rc = check_range("--keep-yearly", k->keep_yearly, 0, INT_MAX)) ||
	    (rc = check_range("--wait", dbk_cli.wait, -1, INT_MAX)) ||
	    (rc = check_range("--connect-timeout", dbk_cli.connect_timeout, 1, 3600)) ||
	    (rc = check_range("--lock-timeout", dbk_cli.lock_timeout, 1, 86400)) ||
	    (rc = check_range("--max-age", dbk_cli.max_age, 1, INT_MAX)) ||
	    (rc = check_range("--warn-age", dbk_cli.warn_age, 1, INT_MAX)))
		return rc;
	if (dbk_cli.level == DBK_UNSET)
		dbk_cli.level = 6;
	if (dbk_cli.no_compress)
		dbk_cli.level = 0;
	if (dbk_cli.jobs == DBK_UNSET) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		dbk_cli.jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}

	dbk_cli.port = (char *)env_str(dbk_cli.port, "DB_PORT");
	if (dbk_cli.port) {
		char *end;
		long n = strtol(dbk_cli.port, &end, 10);
		if (!*dbk_cli.port || *end || n < 1 || n > 65535)
			return dbk_seterr(DBK_EUSAGE, "port '%s' is not a number from 1 to 65535",
					  dbk_cli.port);
	}
	dbk_cli.host = (char *)env_str(dbk_cli.host, "DB_HOST");
	dbk_cli.user = (char *)env_str(dbk_cli.user, "DB_USER");
	dbk_cli.db = (char *)env_str(dbk_cli.db, "DB_NAME");
	dbk_cli.password = env_str(NULL, "DB_PASSWORD");
	return 0;
}

int dbk_cli_parse(const char *cmd, int argc, const char **argv, const struct poptOption *table,
		  poptContext *ctx, const char ***args, int *nargs)
{
	int rc;

	cli_reset();
	*ctx = poptGetContext(cmd, argc, argv, table, 0);
	while ((rc = poptGetNextOpt(*ctx)) > 0)
		;
	if (rc < -1)
		return dbk_seterr(DBK_EUSAGE, "%s: %s '%s' (see 'dbkeep %s --help')", cmd,
				  poptStrerror(rc), poptBadOption(*ctx, POPT_BADOPTION_NOALIAS), cmd);
	*args = poptGetArgs(*ctx);
	*nargs = 0;
	while (*args && (*args)[*nargs])
		(*nargs)++;
	return cli_finish();
}

void dbk_cli_target_for(struct dbk_target *t, const char *db)
{
	memset(t, 0, sizeof(*t));
	t->db = db;
	t->host = dbk_cli.host;
	t->port = dbk_cli.port;
	t->user = dbk_cli.user;
	t->password = dbk_cli.password;
	t->connect_timeout = dbk_cli.connect_timeout == DBK_UNSET ? 0 : dbk_cli.connect_timeout;
}

void dbk_cli_target(struct dbk_target *t)
{
	dbk_cli_target_for(t, dbk_cli.db);
}

int dbk_cli_driver(const char *db, const struct dbk_driver **out)
{
	if (dbk_cli.engine) {
		*out = dbk_driver_find(dbk_cli.engine);
		if (!*out)
			return dbk_seterr(DBK_EUSAGE, "unknown engine '%s' (sqlite or postgres)",
					  dbk_cli.engine);
		return 0;
	}
	if (!db && (getenv("PGDATABASE") || getenv("PGSERVICE")))
		*out = dbk_driver_find("postgres");
	else
		*out = dbk_driver_guess(db);
	if (!*out)
		return dbk_seterr(DBK_EUSAGE,
				  "no database given: use --db PATH|NAME or set DB_NAME");
	return 0;
}

void dbk_cli_retention(struct dbk_retention *out)
{
	const struct dbk_retention *k = &dbk_cli.keep;

	out->keep_last = k->keep_last == DBK_UNSET ? 0 : k->keep_last;
	out->keep_days = k->keep_days == DBK_UNSET ? 0 : k->keep_days;
	out->keep_daily = k->keep_daily == DBK_UNSET ? 0 : k->keep_daily;
	out->keep_weekly = k->keep_weekly == DBK_UNSET ? 0 : k->keep_weekly;
	out->keep_monthly = k->keep_monthly == DBK_UNSET ? 0 : k->keep_monthly;
	out->keep_yearly = k->keep_yearly == DBK_UNSET ? 0 : k->keep_yearly;
	/* Only when no rule was named at all does the default apply; "--keep-last 0"
	 * alone means "no rule", which keeps just the newest backup. */
	if (k->keep_last == DBK_UNSET && k->keep_days == DBK_UNSET &&
	    k->keep_daily == DBK_UNSET && k->keep_weekly == DBK_UNSET &&
	    k->keep_monthly == DBK_UNSET && k->keep_yearly == DBK_UNSET)
		out->keep_last = DBK_RETENTION_DEFAULT_KEEP_LAST;
}

void dbk_cli_release(void)
{
	free(dbk_cli.dir);
	dbk_cli.dir = NULL;
}
