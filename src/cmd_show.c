/*
 * cmd_show.c - dbkeep show N|PATH: one backup's manifest and files.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/commands.h"
#include "dbkeep/error.h"
#include "dbkeep/names.h"
#include "dbkeep/options.h"

struct poptOption cmd_show_options[] = {
	{"json", '\0', POPT_ARG_NONE, &dbk_cli.json, 0, "print the manifest as JSON", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, "Common:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

static void print_file(const char *path, const char *suffix)
{
	struct dbk_strbuf p = DBK_STRBUF_INIT;
	struct stat st;
	char size[32];

	dbk_strbuf_addf(&p, "%s%s", path, suffix);
	if (lstat(p.buf, &st) == 0) {
		dbk_format_size((uint64_t)st.st_size, size, sizeof(size));
		printf("  %-60s %10s  %04o\n", p.buf, size, (unsigned)(st.st_mode & 07777));
	} else {
		printf("  %-60s    MISSING\n", p.buf);
	}
	dbk_strbuf_release(&p);
}

static void print_manifest(const struct dbk_manifest *m)
{
	char iso[32], raw[32], stored[32];

	dbk_format_iso(m->created, iso, sizeof(iso));
	dbk_format_size(m->raw_bytes, raw, sizeof(raw));
	dbk_format_size(m->stored_bytes, stored, sizeof(stored));
	printf("engine:       %s %s\n", m->engine, m->engine_version);
	printf("database:     %s\n", m->database);
	printf("created:      %s (took %.1f s)\n", iso, m->duration);
	printf("kind:         %s\n", m->kind);
	printf("by:           %s@%s, dbkeep %s\n", m->user, m->host, m->dbkeep_version);
	printf("compression:  %s", m->compression);
	if (m->level)
		printf(" level %d", m->level);
	printf("\nsize:         %s stored, %s raw\n", stored, raw);
	printf("sha256:       %s\n", m->sha256);
	if (m->method)
		printf("method:       %s\n", m->method);
	if (m->integrity)
		printf("integrity:    %s\n", m->integrity);
	printf("tables:       %zu, %" PRIu64 " rows\n", m->tables.n,
	       dbk_tables_total_rows(&m->tables));
	for (size_t i = 0; i < m->tables.n; i++)
		printf("  %-50s %12" PRId64 "\n", m->tables.items[i].name, m->tables.items[i].rows);
	for (size_t i = 0; i < m->omitted.n; i++)
		printf("left out:     %s\n", m->omitted.items[i]);
}

int cmd_show(int argc, const char **argv)
{
	poptContext ctx = NULL;
	const char **args;
	int nargs, rc;
	struct dbk_catalog cat = DBK_CATALOG_INIT;
	struct dbk_entry tmp;
	const struct dbk_entry *e;

	memset(&tmp, 0, sizeof(tmp));
	if ((rc = dbk_cli_parse("show", argc, argv, cmd_show_options, &ctx, &args, &nargs)) ||
	    (rc = dbk_args_max("show", args, nargs, 1)))
		goto out;
	if (nargs < 1) {
		rc = dbk_seterr(DBK_EUSAGE, "show: which backup? give a number from 'dbkeep list' "
					    "or a path");
		goto out;
	}
	if ((rc = dbk_catalog_load(dbk_cli.dir, &cat)) ||
	    (rc = dbk_catalog_resolve(&cat, args[0], &tmp, &e)))
		goto out;
	if (dbk_cli.json) {
		char *text = e->has_manifest ? dbk_manifest_dump(&e->manifest) : NULL;
		if (!text) {
			rc = dbk_seterr(DBK_ENOTFOUND, "backup '%s' has no manifest", e->file);
			goto out;
		}
		puts(text);
		free(text);
		goto out;
	}
	printf("backup:       %s\n", e->file);
	if (e->has_manifest && !(e->problems & DBK_PROBLEM_BAD_MANIFEST))
		print_manifest(&e->manifest);
	else
		printf("manifest:     none (%s)\n",
		       e->cls == DBK_ENTRY_LEGACY ? "a file made by another tool" : "unreadable");
	printf("files:\n");
	print_file(e->path, "");
	if (e->has_manifest) {
		print_file(e->path, DBK_SUFFIX_SHA256);
		print_file(e->path, DBK_SUFFIX_MANIFEST);
	}
out:
	dbk_entry_release(&tmp);
	dbk_catalog_release(&cat);
	poptFreeContext(ctx);
	return rc;
}
