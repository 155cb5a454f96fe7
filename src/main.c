/*
 * main.c - the command table and dispatch; the only place that prints an
 * error and picks the exit status (0 success, 1 failure, 2 bad usage or
 * refused input).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/options.h"

struct command {
	const char *name;
	int (*run)(int argc, const char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"backup", cmd_backup, "take a backup, then apply retention"},
	{"list", cmd_list, "list the backups, 1 = newest"},
	{"show", cmd_show, "print one backup's manifest and files"},
	{"verify", cmd_verify, "check checksums and decode backups"},
	{"restore", cmd_restore, "restore a backup over (or beside) a database"},
	{"prune", cmd_prune, "delete the backups no retention rule keeps"},
	{"status", cmd_status, "summary for monitoring; exit 1 when stale or missing"},
	{"compare", cmd_compare, "tables and row counts of a backup beside the database"},
};

static void usage(FILE *f)
{
	fputs("Usage: dbkeep COMMAND [OPTIONS]\n\n"
	      "Backups of SQLite and PostgreSQL databases: take, keep, check, restore.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'dbkeep COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 bad usage or refused.\n",
	      f);
}

static int exit_status(int rc)
{
	if (rc == 0)
		return 0;
	return rc == DBK_EUSAGE || rc == DBK_EREFUSED ? 2 : 1;
}

int main(int argc, const char **argv)
{
	const struct command *cmd = NULL;
	int rc;

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
			const char *help_argv[] = {argv[2], "--help", NULL};
			for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return exit_status(commands[i].run(2, help_argv));
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("dbkeep %s\n", DBKEEP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "dbkeep: unknown command '%s' (see 'dbkeep --help')\n", argv[1]);
		return 2;
	}

	rc = cmd->run(argc - 1, argv + 1);
	fflush(stdout);
	if (rc) {
		const char *msg = dbk_errmsg();
		fprintf(stderr, "dbkeep: %s\n", *msg ? msg : "failed");
	}
	dbk_cli_release();
	return exit_status(rc);
}
