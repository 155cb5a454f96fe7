/*
 * log.h - what dbkeep says besides errors.
 *
 * Results go to stdout through plain printf in the commands.  These helpers
 * are for everything else, on stderr: warnings (always, unless -q) and detail
 * (only with -v).  Drivers may use them; they never print errors (those go
 * through dbk_seterr and main).
 */
#ifndef DBKEEP_LOG_H
#define DBKEEP_LOG_H

/* -1 with -q, 0 by default, 1 and up with -v. */
extern int dbk_verbosity;

void dbk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dbk_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
