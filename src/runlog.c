/*
 * runlog.c - the run line for syslog and log files, and backup hooks (see
 * runlog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/options.h"
#include "dbkeep/runlog.h"
#include "dbkeep/strbuf.h"

static struct {
	char *db;
	char *file;
	uint64_t size;
} noted;

void dbk_runlog_note(const char *db, const char *file, uint64_t size)
{
	free(noted.db);
	free(noted.file);
	noted.db = db ? strdup(db) : NULL;
	noted.file = file ? strdup(file) : NULL;
	noted.size = size;
}

int dbk_runlog_emit(const char *cmd, int rc, const char *errmsg, double seconds)
{
	struct dbk_strbuf line = DBK_STRBUF_INIT, full = DBK_STRBUF_INIT;
	int ret = 0;

	if (!dbk_cli.syslog && !dbk_cli.log_file)
		return 0;
	dbk_strbuf_addf(&line, "%s result=%s", cmd, rc ? "failed" : "ok");
	if (noted.db)
		dbk_strbuf_addf(&line, " db=%s", noted.db);
	if (noted.file)
		dbk_strbuf_addf(&line, " file=%s size=%" PRIu64, noted.file, noted.size);
	dbk_strbuf_addf(&line, " duration=%.1fs", seconds);
	if (rc)
		dbk_strbuf_addf(&line, " error=\"%s\"", errmsg);

	if (dbk_cli.syslog) {
		openlog("dbkeep", LOG_PID, LOG_DAEMON);
		syslog(rc ? LOG_ERR : LOG_INFO, "%s", line.buf);
		closelog();
	}
	if (dbk_cli.log_file) {
		time_t now = time(NULL);
		struct tm tm;
		char ts[32];
		int fd;

		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		dbk_strbuf_addf(&full, "%s dbkeep[%ld] %s\n", ts, (long)getpid(), line.buf);
		/* O_APPEND: lines of concurrent runs never interleave mid-line. */
		fd = open(dbk_cli.log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0 || write(fd, full.buf, full.len) != (ssize_t)full.len)
			ret = dbk_seterr(DBK_EIO, "could not write log file '%s': %s",
					 dbk_cli.log_file, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	dbk_strbuf_release(&line);
	dbk_strbuf_release(&full);
	return ret;
}

int dbk_run_hook(const char *which, const char *cmd, const char *status, const char *error,
		 const char *engine, const char *db, const char *file, uint64_t size)
{
	char sizebuf[32];
	pid_t pid;
	int st;

	snprintf(sizebuf, sizeof(sizebuf), "%" PRIu64, size);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return dbk_seterr(DBK_EFAIL, "could not run hook %s: %s", which, strerror(errno));
	if (pid == 0) {
		/* The hook ships files or sends mail: it has no business with
		 * the database password. */
		unsetenv("DB_PASSWORD");
		unsetenv("PGPASSWORD");
		setenv("DBKEEP_STATUS", status, 1);
		setenv("DBKEEP_ERROR", error ? error : "", 1);
		setenv("DBKEEP_ENGINE", engine ? engine : "", 1);
		setenv("DBKEEP_DATABASE", db ? db : "", 1);
		setenv("DBKEEP_FILE", file ? file : "", 1);
		setenv("DBKEEP_SIZE", sizebuf, 1);
		setenv("DBKEEP_DIR", dbk_cli.dir ? dbk_cli.dir : "", 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return dbk_seterr(DBK_EFAIL, "could not wait for hook %s: %s", which,
					  strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		return dbk_seterr(DBK_EFAIL, "hook %s '%s' failed with status %d", which, cmd,
				  WEXITSTATUS(st));
	return dbk_seterr(DBK_EFAIL, "hook %s '%s' was killed by signal %d", which, cmd,
			  WTERMSIG(st));
}
