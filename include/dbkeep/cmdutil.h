/*
 * cmdutil.h - what several commands do the same way.
 */
#ifndef DBKEEP_CMDUTIL_H
#define DBKEEP_CMDUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dbkeep/lock.h"

/* Creates the backup folder (0700) if needed, takes its lock (honouring
 * --wait) naming cmd as the holder, and finishes or removes what a killed
 * run left. */
int dbk_dir_open_locked(const char *cmd, struct dbk_lock *lock);

/* "1.2 MiB" style sizes. */
void dbk_format_size(uint64_t bytes, char *buf, size_t size);
/* Local time "2026-11-23 04:15:00". */
void dbk_format_local(time_t t, char *buf, size_t size);
/* UTC ISO 8601 "2026-11-23T03:15:00Z". */
void dbk_format_iso(time_t t, char *buf, size_t size);
/* "3d 4h", "5h 2m", "40s". */
void dbk_format_age(long seconds, char *buf, size_t size);

/* 1 when no more than n arguments were given, else DBK_EUSAGE naming the first extra. */
int dbk_args_max(const char *cmd, const char **args, int nargs, int n);

#endif
