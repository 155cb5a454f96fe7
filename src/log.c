/*
 * log.c - warnings and -v detail on stderr (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "dbkeep/log.h"

int dbk_verbosity;

void dbk_warn(const char *fmt, ...)
{
	va_list ap;

	if (dbk_verbosity < 0)
		return;
	fputs("dbkeep: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dbk_verbose(const char *fmt, ...)
{
	va_list ap;

	if (dbk_verbosity < 1)
		return;
	fputs("dbkeep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
