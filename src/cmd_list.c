/*
 * cmd_list.c - dbkeep list: the backups of a folder, 1 = newest.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/options.h"

struct poptOption cmd_list_options[] = {
	{"json", '\0', POPT_ARG_NONE, &dbk_cli.json, 0, "print JSON", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

static const char *kind_of(const struct dbk_entry *e)
{
	if (e->cls == DBK_ENTRY_LEGACY)
		return "legacy";
	if (e->has_manifest && e->manifest.kind)
		return e->manifest.kind;
	return e->cls == DBK_ENTRY_SAFETY ? "preRestore" : "?";
}

static void problems_text(unsigned p, char *buf, size_t size)
{
	buf[0] = '\0';
	if (p & DBK_PROBLEM_DATA_MISSING)
		strncat(buf, " data missing;", size - strlen(buf) - 1);
	if (p & DBK_PROBLEM_SHA_MISSING)
		strncat(buf, " .sha256 missing;", size - strlen(buf) - 1);
	if (p & DBK_PROBLEM_SIZE_MISMATCH)
		strncat(buf, " size mismatch;", size - strlen(buf) - 1);
	if (p & DBK_PROBLEM_SHA_MISMATCH)
		strncat(buf, " checksum mismatch;", size - strlen(buf) - 1);
	if (p & DBK_PROBLEM_BAD_MANIFEST)
		strncat(buf, " bad manifest;", size - strlen(buf) - 1);
	size_t n = strlen(buf);
	if (n && buf[n - 1] == ';')
		buf[n - 1] = '\0';
}

static void print_entry(const char *prefix, const struct dbk_entry *e)
{
	char date[32], size[32], tables[16], probs[128];

	dbk_format_local(e->created, date, sizeof(date));
	dbk_format_size(e->stored_bytes, size, sizeof(size));
	if (e->has_manifest && !(e->problems & DBK_PROBLEM_BAD_MANIFEST))
		snprintf(tables, sizeof(tables), "%zu", e->table_count);
	else
		strcpy(tables, "-");
	problems_text(e->problems, probs, sizeof(probs));
	printf("%c%s%-3d %-19s %10s  %-8s %6s  %-10s %s%s%s\n", e->problems ? '!' : ' ', prefix,
	       e->number, date, size, e->engine ? e->engine : "?", tables, kind_of(e), e->file,
	       probs[0] ? "  !" : "", probs);
}

static json_t *entry_json(const struct dbk_entry *e)
{
	char iso[32], probs[128];
	json_t *o;

	dbk_format_iso(e->created, iso, sizeof(iso));
	problems_text(e->problems, probs, sizeof(probs));
	o = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:s?, s:s, s:b}", "number", e->number,
		      "file", e->file, "path", e->path, "created", iso, "createdEpoch",
		      (json_int_t)e->created, "storedBytes", (json_int_t)e->stored_bytes, "engine",
		      e->engine, "kind", kind_of(e), "ok", e->problems == 0);
	if (o && e->has_manifest && !(e->problems & DBK_PROBLEM_BAD_MANIFEST))
		json_object_set_new(o, "tableCount", json_integer((json_int_t)e->table_count));
	if (o && e->problems)
		json_object_set_new(o, "problems", json_string(probs + 1));
	return o;
}

static int print_json(const struct dbk_catalog *cat)
{
	json_t *root = json_object(), *backups = json_array(), *safety = json_array();
	char *text;

	for (size_t i = 0; i < cat->n; i++)
		json_array_append_new(backups, entry_json(&cat->entries[i]));
	for (size_t i = 0; i < cat->n_safety; i++)
		json_array_append_new(safety, entry_json(&cat->safety[i]));
	json_object_set_new(root, "directory", json_string(cat->dir));
	json_object_set_new(root, "backups", backups);
	json_object_set_new(root, "safetyBackups", safety);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return dbk_oom();
	puts(text);
	free(text);
	return 0;
}

int cmd_list(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc, got = 0;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_lock lock = DBK_LOCK_INIT;

	if ((rc = dbk_cli_parse("list", argc, argv, cmd_list_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("list", args, nargs, 0)))
		goto out;
	/* Tidy what a killed run left, but never wait for a running one. */
	if (dbk_lock_try(&lock, dbk_cli.dir, "list", &got) == 0 && got)
		dbk_catalog_recover(dbk_cli.dir);
	dbk_clearerr();
	dbk_lock_release(&lock);
	if ((rc = dbk_catalog_load_summary(dbk_cli.dir, &cat)))
		goto out;
	if (dbk_cli.json) {
		rc = print_json(&cat);
		goto out;
	}
	if (cat.n == 0 && cat.n_safety == 0) {
		printf("no backups in '%s'\n", cat.dir);
		goto out;
	}
	if (cat.n) {
		printf(" %-4s%-19s %10s  %-8s %6s  %-10s %s\n", "#", "date", "size", "engine",
		       "tables", "kind", "file");
		for (size_t i = 0; i < cat.n; i++)
			print_entry("", &cat.entries[i]);
	}
	if (cat.n_safety) {
		printf("%sSafety backups (taken before restores; restore with sN):\n",
		       cat.n ? "\n" : "");
		for (size_t i = 0; i < cat.n_safety; i++)
			print_entry("s", &cat.safety[i]);
	}
out:
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
