/*
 * cmdutil.c - helpers shared by the commands (see cmdutil.h).
 */
#include <stdio.h>

#include "dbkeep/catalog.h"
#include "dbkeep/cmdutil.h"
#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/options.h"

int dbk_dir_open_locked(const char *cmd, struct dbk_lock *lock)
{
	int rc;

	if ((rc = dbk_mkdir_private(dbk_cli.dir)) ||
	    (rc = dbk_lock_acquire(lock, dbk_cli.dir, cmd, dbk_cli.wait)))
		return rc;
	return dbk_catalog_recover(dbk_cli.dir);
}

void dbk_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
}

void dbk_format_local(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

void dbk_format_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void dbk_format_age(long s, char *buf, size_t size)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, size, "%ldd %ldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%ldh %ldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, size, "%ldm %lds", s / 60, s % 60);
	else
		snprintf(buf, size, "%lds", s);
}

int dbk_args_max(const char *cmd, const char **args, int nargs, int n)
{
	if (nargs > n)
		return dbk_seterr(DBK_EUSAGE, "%s: unexpected argument '%s'", cmd, args[n]);
	return 0;
}
