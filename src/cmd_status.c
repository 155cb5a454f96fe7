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

struct poptOption cmd_status_options[] = {
	{"max-age", '\0', POPT_ARG_INT, &dbk_cli.max_age, 0,
	 "fail when the newest backup is older than HOURS", "HOURS"},
	{"warn-age", '\0', POPT_ARG_INT, &dbk_cli.warn_age, 0,
	 "with --nagios: WARNING when the newest backup is older than HOURS", "HOURS"},
	{"json", '\0', POPT_ARG_NONE, &dbk_cli.json, 0, "print one JSON object", NULL},
	{"nagios", '\0', POPT_ARG_NONE, &dbk_cli.nagios, 0,
	 "print one Nagios plugin line; exit 0 OK, 1 WARNING, 2 CRITICAL", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/*
 * The Nagios plugin convention: one line "STATE - text | perfdata" and the
 * exit status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.  CRITICAL: no backup,
 * the newest damaged, or older than --max-age; WARNING: older than
 * --warn-age.  Returned as a positive status for main to exit with.
 */
static int nagios(const struct dbk_entry *latest, size_t count, uint64_t total, long age)
{
	int state = 0;
	char agebuf[32] = "";
	static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

	if (latest)
		dbk_format_age(age, agebuf, sizeof(agebuf));
	if (!latest || latest->problems ||
	    (dbk_cli.max_age != DBK_UNSET && age > (long)dbk_cli.max_age * 3600))
		state = 2;
	else if (dbk_cli.warn_age != DBK_UNSET && age > (long)dbk_cli.warn_age * 3600)
		state = 1;
	printf("DBKEEP %s - ", names[state]);
	if (!latest)
		printf("no backups in '%s'", dbk_cli.dir);
	else
		printf("newest backup %s is %s old%s", latest->file, agebuf,
		       latest->problems ? " and damaged" : "");
	printf(" | age=%lds;", latest ? age : 0L);
	if (dbk_cli.warn_age != DBK_UNSET)
		printf("%ld", (long)dbk_cli.warn_age * 3600);
	printf(";");
	if (dbk_cli.max_age != DBK_UNSET)
		printf("%ld", (long)dbk_cli.max_age * 3600);
	printf(" count=%zu size=%lluB\n", count, (unsigned long long)total);
	return state;
}

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

	if ((rc = dbk_cli_parse("status", argc, argv, cmd_status_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("status", args, nargs, 0)) ||
	    (rc = dbk_catalog_load_summary(dbk_cli.dir, &cat)))
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
	if (dbk_cli.nagios) {
		rc = nagios(latest, count, total, age);
		goto out;
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
