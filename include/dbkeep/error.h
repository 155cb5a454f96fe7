/*
 * error.h - the one error path of dbkeep.
 *
 * Functions return 0 on success or a negative DBK_E* code.  The place that
 * detects a failure records one message with dbk_seterr() (first error wins:
 * later calls keep the first message), in the library's own words; callers
 * only propagate the code.  main() alone prints "dbkeep: <message>" and maps
 * the code to the exit status (DBK_EUSAGE and DBK_EREFUSED exit 2, every
 * other failure exits 1).  The slot is per thread (src/error.c says how a
 * helper thread hands its failure over).
 *
 * Message style: lower case, no trailing period, the thing at fault quoted:
 *   could not open backup 'x.sql.gz': No such file or directory
 */
#ifndef DBKEEP_ERROR_H
#define DBKEEP_ERROR_H

#include <stddef.h>

enum dbk_err {
	DBK_OK = 0,
	DBK_EFAIL = -1,    /* generic failure */
	DBK_EUSAGE = -2,   /* bad command line or argument (exit 2) */
	DBK_ENOMEM = -3,
	DBK_EIO = -4,      /* file system or stream error */
	DBK_EDB = -5,      /* the database engine reported an error */
	DBK_EBUSY = -6,    /* lock held by another process */
	DBK_ECORRUPT = -7, /* checksum, gzip or integrity mismatch */
	DBK_EREFUSED = -8, /* refused on purpose: no terminal, user said no (exit 2) */
	DBK_ENOTFOUND = -9 /* backup, file or database does not exist */
};

/* Records the message of the first failure and returns code (so callers can
 * write "return dbk_seterr(DBK_EIO, ...)").  A later call while an error is
 * recorded changes nothing but still returns its own code. */
int dbk_seterr(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The recorded message, or "" when none. */
const char *dbk_errmsg(void);

/* The recorded code, or DBK_OK. */
int dbk_errcode(void);

/* Forgets the recorded error (after a failure that was handled). */
void dbk_clearerr(void);

/* Out of memory is reported through the same path; returns DBK_ENOMEM. */
int dbk_oom(void);

/* Allocation helpers that record DBK_ENOMEM: they return NULL on failure. */
void *dbk_malloc(size_t n);
void *dbk_calloc(size_t n, size_t size);
char *dbk_strdup(const char *s);

#endif
