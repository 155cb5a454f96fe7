/*
 * catalog.h - what is in a backup folder.
 *
 * A backup set is complete once its manifest <file>.json exists: the data
 * file and its .sha256 are written as .partial first, the manifest is
 * renamed in last-but-two, then the other two (see src/backupset.c).
 * dbk_catalog_recover() finishes or removes what a killed run left.
 *
 * Entries are sorted newest first.  Regular backups (scheduled, manual) and
 * legacy files (dropped in by other tools, no manifest, recognised by
 * content) are numbered together, 1 = newest; safety (preRestore) backups
 * are kept apart and numbered in their own list.
 */
#ifndef DBKEEP_CATALOG_H
#define DBKEEP_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dbkeep/manifest.h"

enum dbk_entry_class {
	DBK_ENTRY_REGULAR,
	DBK_ENTRY_SAFETY,
	DBK_ENTRY_LEGACY
};

/* Problems found without reading the data (list); verify goes further. */
#define DBK_PROBLEM_DATA_MISSING   (1u << 0)
#define DBK_PROBLEM_SHA_MISSING    (1u << 1)
#define DBK_PROBLEM_SIZE_MISMATCH  (1u << 2)
#define DBK_PROBLEM_SHA_MISMATCH   (1u << 3) /* .sha256 file disagrees with the manifest */
#define DBK_PROBLEM_BAD_MANIFEST   (1u << 4)

struct dbk_entry {
	enum dbk_entry_class cls;
	int number;              /* 1-based within its list */
	char *file;              /* data file name, no folder */
	char *path;              /* folder/file */
	time_t created;
	uint64_t stored_bytes;   /* from the file when present, else the manifest */
	const char *engine;      /* driver name; for legacy as sniffed, may be NULL */
	unsigned problems;       /* DBK_PROBLEM_* */
	int has_manifest;
	struct dbk_manifest manifest; /* valid when has_manifest */
	size_t table_count;      /* tables in the manifest */
	int summary;             /* from dbk_catalog_load_summary's index: of manifest, only
	                          * engine, kind, file, created, stored_bytes, sha256 and
	                          * database are filled */
};

struct dbk_catalog {
	char *dir;
	struct dbk_entry *entries; /* regular and legacy, newest first */
	size_t n;
	struct dbk_entry *safety;  /* preRestore, newest first */
	size_t n_safety;
};

#define DBK_CATALOG_INIT {NULL, NULL, 0, NULL, 0}

/* Scans dir.  A missing folder is an empty catalog, not an error. */
int dbk_catalog_load(const char *dir, struct dbk_catalog *cat);
/* The same entries and problems, for commands that only list (list, status):
 * what the manifests and .sha256 files say is taken from the folder's
 * listing index where their files are unchanged (src/catalog_index.h), so
 * entries may be summaries (e->summary). */
int dbk_catalog_load_summary(const char *dir, struct dbk_catalog *cat);
void dbk_catalog_release(struct dbk_catalog *cat);

/* Finds a backup by "N" (number in the main list), "sN" (safety list), a
 * file name in the folder, or a path.  A path that resolves outside the
 * folder is accepted (the user named it explicitly).
 * *out is borrowed from cat, or, for an outside path, *tmp is filled and
 * *out points to it (release with dbk_entry_release). */
int dbk_catalog_resolve(struct dbk_catalog *cat, const char *spec, struct dbk_entry *tmp,
			const struct dbk_entry **out);
void dbk_entry_release(struct dbk_entry *e);

/* Removes .partial leftovers of killed runs, or finishes their renames when
 * the manifest was already committed.  Call with the folder lock held. */
int dbk_catalog_recover(const char *dir);

#endif
