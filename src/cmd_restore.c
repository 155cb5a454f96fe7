/*
 * cmd_restore.c - dbkeep restore N|PATH|NAME: the shared protocol of
 * restore.c, with the backup and its target chosen from the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/options.h"
#include "dbkeep/restore.h"

struct poptOption cmd_restore_options[] = {
	{"force", 'f', POPT_ARG_NONE, &dbk_cli.force, 0, "do not ask (for scripts)", NULL},
	{"yes", 'y', POPT_ARG_NONE, &dbk_cli.force, 0, "same as --force", NULL},
	{"target", 't', POPT_ARG_STRING, &dbk_cli.target, 0,
	 "restore into this database instead (a restore drill); same as --db", "DB"},
	{"no-safety-backup", '\0', POPT_ARG_NONE, &dbk_cli.no_safety, 0,
	 "do not save the current database first", NULL},
	{"keep-old", '\0', POPT_ARG_NONE, &dbk_cli.keep_old, 0,
	 "PostgreSQL: keep the replaced database under another name", NULL},
	{"terminate", '\0', POPT_ARG_NONE, &dbk_cli.terminate, 0,
	 "PostgreSQL: end other sessions on the database before the swap", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_roles, 0, NULL, NULL},
	{"compress", 'Z', POPT_ARG_INT, &dbk_cli.level, 0,
	 "gzip level of the safety backup (default 6)", "N"},
	{"jobs", 'j', POPT_ARG_INT, &dbk_cli.jobs, 0,
	 "PostgreSQL: load on N connections at once, 1..64 (default: the number of online CPUs)",
	 "N"},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_conn, 0, "Database:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

int cmd_restore(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_lock lock = DBK_LOCK_INIT;
	struct dbk_entry tmp;
	const struct dbk_entry *e;
	struct dbk_restore_req req;
	struct dbk_target target;
	const char *db, *engine;

	memset(&tmp, 0, sizeof(tmp));
	memset(&req, 0, sizeof(req));
	if ((rc = dbk_cli_parse("restore", argc, argv, cmd_restore_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("restore", args, nargs, 1)))
		goto out;
	if (nargs < 1) {
		rc = dbk_seterr(DBK_EUSAGE,
				"restore: which backup? give a number from 'dbkeep list', a name or "
				"a path");
		goto out;
	}
	if ((rc = dbk_dir_open_locked("restore", &lock)) ||
	    (rc = dbk_catalog_load(dbk_cli.dir, &cat)) ||
	    (rc = dbk_catalog_resolve(&cat, args[0], &tmp, &e)))
		goto out;

	/* The engine: as recorded, else as asked, else as the content says. */
	engine = e->has_manifest && e->manifest.engine ? e->manifest.engine : e->engine;
	if (dbk_cli.engine) {
		if ((rc = dbk_cli_driver(NULL, &req.drv)))
			goto out;
		if (engine && strcmp(req.drv->name, engine) != 0) {
			rc = dbk_seterr(DBK_EUSAGE, "backup '%s' is a %s backup, not %s", e->file,
					engine, req.drv->name);
			goto out;
		}
	} else if (!engine || !(req.drv = dbk_driver_find(engine))) {
		rc = dbk_seterr(DBK_EUSAGE, "cannot tell the engine of '%s': use --engine",
				e->file);
		goto out;
	}

	/* The target: as asked, else the database the backup was taken from. */
	db = dbk_cli.target ? dbk_cli.target
	     : dbk_cli.db  ? dbk_cli.db
	     : e->has_manifest ? e->manifest.database
			       : NULL;
	if (!db && (e->problems & DBK_PROBLEM_BAD_MANIFEST)) {
		/* The damage is the news, not a missing --db. */
		rc = dbk_seterr(DBK_ECORRUPT, "backup '%s' is not restorable: manifest is unreadable",
				e->file);
		goto out;
	}
	if (!db) {
		rc = dbk_seterr(DBK_EUSAGE,
				"backup '%s' has no manifest naming its database: use --db", e->file);
		goto out;
	}
	dbk_cli_target_for(&target, db);

	req.dir = dbk_cli.dir;
	req.backup = e;
	req.target = &target;
	req.force = dbk_cli.force;
	req.safety = !dbk_cli.no_safety;
	req.level = dbk_cli.level;
	req.opts.scratch_dir = dbk_cli.dir;
	req.opts.no_owner = dbk_cli.no_owner;
	req.opts.no_privileges = dbk_cli.no_privileges;
	req.opts.keep_old = dbk_cli.keep_old;
	req.opts.terminate = dbk_cli.terminate;
	req.opts.jobs = dbk_cli.jobs;
	rc = dbk_restore_run(&req);
out:
	dbk_lock_release(&lock);
	dbk_entry_release(&tmp);
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
