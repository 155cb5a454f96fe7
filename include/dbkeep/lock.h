/*
 * lock.h - one dbkeep at a time per backup folder.
 *
 * flock() on <dir>/.dbkeep.lock.  The holder writes its pid, command and
 * start time into the file so a refused run can name it.
 */
#ifndef DBKEEP_LOCK_H
#define DBKEEP_LOCK_H

struct dbk_lock {
	int fd;
};

#define DBK_LOCK_INIT {-1}

/* Takes the lock; wait_seconds 0 fails at once (DBK_EBUSY naming the
 * holder), > 0 waits that long, < 0 forever.  what is written as the holder. */
int dbk_lock_acquire(struct dbk_lock *l, const char *dir, const char *what, int wait_seconds);
/* Takes the lock only when free; sets *got.  Never fails for a busy lock. */
int dbk_lock_try(struct dbk_lock *l, const char *dir, const char *what, int *got);
void dbk_lock_release(struct dbk_lock *l);

#endif
