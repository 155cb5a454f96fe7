/*
 * manifest.h - the JSON manifest beside every backup (read and written with
 * jansson).  Format version 1; unknown keys are ignored on read so that a
 * newer dbkeep's manifest still lists.
 *
 * Every string member is malloc()ed and owned by the struct; never holds a
 * password.
 */
#ifndef DBKEEP_MANIFEST_H
#define DBKEEP_MANIFEST_H

#include <stdint.h>
#include <time.h>

#include "dbkeep/tables.h"

#define DBK_MANIFEST_FORMAT 1

struct dbk_manifest {
	int format;              /* DBK_MANIFEST_FORMAT */
	char *dbkeep_version;
	char *engine;            /* driver name */
	char *engine_version;
	char *database;          /* path or name */
	char *file;              /* data file name, no folder */
	time_t created;          /* epoch seconds, UTC */
	double duration;         /* seconds */
	char *host;
	char *user;              /* OS user */
	char *compression;       /* "gzip" or "none" */
	int level;               /* gzip level, 0 for none */
	uint64_t raw_bytes;      /* bytes the driver wrote */
	uint64_t stored_bytes;   /* bytes of the data file */
	char *sha256;            /* of the data file */
	char *kind;              /* "scheduled", "manual", "preRestore" */
	char *method;            /* driver's copy method, may be NULL */
	char *integrity;         /* SQLite integrity_check of the copy, may be NULL */
	struct dbk_tables tables;
	struct dbk_strlist omitted; /* objects left out by --allow-partial */
};

void dbk_manifest_init(struct dbk_manifest *m);
void dbk_manifest_release(struct dbk_manifest *m);

/* Serialises m as pretty JSON into a malloc()ed string (caller frees). */
char *dbk_manifest_dump(const struct dbk_manifest *m);
/* Parses text (from what, for messages) into m (initialised by the callee). */
int dbk_manifest_parse(const char *text, const char *what, struct dbk_manifest *m);
/* Reads path into m.  DBK_ENOTFOUND when missing, DBK_ECORRUPT when bad. */
int dbk_manifest_load(const char *path, struct dbk_manifest *m);

#endif
