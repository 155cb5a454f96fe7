/*
 * restore.h - the shared drop-and-recreate restore protocol.
 *
 *   1. check the backup file (checksum against its manifest and .sha256, or a
 *      full decode for a file without a manifest) before anything is touched
 *   2. ask (or refuse without a terminal and without --force)
 *   3. safety backup of the current database (kind preRestore)
 *   4. driver load_scratch: load into a scratch database beside the target
 *   5. compare the scratch's tables and row counts with the manifest
 *   6. driver swap: the scratch becomes the target, atomically
 *   7. count again on the target and report
 * A failure before 6 leaves the target as it was and removes the scratch.
 */
#ifndef DBKEEP_RESTORE_H
#define DBKEEP_RESTORE_H

#include "dbkeep/catalog.h"
#include "dbkeep/driver.h"

struct dbk_restore_req {
	const char *dir;                  /* backup folder (locked by the caller) */
	const struct dbk_entry *backup;   /* what to restore */
	const struct dbk_driver *drv;
	const struct dbk_target *target;
	int force;
	int safety;                       /* take a preRestore backup first */
	int level;                        /* compression of the safety backup */
	struct dbk_restore_opts opts;
};

int dbk_restore_run(const struct dbk_restore_req *req);

/* Checks the stored file of e against its manifest and .sha256 (or decodes
 * it fully when it has none).  deep additionally runs the driver's
 * check_copy.  Used by verify and restore.  result gets a short summary. */
int dbk_backup_check(const char *dir, const struct dbk_entry *e, int deep,
		     struct dbk_strbuf *result);

/* Opens the data file of e for reading, decompressing when it is gzip. */
int dbk_backup_open(const struct dbk_entry *e, struct dbk_reader **out);

/* Compares two table lists; DBK_ECORRUPT naming the first difference. */
int dbk_tables_check(const struct dbk_tables *want, const struct dbk_tables *got,
		     const char *where);

#endif
