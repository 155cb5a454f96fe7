/*
 * names.h - backup file names.
 *
 * A backup data file is named
 *     <label>_<YYYYMMDD_HHMMSS>[_<seq>].<ext>[.gz]             (kind scheduled/manual)
 *     <label>_preRestore_<YYYYMMDD_HHMMSS>[_<seq>].<ext>[.gz]  (kind preRestore)
 * with the time in UTC; seq (2, 3, ...) separates backups taken in the same
 * second.  Beside it: <file>.sha256 (sha256sum format) and <file>.json (the
 * manifest).  While being written each file carries a further ".partial".
 * A label holds only [A-Za-z0-9._-]; anything else becomes '_'.
 */
#ifndef DBKEEP_NAMES_H
#define DBKEEP_NAMES_H

#include <stddef.h>
#include <time.h>

#include "dbkeep/strbuf.h"

#define DBK_SUFFIX_PARTIAL  ".partial"
#define DBK_SUFFIX_SHA256   ".sha256"
#define DBK_SUFFIX_MANIFEST ".json"
#define DBK_PRERESTORE_TAG  "preRestore"

struct dbk_name {
	char label[256];
	int safety;        /* the preRestore tag is present */
	time_t when;       /* UTC seconds */
	int seq;           /* 1 when absent */
	char ext[32];      /* "db", "sql" */
	int gz;
};

/* Replaces every character outside [A-Za-z0-9._-] with '_'; an empty
 * result becomes "backup".  Writes into out (cleared first). */
void dbk_name_sanitize_label(const char *in, struct dbk_strbuf *out);

/* Formats a data file name (no folder) into out (cleared first). */
void dbk_name_format(const struct dbk_name *n, struct dbk_strbuf *out);

/* Parses a data file name (no folder; no .sha256/.json/.partial suffix).
 * Returns 0, or DBK_EFAIL (no message recorded) when it is not one of ours. */
int dbk_name_parse(const char *filename, struct dbk_name *out);

#endif
