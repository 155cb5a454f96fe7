/*
 * fsutil.h - small file-system helpers with durable semantics.
 */
#ifndef DBKEEP_FSUTIL_H
#define DBKEEP_FSUTIL_H

#include <stddef.h>

#include "dbkeep/strbuf.h"

/* Creates dir (and parents) with mode 0700 when missing; an existing folder
 * is left as it is but a warning is printed when group/world-writable.
 * Fails when dir exists and is not a folder. */
int dbk_mkdir_private(const char *dir);

/* rename(from, to) then fsync of the folder of `to`. */
int dbk_rename_durable(const char *from, const char *to);

/* fsync of a folder. */
int dbk_fsync_dir(const char *dir);

/* Writes data to path atomically: path.partial (O_EXCL, 0600), fsync,
 * rename, fsync of the folder. */
int dbk_write_file_atomic(const char *path, const void *data, size_t len);

/* Reads a whole small file (at most max bytes) into out. */
int dbk_read_file(const char *path, size_t max, struct dbk_strbuf *out);

/* Joins dir and name with one '/' into out (cleared first). */
void dbk_path_join(struct dbk_strbuf *out, const char *dir, const char *name);

/* Removes path; a missing file is not an error. */
int dbk_unlink_quiet(const char *path);

#endif
