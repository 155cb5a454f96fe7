/*
 * cmd_verify.c - dbkeep verify [N|PATH|--all] [--deep]: checksums, a full
 * decode, and with --deep the engine's own check of the decoded copy.
 */
#include <stdio.h>
#include <string.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"
#include "dbkeep/restore.h"

struct poptOption cmd_verify_options[] = {
	{"all", 'a', POPT_ARG_NONE, &dbk_cli.all, 0, "verify every backup, safety ones included",
	 NULL},
	{"deep", '\0', POPT_ARG_NONE, &dbk_cli.deep, 0,
	 "also check the decompressed copy with the engine (SQLite integrity_check)", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* Prints one verdict line; returns 1 when the backup failed. */
static int verify_one(const struct dbk_entry *e)
{
	struct dbk_strbuf result = DBK_STRBUF_INIT;
	int rc = dbk_backup_check(dbk_cli.dir, e, dbk_cli.deep, &result);

	if (rc)
		printf("FAILED  %s: %s\n", e->file, result.buf);
	else if (dbk_verbosity >= 0)
		printf("ok      %s%s%s\n", e->file, result.len ? "  " : "", result.buf);
	dbk_strbuf_release(&result);
	return rc != 0;
}

int cmd_verify(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc, failed = 0, checked = 0;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_entry tmp;
	const struct dbk_entry *e;

	memset(&tmp, 0, sizeof(tmp));
	if ((rc = dbk_cli_parse("verify", argc, argv, cmd_verify_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("verify", args, nargs, 1)))
		goto out;
	if (dbk_cli.all && nargs) {
		rc = dbk_seterr(DBK_EUSAGE, "verify: give a backup or --all, not both");
		goto out;
	}
	if ((rc = dbk_catalog_load(dbk_cli.dir, &cat)))
		goto out;
	if (dbk_cli.all) {
		for (size_t i = 0; i < cat.n; i++, checked++)
			failed += verify_one(&cat.entries[i]);
		for (size_t i = 0; i < cat.n_safety; i++, checked++)
			failed += verify_one(&cat.safety[i]);
		if (checked == 0) {
			rc = dbk_seterr(DBK_ENOTFOUND, "no backups in '%s'", cat.dir);
			goto out;
		}
	} else {
		if ((rc = dbk_catalog_resolve(&cat, nargs ? args[0] : "1", &tmp, &e)))
			goto out;
		checked = 1;
		failed = verify_one(e);
	}
	if (failed)
		rc = dbk_seterr(DBK_ECORRUPT, "%d of %d backups failed verification", failed,
				checked);
out:
	dbk_entry_release(&tmp);
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
