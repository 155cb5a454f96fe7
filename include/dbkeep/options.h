/*
 * options.h - the command line and environment, shared by every command.
 *
 * Each command builds its popt table from the shared sub-tables below
 * (POPT_ARG_INCLUDE_TABLE) plus its own options; popt fills the one global
 * struct dbk_cli.  dbk_cli_finish() then applies the environment and the
 * defaults, in the order options > environment > defaults, and validates.
 * Integers that were not given hold DBK_UNSET.
 */
#ifndef DBKEEP_OPTIONS_H
#define DBKEEP_OPTIONS_H

#include <limits.h>
#include <popt.h>

#include "dbkeep/driver.h"
#include "dbkeep/retention.h"

#define DBK_UNSET INT_MIN

struct dbk_cli {
	/* common */
	char *dir;
	int verbose;
	int quiet;
	int json;
	int wait;            /* --wait SECONDS for the folder lock */
	int syslog;          /* one line per run to syslog */
	char *log_file;      /* one line per run appended here */
	char *config;        /* handled by main before popt (config.h) */
	char *job;
	int all_jobs;
	/* connection */
	char *engine;
	char *db;
	char *host;
	char *port;
	char *user;
	int connect_timeout;
	/* dump */
	int level;
	int no_compress;
	int jobs;            /* --jobs: compression threads, 1..64 */
	char *label;
	char *kind;
	const char **schemas;        /* popt ARGV: NULL-terminated, freed by dbk_cli_release */
	const char **exclude_tables;
	int allow_partial;
	int allow_empty;
	int no_owner;
	int no_privileges;
	int lock_timeout;    /* seconds */
	int no_prune;
	char *on_success;    /* hooks run after a backup (runlog.h) */
	char *on_failure;
	/* retention */
	struct dbk_retention keep; /* members DBK_UNSET until finished */
	/* restore */
	int force;
	int no_safety;
	int keep_old;
	int terminate;
	char *target;
	/* verify */
	int all;
	int deep;
	/* prune */
	int dry_run;
	/* status */
	int max_age;        /* hours */
	int warn_age;       /* hours, --nagios WARNING */
	int nagios;

	/* filled by dbk_cli_finish from the environment, never printed */
	const char *password;
};

extern struct dbk_cli dbk_cli;

extern struct poptOption dbk_popt_common[];
extern struct poptOption dbk_popt_conn[];
extern struct poptOption dbk_popt_dump[];
extern struct poptOption dbk_popt_roles[]; /* --no-owner, --no-privileges */
extern struct poptOption dbk_popt_retention[];

/* Runs popt over argv with table; leftover arguments are returned in *args
 * (owned by *ctx: free with poptFreeContext after use).  Bad options are
 * DBK_EUSAGE naming the option.  Then applies the environment and defaults. */
int dbk_cli_parse(const char *cmd, int argc, const char **argv, const struct poptOption *table,
		  poptContext *ctx, const char ***args, int *nargs);

/* The connection target from options and DB_* variables (borrowed strings). */
void dbk_cli_target(struct dbk_target *t);
/* The target for database db (restore's --target/--db or a manifest's). */
void dbk_cli_target_for(struct dbk_target *t, const char *db);

/* The driver: --engine, else guessed from db.  DBK_EUSAGE for an unknown one. */
int dbk_cli_driver(const char *db, const struct dbk_driver **out);

/* The retention policy to apply: the given rules, or keep_last 10 when none. */
void dbk_cli_retention(struct dbk_retention *out);

void dbk_cli_release(void);

#endif
