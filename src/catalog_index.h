/*
 * catalog_index.h - the listing cache of a backup folder (private to
 * catalog.c).
 *
 * Parsing every manifest is what a listing of thousands of sets spends its
 * time on (jansson, about 100 000 instructions for a 700-byte manifest, and
 * a manifest grows with the database's tables).  A set's manifest and
 * .sha256 are written once and never change, so what a listing learns from
 * them is kept in <folder>/.dbkeep.index, keyed by each file's inode, size
 * and change time (ctime: a person can set mtime back, not ctime).  A set
 * whose files still have those keys is listed from the index; any other is
 * read again and its line replaced.  The data file is never cached: its
 * presence and size are checked on every listing.
 *
 * The index is only a cache: a missing, unreadable, foreign or damaged
 * index is ignored and rewritten, and failing to write it (a read-only
 * folder) changes nothing but speed.  It is replaced whole through a
 * temporary file and a rename, so concurrent listings never read half of
 * one.  It holds nothing the manifests do not.
 */
#ifndef DBKEEP_CATALOG_INDEX_H
#define DBKEEP_CATALOG_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "dbkeep/catalog.h"

#define CATALOG_INDEX_NAME ".dbkeep.index"

/* What identifies one version of a file; present == 0 for a missing file. */
struct catalog_key {
	int present;
	uint64_t ino, size;
	int64_t ctime_s;
	long ctime_ns;
};

/* What a listing takes from one set's manifest and .sha256. */
struct catalog_index_set {
	char *base; /* the data file's name */
	struct catalog_key json, sha;
	unsigned problems; /* DBK_PROBLEM_BAD_MANIFEST, _SHA_MISSING, _SHA_MISMATCH */
	int has_manifest;  /* the rest is meaningful only then */
	time_t created;
	uint64_t stored_bytes;
	size_t table_count;
	char *engine, *kind, *database, *sha256;
	int seen; /* by this listing */
};

struct catalog_index {
	struct catalog_index_set *sets; /* sorted by base after load */
	size_t n, alloc;
	size_t loaded; /* sets[0..loaded) came from the file (sorted) */
	int dirty;     /* differs from the file */
};

#define CATALOG_INDEX_INIT {NULL, 0, 0, 0, 0}

/* Fills key from st. */
void catalog_key_from_stat(struct catalog_key *key, const struct stat *st);

/* Parses the index file's text (modified in place) into ix; text that is
 * not a whole index leaves ix empty (and dirty, so it is rewritten).  Fails
 * only when out of memory. */
int catalog_index_parse(char *text, size_t len, struct catalog_index *ix);

/* The loaded line for base whose keys are still json and sha, marked
 * seen; NULL when there is none or it is stale. */
const struct catalog_index_set *catalog_index_lookup(struct catalog_index *ix, const char *base,
						     const struct catalog_key *json,
						     const struct catalog_key *sha);

/* Records what a full read of set base found in e (its manifest, and the
 * problem bits the manifest and .sha256 gave). */
int catalog_index_put(struct catalog_index *ix, const char *base, const struct catalog_key *json,
		      const struct catalog_key *sha, const struct dbk_entry *e);

/* Writes the seen sets back when anything changed; failures are only
 * reported with -v. */
void catalog_index_save(int dfd, const char *dir, struct catalog_index *ix);

void catalog_index_release(struct catalog_index *ix);

#endif
