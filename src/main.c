/*
 * main.c - the command table and dispatch; the only place that prints an
 * error and picks the exit status (0 success, 1 failure, 2 bad usage or
 * refused input).
 */
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dbkeep/commands.h"
#include "dbkeep/config.h"
#include "dbkeep/error.h"
#include "dbkeep/options.h"
#include "dbkeep/progress.h"
#include "dbkeep/runlog.h"
#include "dbkeep/strbuf.h"

struct command {
	const char *name;
	int (*run)(int argc, const char **argv);
	const struct poptOption *options;
	const char *summary;
};

static const struct command commands[] = {
	{"backup", cmd_backup, cmd_backup_options, "take a backup, then apply retention"},
	{"list", cmd_list, cmd_list_options, "list the backups, 1 = newest"},
	{"show", cmd_show, cmd_show_options, "print one backup's manifest and files"},
	{"verify", cmd_verify, cmd_verify_options, "check checksums and decode backups"},
	{"restore", cmd_restore, cmd_restore_options,
	 "restore a backup over (or beside) a database"},
	{"prune", cmd_prune, cmd_prune_options, "delete the backups no retention rule keeps"},
	{"status", cmd_status, cmd_status_options,
	 "summary for monitoring; exit 1 when stale or missing"},
	{"compare", cmd_compare, cmd_compare_options,
	 "tables and row counts of a backup beside the database"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* What main takes out of argv before popt sees it: the config file and the
 * jobs to run (config.h). */
struct plan {
	const char *config;
	struct dbk_strlist jobs;
	int all_jobs;
	struct dbk_strlist rest; /* argv without those options */
};

static int plan_parse(int argc, const char **argv, struct plan *p)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int takes = 0;

		if (strcmp(a, "--") == 0) {
			for (; i < argc; i++)
				dbk_strlist_add(&p->rest, argv[i]);
			break;
		}
		if (strcmp(a, "--config") == 0 || strcmp(a, "--job") == 0)
			takes = 1;
		else if (strncmp(a, "--config=", 9) == 0 || strncmp(a, "--job=", 6) == 0)
			val = strchr(a, '=') + 1;
		else if (strcmp(a, "--all-jobs") == 0) {
			p->all_jobs = 1;
			continue;
		} else {
			dbk_strlist_add(&p->rest, a);
			continue;
		}
		if (takes) {
			if (i + 1 >= argc)
				return dbk_seterr(DBK_EUSAGE, "option '%s' needs an argument", a);
			val = argv[++i];
		}
		if (strncmp(a, "--config", 8) == 0)
			p->config = val;
		else
			dbk_strlist_add(&p->jobs, val);
	}
	return 0;
}

/* Loads the config file; every long option of every command is a valid key. */
static int load_config(const struct plan *p, struct dbk_config *cfg)
{
	const struct poptOption *known[N_COMMANDS + 1];
	const char *path = p->config;
	int must = 1;

	for (size_t i = 0; i < N_COMMANDS; i++)
		known[i] = commands[i].options;
	known[N_COMMANDS] = NULL;
	if (!path && (path = getenv("DBKEEP_CONFIG")) && !*path)
		path = NULL;
	if (!path) {
		path = DBK_CONFIG_DEFAULT_PATH;
		must = 0;
	}
	return dbk_config_load(path, must, known, cfg);
}

/* Runs the command once: [defaults] and the job's settings first, then the
 * user's own arguments, which therefore win. */
static int run_once(const struct command *cmd, const struct dbk_config *cfg, const char *job,
		    const struct plan *p)
{
	struct dbk_strlist args = DBK_STRLIST_INIT;
	struct dbk_strbuf name = DBK_STRBUF_INIT;
	double start = dbk_now_seconds();
	int rc;

	/* popt prints argv[0] in --help's usage line. */
	dbk_strbuf_addf(&name, "dbkeep %s", cmd->name);
	dbk_strlist_add(&args, name.buf);
	if ((rc = dbk_config_args(cfg, DBK_CONFIG_DEFAULTS, cmd->options, &args)) ||
	    (job && (rc = dbk_config_args(cfg, job, cmd->options, &args))))
		goto out;
	for (size_t i = 1; i < p->rest.n; i++)
		dbk_strlist_add(&args, p->rest.items[i]);
	dbk_runlog_note(NULL, NULL, 0);
	rc = cmd->run((int)args.n, (const char **)args.items);
	fflush(stdout);
	if (dbk_runlog_emit(cmd->name, rc, dbk_errmsg(), dbk_now_seconds() - start) && !rc)
		rc = dbk_errcode();
out:
	dbk_strlist_release(&args);
	dbk_strbuf_release(&name);
	return rc;
}

static void usage(FILE *f)
{
	fputs("Usage: dbkeep COMMAND [OPTIONS]\n\n"
	      "Backups of SQLite and PostgreSQL databases: take, keep, check, restore.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'dbkeep COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 bad usage or refused.\n",
	      f);
}

/* A command may return a positive status it chose and explained itself
 * (status --nagios); negative codes are errors. */
static int exit_status(int rc)
{
	if (rc >= 0)
		return rc;
	return rc == DBK_EUSAGE || rc == DBK_EREFUSED ? 2 : 1;
}

/* Prints the recorded error, with the job's name when several run. */
static void report(int rc, const char *job)
{
	const char *msg = dbk_errmsg();

	if (rc >= 0)
		return;
	if (job)
		fprintf(stderr, "dbkeep: job '%s': %s\n", job, *msg ? msg : "failed");
	else
		fprintf(stderr, "dbkeep: %s\n", *msg ? msg : "failed");
}

int main(int argc, const char **argv)
{
	const struct command *cmd = NULL;
	struct plan plan = {NULL, DBK_STRLIST_INIT, 0, DBK_STRLIST_INIT};
	struct dbk_config cfg = DBK_CONFIG_INIT;
	int rc, worst = 0;

	/* Backups hold whole databases: nothing dbkeep creates is readable by
	 * others, whatever umask cron hands it. */
	umask(077);
	/* Report a write past RLIMIT_FSIZE or to a closed pipe as an error
	 * instead of dying from the signal with a half-written file. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char name[64];
			const char *help_argv[] = {name, "--help", NULL};
			for (size_t i = 0; i < N_COMMANDS; i++)
				if (strcmp(commands[i].name, argv[2]) == 0) {
					snprintf(name, sizeof(name), "dbkeep %s", argv[2]);
					return exit_status(commands[i].run(2, help_argv));
				}
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("dbkeep %s\n", DBKEEP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "dbkeep: unknown command '%s' (see 'dbkeep --help')\n", argv[1]);
		return 2;
	}

	if ((rc = plan_parse(argc - 1, argv + 1, &plan)) || (rc = load_config(&plan, &cfg)))
		goto out;
	if (plan.all_jobs)
		dbk_config_jobs(&cfg, &plan.jobs);
	if (plan.all_jobs && plan.jobs.n == 0) {
		rc = dbk_seterr(DBK_EUSAGE, "--all-jobs: no jobs in config '%s'",
				cfg.path ? cfg.path : DBK_CONFIG_DEFAULT_PATH);
		goto out;
	}
	for (size_t i = 0; i < plan.jobs.n; i++)
		if (!dbk_config_has_section(&cfg, plan.jobs.items[i])) {
			rc = dbk_seterr(DBK_EUSAGE, "no job '%s' in config '%s'",
					plan.jobs.items[i],
					cfg.path ? cfg.path : DBK_CONFIG_DEFAULT_PATH);
			goto out;
		}
	if (plan.jobs.n == 0) {
		rc = run_once(cmd, &cfg, NULL, &plan);
		goto out;
	}
	/* Several jobs: each runs whatever the others did; the worst status wins. */
	for (size_t i = 0; i < plan.jobs.n; i++) {
		rc = run_once(cmd, &cfg, plan.jobs.items[i], &plan);
		report(rc, plan.jobs.items[i]);
		if (exit_status(rc) > exit_status(worst))
			worst = rc;
		dbk_clearerr();
	}
	rc = worst;
	dbk_config_release(&cfg);
	dbk_strlist_release(&plan.jobs);
	dbk_strlist_release(&plan.rest);
	return exit_status(rc);
out:
	report(rc, NULL);
	dbk_config_release(&cfg);
	dbk_strlist_release(&plan.jobs);
	dbk_strlist_release(&plan.rest);
	dbk_cli_release();
	return exit_status(rc);
}
