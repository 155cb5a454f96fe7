/*
 * prune.c - retention applied to a folder (see prune.h); the decision
 * itself is the pure dbk_retention_apply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/names.h"
#include "dbkeep/prune.h"

/* The database a backup belongs to: its label and its engine. */
static void group_key(const struct dbk_entry *e, struct dbk_strbuf *key)
{
	struct dbk_name n;

	dbk_strbuf_reset(key);
	if (dbk_name_parse(e->file, &n) == 0)
		dbk_strbuf_addstr(key, n.label);
	dbk_strbuf_addf(key, "\n%s", e->engine ? e->engine : "");
}

/* Removes a file of a set, but never a symbolic link: dbkeep writes none,
 * so a link in the folder was put there by someone else (its target is
 * untouched either way, but the link is not ours to delete). */
static int delete_file(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return 0;
	return dbk_unlink_quiet(path);
}

static int delete_set(const struct dbk_entry *e)
{
	struct dbk_strbuf p = DBK_STRBUF_INIT;
	int rc;

	/* Manifest first: once it is gone, the rest is no longer a backup. */
	dbk_strbuf_addf(&p, "%s%s", e->path, DBK_SUFFIX_MANIFEST);
	rc = delete_file(p.buf);
	if (rc == 0)
		rc = delete_file(e->path);
	dbk_strbuf_reset(&p);
	dbk_strbuf_addf(&p, "%s%s", e->path, DBK_SUFFIX_SHA256);
	if (rc == 0)
		rc = delete_file(p.buf);
	dbk_strbuf_release(&p);
	return rc;
}

int dbk_prune(struct dbk_catalog *cat, const struct dbk_retention *r, int dry_run, int report,
	      const struct dbk_entry *only)
{
	struct dbk_strbuf key = DBK_STRBUF_INIT, other = DBK_STRBUF_INIT;
	struct dbk_retention_item *items = NULL;
	size_t *index = NULL;
	char *done = NULL;
	int rc = 0;
	time_t now = time(NULL);

	if (cat->n == 0)
		return 0;
	items = dbk_calloc(cat->n, sizeof(*items));
	index = dbk_calloc(cat->n, sizeof(*index));
	done = dbk_calloc(cat->n, 1);
	if (!items || !index || !done) {
		rc = DBK_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cat->n; i++) {
		size_t n = 0;

		if (done[i] || cat->entries[i].cls != DBK_ENTRY_REGULAR)
			continue;
		group_key(&cat->entries[i], &key);
		if (only) {
			group_key(only, &other);
			if (strcmp(key.buf, other.buf) != 0)
				continue;
		}
		for (size_t j = i; j < cat->n; j++) {
			if (done[j] || cat->entries[j].cls != DBK_ENTRY_REGULAR)
				continue;
			group_key(&cat->entries[j], &other);
			if (strcmp(key.buf, other.buf) != 0)
				continue;
			done[j] = 1;
			index[n] = j;
			items[n].created = cat->entries[j].created;
			items[n].good = cat->entries[j].problems == 0;
			items[n].keep = 0;
			n++;
		}
		dbk_retention_apply(r, now, items, n);
		for (size_t k = 0; k < n; k++) {
			const struct dbk_entry *e = &cat->entries[index[k]];
			char why[128];

			if (only && strcmp(e->file, only->file) == 0) {
				/* The backup being pruned after is never its own victim,
				 * even when a clock set back dates it before the others. */
				if (report)
					printf("keep    %s (just taken)\n", e->file);
				continue;
			}
			if (items[k].keep) {
				dbk_retention_reason(items[k].keep, why, sizeof(why));
				if (report)
					printf("keep    %s (%s)\n", e->file, why);
				continue;
			}
			if (report || dbk_verbosity > 0)
				printf("%s  %s\n", dry_run ? "would delete" : "delete", e->file);
			if (!dry_run && (rc = delete_set(e)))
				goto out;
		}
	}
out:
	free(items);
	free(index);
	free(done);
	dbk_strbuf_release(&key);
	dbk_strbuf_release(&other);
	return rc;
}
