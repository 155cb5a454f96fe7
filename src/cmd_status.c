/*
 * cmd_status.c - dbkeep status: a summary for people and monitors; exit 1
 * when there is no backup, the newest is damaged, or older than --max-age.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/options.h"

static struct poptOption options[] = {
	{"max-age", '\0', POPT_ARG_INT, &dbk_cli.max_age, 0,
	 "fail when the newest backup is older than HOURS", "HOURS"},
	{"json", '\0', POPT_ARG_NONE, &dbk_cli.json, 0, "print one JSON object", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

int cmd_status(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	const struct dbk_entry *latest = NULL;
	uint64_t total = 0;
	size_t count = 0;
	long age = 0;
	char iso[32], size[32], agebuf[32];

	if ((rc = dbk_cli_parse("status", argc, argv, options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("status", args, nargs, 0)) ||
	    (rc = dbk_catalog_load(dbk_cli.dir, &cat)))
		goto out;
	/* dbkeep's own regular backups; files of other tools prove nothing. */
	for (size_t i = 0; i < cat.n; i++) {
		if (cat.entries[i].cls != DBK_ENTRY_REGULAR)
			continue;
		if (!latest)
			latest = &cat.entries[i];
		count++;
		total += cat.entries[i].stored_bytes;
	}
	if (latest) {
		age = (long)difftime(time(NULL), latest->created);
		dbk_format_iso(latest->created, iso, sizeof(iso));
	}
	if (dbk_cli.json) {
		json_t *o = json_pack("{s:b, s:I, s:I}", "hasBackups", latest != NULL, "count",
				      (json_int_t)count, "totalBytes", (json_int_t)total);
		if (latest)
			json_object_set_new(o, "latest",
					    json_pack("{s:s, s:s, s:I, s:b}", "name", latest->file,
						      "created", iso, "age", (json_int_t)age, "ok",
						      latest->problems == 0));
		char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (!text) {
			rc = dbk_oom();
			goto out;
		}
		puts(text);
		free(text);
	} else if (latest && dbk_verbosity >= 0) {
		dbk_format_size(total, size, sizeof(size));
		dbk_format_age(age, agebuf, sizeof(agebuf));
		printf("%zu backups, %s in '%s'\nnewest: %s, %s, %s old\n", count, size, cat.dir,
		       latest->file, iso, agebuf);
	}
	if (!latest)
		rc = dbk_seterr(DBK_ENOTFOUND, "no backups in '%s'", cat.dir);
	else if (latest->problems)
		rc = dbk_seterr(DBK_ECORRUPT, "newest backup '%s' is damaged (see 'dbkeep list')",
				latest->file);
	else if (dbk_cli.max_age != DBK_UNSET && age > (long)dbk_cli.max_age * 3600)
		rc = dbk_seterr(DBK_EFAIL, "newest backup '%s' is %ld hours old (max %d)",
				latest->file, age / 3600, dbk_cli.max_age);
out:
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
