/*
 * cmd_prune.c - dbkeep prune: apply the retention rules, explaining each
 * decision.
 */
#include <stdio.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"
#include "dbkeep/prune.h"

struct poptOption cmd_prune_options[] = {
	{"dry-run", '\0', POPT_ARG_NONE, &dbk_cli.dry_run, 0, "say what would go, delete nothing",
	 NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_retention, 0, "Retention:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

int cmd_prune(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_lock lock = DBK_LOCK_INIT;
	struct dbk_retention keep;

	if ((rc = dbk_cli_parse("prune", argc, argv, cmd_prune_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("prune", args, nargs, 0)))
		goto out;
	dbk_cli_retention(&keep);
	if ((rc = dbk_dir_open_locked("prune", &lock)) ||
	    (rc = dbk_catalog_load(dbk_cli.dir, &cat)))
		goto out;
	rc = dbk_prune(&cat, &keep, dbk_cli.dry_run, dbk_verbosity >= 0, NULL);
out:
	dbk_lock_release(&lock);
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
