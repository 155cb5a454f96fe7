/*
 * cmd_backup.c - dbkeep backup: one backup set, then retention.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbkeep/backupset.h"
#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"
#include "dbkeep/prune.h"
#include "dbkeep/runlog.h"

struct poptOption cmd_backup_options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_conn, 0, "Database:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_dump, 0, "Backup:", NULL},
	{"kind", '\0', POPT_ARG_STRING, &dbk_cli.kind, 0,
	 "scheduled or manual (default: manual on a terminal, else scheduled)", "KIND"},
	{"no-prune", '\0', POPT_ARG_NONE, &dbk_cli.no_prune, 0, "do not apply retention", NULL},
	{"on-success", '\0', POPT_ARG_STRING, &dbk_cli.on_success, 0,
	 "run CMD (with /bin/sh) after a successful backup; see DBKEEP_FILE etc. in dbkeep(1)",
	 "CMD"},
	{"on-failure", '\0', POPT_ARG_STRING, &dbk_cli.on_failure, 0,
	 "run CMD after a failed backup, with the error in DBKEEP_ERROR", "CMD"},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_retention, 0,
	 "Retention (applied after a successful backup):", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* A SQLite path is recorded absolute so that restore finds it from anywhere. */
static char *absolute_db(const struct dbk_driver *drv, const char *db)
{
	char *abs;

	if (!(drv->caps & DBK_CAP_FILE_TARGET) || !db)
		return NULL;
	abs = realpath(db, NULL);
	return abs;
}

/* The hooks: the backup is kept whatever they do, but a failing hook makes
 * the run fail so that cron reports it. */
static int run_hooks(int rc, const struct dbk_driver *drv, const char *db, const char *path,
		     uint64_t size)
{
	int hook_rc;

	if (rc == 0 && dbk_cli.on_success)
		return dbk_run_hook("--on-success", dbk_cli.on_success, "success", NULL,
				    drv ? drv->name : NULL, db, path, size);
	if (rc != 0 && dbk_cli.on_failure) {
		char *err = dbk_strdup(dbk_errmsg());
		hook_rc = dbk_run_hook("--on-failure", dbk_cli.on_failure, "failure", err,
				       drv ? drv->name : NULL, db, path, size);
		if (hook_rc)
			dbk_warn("%s", "the --on-failure hook failed too");
		free(err);
	}
	return rc;
}

int cmd_backup(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc;
	const struct dbk_driver *drv = NULL;
	struct dbk_target target;
	struct dbk_conn *conn = NULL;
	struct dbk_lock lock = DBK_LOCK_INIT;
	struct dbk_backup_req req;
	struct dbk_manifest m;
	struct dbk_strlist schemas = DBK_STRLIST_INIT, excludes = DBK_STRLIST_INIT;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_retention keep;
	char *path = NULL, *abs = NULL;

	dbk_manifest_init(&m);
	if ((rc = dbk_cli_parse("backup", argc, argv, cmd_backup_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("backup", args, nargs, 0)) ||
	    (rc = dbk_cli_driver(dbk_cli.db, &drv)))
		goto out;
	if (dbk_cli.kind && strcmp(dbk_cli.kind, "scheduled") != 0 &&
	    strcmp(dbk_cli.kind, "manual") != 0) {
		rc = dbk_seterr(DBK_EUSAGE, "backup: --kind takes 'scheduled' or 'manual', not '%s'",
				dbk_cli.kind);
		goto out;
	}
	if (!(drv->caps & DBK_CAP_SERVER) &&
	    (dbk_cli.schemas || dbk_cli.exclude_tables || dbk_cli.allow_partial)) {
		rc = dbk_seterr(DBK_EUSAGE, "backup: --schema, --exclude-table and "
					    "--allow-partial apply to PostgreSQL only");
		goto out;
	}
	for (size_t i = 0; dbk_cli.schemas && dbk_cli.schemas[i]; i++)
		dbk_strlist_add(&schemas, dbk_cli.schemas[i]);
	for (size_t i = 0; dbk_cli.exclude_tables && dbk_cli.exclude_tables[i]; i++)
		dbk_strlist_add(&excludes, dbk_cli.exclude_tables[i]);

	if ((rc = dbk_dir_open_locked("backup", &lock)))
		goto out;
	abs = absolute_db(drv, dbk_cli.db);
	dbk_cli_target_for(&target, abs ? abs : dbk_cli.db);
	if ((rc = drv->connect(&target, &conn)))
		goto out;

	memset(&req, 0, sizeof(req));
	req.dir = dbk_cli.dir;
	req.conn = conn;
	req.label = dbk_cli.label;
	req.kind = dbk_cli.kind ? dbk_cli.kind : isatty(STDIN_FILENO) ? "manual" : "scheduled";
	req.level = dbk_cli.level;
	req.jobs = dbk_cli.jobs;
	req.allow_empty = dbk_cli.allow_empty;
	req.dump.scratch_dir = dbk_cli.dir;
	req.dump.allow_partial = dbk_cli.allow_partial;
	req.dump.no_owner = dbk_cli.no_owner;
	req.dump.no_privileges = dbk_cli.no_privileges;
	req.dump.lock_timeout_ms =
		dbk_cli.lock_timeout == DBK_UNSET ? 0 : dbk_cli.lock_timeout * 1000;
	req.dump.schemas = &schemas;
	req.dump.exclude_tables = &excludes;
	if ((rc = dbk_backup_write(&req, &m, &path)))
		goto out;
	dbk_runlog_note(conn->display, path, m.stored_bytes);

	if (dbk_verbosity >= 0) {
		char size[32];
		dbk_format_size(m.stored_bytes, size, sizeof(size));
		printf("%s  %s, %zu tables, %" PRIu64 " rows, %.1f s\n", path, size, m.tables.n,
		       dbk_tables_total_rows(&m.tables), m.duration);
	}
	if (m.omitted.n)
		dbk_warn("%zu objects were left out (--allow-partial); see the manifest",
			 m.omitted.n);

	/* Retention runs only after a backup that succeeded. */
	if (!dbk_cli.no_prune) {
		dbk_cli_retention(&keep);
		struct dbk_entry self;

		memset(&self, 0, sizeof(self));
		self.file = m.file;
		self.engine = m.engine;
		if ((rc = dbk_catalog_load(dbk_cli.dir, &cat)) ||
		    (rc = dbk_prune(&cat, &keep, 0, 0, &self)))
			goto out;
	}
out:
	if (ctx)
		rc = run_hooks(rc, drv, conn ? conn->display : dbk_cli.db, path,
			       path ? m.stored_bytes : 0);
	if (conn)
		conn->drv->disconnect(conn);
	dbk_lock_release(&lock);
	dbk_catalog_release(&cat);
	dbk_manifest_release(&m);
	dbk_strlist_release(&schemas);
	dbk_strlist_release(&excludes);
	free(path);
	free(abs);
	poptFreeContext(ctx);
	return rc;
}
