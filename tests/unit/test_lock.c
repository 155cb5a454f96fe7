/*
 * test_lock.c - one dbkeep per folder: a second process is refused at once
 * naming the holder, waits when asked, and gets the lock once it is free
 * (also when the holder died without releasing it).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dbkeep/error.h"
#include "dbkeep/lock.h"

static char folder[64];

static int setup_folder(void **state)
{
	(void)state;
	snprintf(folder, sizeof(folder), "/tmp/test_lock.XXXXXX");
	assert_non_null(mkdtemp(folder));
	dbk_clearerr();
	return 0;
}

static int teardown_folder(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", folder);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the child saw, sent back through a pipe. */
struct outcome {
	int rc;
	int got;
	double seconds;
	char msg[512];
};

/* Runs one acquire (wait >= -1) or try (wait == -2) in a forked child, as
 * another dbkeep process would. */
static struct outcome in_child(int wait)
{
	struct outcome o;
	int fds[2];
	pid_t pid;
	int status;

	memset(&o, 0, sizeof(o));
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct dbk_lock l = DBK_LOCK_INIT;
		double t0 = now();

		close(fds[0]);
		dbk_clearerr();
		if (wait == -2) {
			o.rc = dbk_lock_try(&l, folder, "prune", &o.got);
		} else {
			o.rc = dbk_lock_acquire(&l, folder, "prune", wait);
			o.got = o.rc == 0;
		}
		o.seconds = now() - t0;
		snprintf(o.msg, sizeof(o.msg), "%s", dbk_errmsg());
		dbk_lock_release(&l);
		if (write(fds[1], &o, sizeof(o)) != (ssize_t)sizeof(o))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &o, sizeof(o)), (ssize_t)sizeof(o));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return o;
}

static void test_busy_names_holder(void **state)
{
	struct dbk_lock l = DBK_LOCK_INIT;
	struct outcome o;
	char pid[64];
	struct stat st;
	char path[128];

	(void)state;
	assert_int_equal(dbk_lock_acquire(&l, folder, "backup", 0), 0);
	assert_true(l.fd >= 0);
	snprintf(path, sizeof(path), "%s/.dbkeep.lock", folder);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	o = in_child(0);
	assert_int_equal(o.rc, DBK_EBUSY);
	assert_true(o.seconds < 0.5);
	snprintf(pid, sizeof(pid), "pid %ld, backup, since 20", (long)getpid());
	if (!strstr(o.msg, pid) || !strstr(o.msg, folder) || !strstr(o.msg, "--wait"))
		fail_msg("message: %s", o.msg);
	assert_true(strstr(o.msg, "locked by another dbkeep") != NULL);
	print_message("  %s\n", o.msg);

	/* try never fails for a busy lock. */
	o = in_child(-2);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.got, 0);

	o = in_child(1);
	assert_int_equal(o.rc, DBK_EBUSY);
	assert_true(o.seconds >= 0.95 && o.seconds < 2.0);
	assert_non_null(strstr(o.msg, "still locked after 1 second"));
	assert_non_null(strstr(o.msg, pid));

	dbk_lock_release(&l);
	assert_int_equal(l.fd, -1);
	o = in_child(0);
	assert_int_equal(o.rc, 0);
	o = in_child(-2);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.got, 1);
	/* The last holder wrote its own line. */
	{
		char buf[256] = "";
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		assert_non_null(strstr(buf, ", prune, since "));
		assert_null(strstr(buf, pid));
	}
}

/* A holder that releases while the other waits: the waiter gets it. */
static void test_wait_gets_it(void **state)
{
	struct dbk_lock l = DBK_LOCK_INIT;
	struct outcome o;
	pid_t holder;
	int status, fds[2];
	char c;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		close(fds[0]);
		if (dbk_lock_acquire(&l, folder, "backup", 0) != 0)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		usleep(300000);
		/* Dies holding it: the kernel releases the flock. */
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);

	o = in_child(5);
	assert_int_equal(o.rc, 0);
	assert_true(o.seconds > 0.1 && o.seconds < 3.0);
	assert_int_equal(waitpid(holder, &status, 0), holder);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Waiting forever on a free lock returns at once. */
	o = in_child(-1);
	assert_int_equal(o.rc, 0);
	/* And so does this process, although the file names a dead pid. */
	assert_int_equal(dbk_lock_acquire(&l, folder, "verify", 0), 0);
	dbk_lock_release(&l);
}

static void test_lock_file_refused(void **state)
{
	struct dbk_lock l = DBK_LOCK_INIT;
	char path[128];
	int got = 7;

	(void)state;
	snprintf(path, sizeof(path), "%s/.dbkeep.lock", folder);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_true(dbk_lock_acquire(&l, folder, "backup", 0) < 0);
	assert_non_null(strstr(dbk_errmsg(), ".dbkeep.lock"));
	assert_int_equal(l.fd, -1);
	dbk_clearerr();
	assert_true(dbk_lock_try(&l, folder, "backup", &got) < 0);
	assert_int_equal(got, 0);
	dbk_clearerr();

	snprintf(path, sizeof(path), "%s/missing", folder);
	assert_int_equal(dbk_lock_acquire(&l, path, "backup", 0), DBK_ENOTFOUND);
	dbk_clearerr();
	dbk_lock_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_busy_names_holder, setup_folder, teardown_folder),
	    cmocka_unit_test_setup_teardown(test_wait_gets_it, setup_folder, teardown_folder),
	    cmocka_unit_test_setup_teardown(test_lock_file_refused, setup_folder, teardown_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
