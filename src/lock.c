/*
 * lock.c - one dbkeep at a time per backup folder (see lock.h).
 *
 * flock() on <dir>/.dbkeep.lock.  The kernel drops the lock when its holder
 * dies, however it dies, so a lock file left behind with a dead pid in it
 * is simply free: nobody ever has to remove it.  The file's content (one
 * line, "pid P, WHAT, since ISO-TIME") only serves to name the holder in
 * the message of a refused run.
 *
 * Invariant: l->fd >= 0 exactly while the lock is held.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/lock.h"
#include "dbkeep/strbuf.h"

#define LOCK_FILE_NAME ".dbkeep.lock"
#define LOCK_RETRY_NS 100000000L /* 100 ms */

/* Opens (creating) the lock file; never through a symlink. */
static int lock_open(const char *dir, struct dbk_strbuf *path, int *fd)
{
	struct stat st;

	dbk_path_join(path, dir, LOCK_FILE_NAME);
	*fd = open(path->buf, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return dbk_seterr(errno == ENOENT ? DBK_ENOTFOUND : DBK_EIO,
				  "could not open lock file '%s': %s", path->buf, strerror(errno));
	if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		*fd = -1;
		return dbk_seterr(DBK_EIO, "lock file '%s' is not a regular file", path->buf);
	}
	return 0;
}

/* Whether fd's flock is free: 1 taken, 0 busy, < 0 failed. */
static int lock_try_flock(int fd, const char *path)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 1;
	if (errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return dbk_seterr(DBK_EIO, "could not lock '%s': %s", path, strerror(errno));
}

/* Records who holds the lock now.  Failing to write the note does not
 * matter for correctness (the flock is what counts), so it is not an error. */
static void lock_write_holder(int fd, const char *what)
{
	char when[32] = "?";
	char line[512];
	struct tm tm;
	time_t now = time(NULL);
	int len;

	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = snprintf(line, sizeof(line), "pid %ld, %s, since %s\n", (long)getpid(),
		       what && *what ? what : "dbkeep", when);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = sizeof(line) - 1;
	if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)len, 0) == len)
		(void)fdatasync(fd);
}

/* The holder's line as it wrote it, without the newline; "" when the file
 * is empty (the holder is between flock and pwrite). */
static void lock_read_holder(int fd, char *buf, size_t len)
{
	ssize_t got = pread(fd, buf, len - 1, 0);

	if (got < 0)
		got = 0;
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	/* It is only shown; keep control characters out of the terminal. */
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static int lock_busy(int fd, const char *dir, int waited)
{
	char holder[256];

	/* The holder writes its line just after it takes the lock: give it a
	 * moment (at most half a second) rather than say "holder unknown". */
	lock_read_holder(fd, holder, sizeof(holder));
	for (int i = 0; i < 50 && !*holder; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		lock_read_holder(fd, holder, sizeof(holder));
	}
	if (waited > 0)
		return dbk_seterr(DBK_EBUSY,
				  "backup directory '%s' is still locked after %d second%s by "
				  "another dbkeep (%s)",
				  dir, waited, waited == 1 ? "" : "s",
				  *holder ? holder : "holder unknown");
	return dbk_seterr(DBK_EBUSY,
			  "backup directory '%s' is locked by another dbkeep (%s); use --wait "
			  "SECONDS to wait",
			  dir, *holder ? holder : "holder unknown");
}

static double lock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int dbk_lock_acquire(struct dbk_lock *l, const char *dir, const char *what, int wait_seconds)
{
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	int fd = -1, rc;

	l->fd = -1;
	if ((rc = lock_open(dir, &path, &fd)) < 0)
		goto out;

	if (wait_seconds < 0) {
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				rc = dbk_seterr(DBK_EIO, "could not lock '%s': %s", path.buf,
						strerror(errno));
				goto out;
			}
		}
	} else {
		double deadline = lock_now() + wait_seconds;

		while ((rc = lock_try_flock(fd, path.buf)) == 0) {
			struct timespec pause = {0, LOCK_RETRY_NS};

			if (lock_now() >= deadline) {
				rc = lock_busy(fd, dir, wait_seconds);
				goto out;
			}
			nanosleep(&pause, NULL);
		}
		if (rc < 0)
			goto out;
	}
	lock_write_holder(fd, what);
	l->fd = fd;
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	dbk_strbuf_release(&path);
	return rc;
}

int dbk_lock_try(struct dbk_lock *l, const char *dir, const char *what, int *got)
{
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	int fd = -1, rc;

	l->fd = -1;
	*got = 0;
	if ((rc = lock_open(dir, &path, &fd)) < 0)
		goto out;
	rc = lock_try_flock(fd, path.buf);
	if (rc <= 0)
		goto out;
	lock_write_holder(fd, what);
	l->fd = fd;
	fd = -1;
	*got = 1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	dbk_strbuf_release(&path);
	return rc;
}

void dbk_lock_release(struct dbk_lock *l)
{
	/* The note stays in the file: harmless, as the flock is what counts,
	 * and truncating here would race with the next holder's pwrite. */
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
