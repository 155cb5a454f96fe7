/*
 * runlog.h - one line per run for syslog (--syslog, ident "dbkeep") and a
 * log file (--log-file PATH, appended), and the hooks run after a backup.
 *
 * Commands note what they produced (dbk_runlog_note); main() writes the line
 * once the command returned:
 *   2026-11-23T03:15:00Z dbkeep[1234] backup result=ok db=/srv/app.db
 *     file=/var/backups/app_20261123_031500.db.gz size=401933 duration=0.4s
 * (one line; the timestamp only in the file, syslog adds its own).
 */
#ifndef DBKEEP_RUNLOG_H
#define DBKEEP_RUNLOG_H

#include <stdint.h>

/* Records the database, the file written and its size for the run line. */
void dbk_runlog_note(const char *db, const char *file, uint64_t size);

/* Writes the run line when --syslog or --log-file was given.  Returns a
 * negative code when the log file cannot be written (reported as an error:
 * an admin relying on the log must know). */
int dbk_runlog_emit(const char *cmd, int rc, const char *errmsg, double seconds);

/* Runs cmd with /bin/sh -c and DBKEEP_* variables describing the backup;
 * passwords are removed from its environment.  A hook that fails is
 * DBK_EFAIL naming it and its status. */
int dbk_run_hook(const char *which, const char *cmd, const char *status, const char *error,
		 const char *engine, const char *db, const char *file, uint64_t size);

#endif
