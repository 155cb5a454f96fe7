/*
 * cleanup.h - files to remove if dbkeep is interrupted (SIGINT, SIGTERM,
 * SIGHUP): the .partial files of a backup set, a driver's scratch copy.
 * A run killed with SIGKILL leaves them to the next run's recovery; these
 * are for the signals a process can catch, so a Ctrl-C or a systemd stop
 * leaves the folder clean at once.
 *
 * The handler only unlinks (async-signal-safe), then dies of the signal.
 */
#ifndef DBKEEP_CLEANUP_H
#define DBKEEP_CLEANUP_H

/* Registers path (copied) for removal on a fatal signal; installs the
 * handlers on first use.  When all slots are taken or the path is too long
 * nothing is registered: the next run's recovery still cleans up. */
void dbk_cleanup_add(const char *path);

/* Forgets path (it was renamed into place or removed). */
void dbk_cleanup_forget(const char *path);

#endif
