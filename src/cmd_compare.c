/*
 * cmd_compare.c - dbkeep compare N|PATH: a backup's tables and row counts
 * beside the live database's.  Exit 0 when they match, 1 when they differ.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"

struct poptOption cmd_compare_options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_conn, 0, "Database:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

static void row(const char *name, const struct dbk_table_count *b, const struct dbk_table_count *l,
		int *diff)
{
	char bs[24] = "-", ls[24] = "-";
	int same = b && l && b->rows == l->rows;

	if (b)
		snprintf(bs, sizeof(bs), "%" PRId64, b->rows);
	if (l)
		snprintf(ls, sizeof(ls), "%" PRId64, l->rows);
	if (!same)
		(*diff)++;
	if (dbk_verbosity < 0)
		return;
	printf("%c %-48s %12s %12s\n", same ? ' ' : '*', name, bs, ls);
}

int cmd_compare(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc, diff = 0;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_entry tmp;
	const struct dbk_entry *e;
	const struct dbk_driver *drv;
	struct dbk_target target;
	struct dbk_conn *conn = NULL;
	struct dbk_tables live = DBK_TABLES_INIT;
	const struct dbk_tables *bt;

	memset(&tmp, 0, sizeof(tmp));
	if ((rc = dbk_cli_parse("compare", argc, argv, cmd_compare_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("compare", args, nargs, 1)) ||
	    (rc = dbk_catalog_load(dbk_cli.dir, &cat)) ||
	    (rc = dbk_catalog_resolve(&cat, nargs ? args[0] : "1", &tmp, &e)))
		goto out;
	if (!e->has_manifest || (e->problems & DBK_PROBLEM_BAD_MANIFEST)) {
		rc = dbk_seterr(DBK_EUSAGE, "backup '%s' has no readable manifest to compare",
				e->file);
		goto out;
	}
	if (!(drv = dbk_driver_find(e->manifest.engine))) {
		rc = dbk_seterr(DBK_EUSAGE, "backup '%s' is of unknown engine '%s'", e->file,
				e->manifest.engine);
		goto out;
	}
	dbk_cli_target_for(&target, dbk_cli.db ? dbk_cli.db : e->manifest.database);
	if ((rc = drv->connect(&target, &conn)) || (rc = drv->count_tables(conn, &live)))
		goto out;
	bt = &e->manifest.tables;
	if (dbk_verbosity >= 0)
		printf("  %-48s %12s %12s\n", "table", "backup", "live");
	for (size_t i = 0; i < bt->n; i++)
		row(bt->items[i].name, &bt->items[i], dbk_tables_find(&live, bt->items[i].name),
		    &diff);
	for (size_t i = 0; i < live.n; i++)
		if (!dbk_tables_find(bt, live.items[i].name))
			row(live.items[i].name, NULL, &live.items[i], &diff);
	if (diff)
		rc = dbk_seterr(DBK_EFAIL, "database '%s' differs from backup '%s' in %d tables",
				conn->display, e->file, diff);
	else if (dbk_verbosity >= 0)
		printf("database '%s' matches backup '%s'\n", conn->display, e->file);
out:
	if (conn)
		conn->drv->disconnect(conn);
	dbk_tables_release(&live);
	dbk_entry_release(&tmp);
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
