/*
 * error.c - the first-error-wins message slot (see error.h).
 *
 * One slot per thread: dbkeep's work happens on the main thread, and its
 * slot is the one main() reports.  A helper thread that may fail (the
 * SQLite driver's check of its copy) records into its own slot and hands
 * the code and message back to the thread that joins it; threads that
 * cannot fail that way (compression, stats) never touch a slot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"

static __thread char errmsg[1024];
static __thread int errcode;

int dbk_seterr(int code, const char *fmt, ...)
{
	va_list ap;

	if (errcode != DBK_OK)
		return code;
	errcode = code ? code : DBK_EFAIL;
	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	/* Library messages (libpq's in particular) end in a newline; one line. */
	for (char *p = errmsg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	for (size_t n = strlen(errmsg); n > 0 && errmsg[n - 1] == ' '; n--)
		errmsg[n - 1] = '\0';
	return code;
}

const char *dbk_errmsg(void)
{
	return errmsg;
}

int dbk_errcode(void)
{
	return errcode;
}

void dbk_clearerr(void)
{
	errcode = DBK_OK;
	errmsg[0] = '\0';
}

int dbk_oom(void)
{
	return dbk_seterr(DBK_ENOMEM, "out of memory");
}

void *dbk_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		dbk_oom();
	return p;
}

void *dbk_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		dbk_oom();
	return p;
}

char *dbk_strdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		dbk_oom();
	return p;
}
