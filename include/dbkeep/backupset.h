/*
 * backupset.h - writing one backup set: data file, .sha256, manifest.
 *
 * The set is written under the folder lock (the caller holds it):
 *   1. <file>.partial through driver -> count -> gzip -> sha256 -> file, fsync
 *   2. <file>.sha256.partial, fsync
 *   3. <file>.json.partial, fsync, renamed to <file>.json: the commit point
 *   4. <file>.partial -> <file>, <file>.sha256.partial -> <file>.sha256,
 *      fsync of the folder
 * A run killed before 3 leaves only .partial files (removed by the next
 * run's dbk_catalog_recover); one killed after 3 is rolled forward by it.
 */
#ifndef DBKEEP_BACKUPSET_H
#define DBKEEP_BACKUPSET_H

#include "dbkeep/driver.h"
#include "dbkeep/manifest.h"

struct dbk_backup_req {
	const char *dir;               /* backup folder (exists, locked) */
	struct dbk_conn *conn;         /* connected source */
	const char *label;             /* NULL: conn->label */
	const char *kind;              /* "scheduled", "manual", "preRestore" */
	int level;                     /* 1..9, 0 for no compression */
	int jobs;                      /* compression threads; 0: the online CPUs */
	int allow_empty;               /* a database with no tables is not an error */
	struct dbk_dump_opts dump;
};

/* Takes one backup.  On success m (initialised by the callee) holds the
 * manifest written and *path_out the data file's path (caller frees).  On
 * failure nothing of the set is left in the folder. */
int dbk_backup_write(const struct dbk_backup_req *req, struct dbk_manifest *m, char **path_out);

#endif
