/*
 * progress.h - the progress line of long backups and restores, on a
 * terminal only (cron logs stay clean): bytes, rate, and when the total is
 * known, percent and ETA.  Use as the dbk_progress_fn of a count layer.
 */
#ifndef DBKEEP_PROGRESS_H
#define DBKEEP_PROGRESS_H

#include <stdint.h>

struct dbk_progress {
	const char *verb;  /* "backed up", "restored" */
	uint64_t total;    /* 0: unknown */
	double start;      /* monotonic seconds */
	int shown;         /* a line is on the screen and must be cleared */
};

/* Sets p up; returns 1 when progress should be shown (stdout and stderr
 * are terminals and not -q), else 0. */
int dbk_progress_init(struct dbk_progress *p, const char *verb, uint64_t total);
/* The dbk_progress_fn: arg is a struct dbk_progress. */
void dbk_progress_update(void *arg, uint64_t bytes);
/* Monotonic seconds, for durations (progress, manifest, run log). */
double dbk_now_seconds(void);
/* Clears the line if one was shown. */
void dbk_progress_done(struct dbk_progress *p);

#endif
