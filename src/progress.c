/*
 * progress.c - the terminal progress line (see progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "dbkeep/log.h"
#include "dbkeep/progress.h"

double dbk_now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int dbk_progress_init(struct dbk_progress *p, const char *verb, uint64_t total)
{
	p->verb = verb;
	p->total = total;
	p->start = dbk_now_seconds();
	p->shown = 0;
	return dbk_verbosity >= 0 && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
}

void dbk_progress_update(void *arg, uint64_t bytes)
{
	struct dbk_progress *p = arg;
	double secs = dbk_now_seconds() - p->start;
	double mib = (double)bytes / 1048576.0;
	double rate = secs > 0 ? mib / secs : 0.0;

	fprintf(stderr, "\r\033[K  %s %.1f MiB", p->verb, mib);
	if (p->total && bytes <= p->total) {
		double frac = (double)bytes / (double)p->total;
		fprintf(stderr, " of %.1f MiB (%.0f%%)", (double)p->total / 1048576.0, frac * 100);
		if (frac > 0.01 && rate > 0) {
			long eta = (long)(secs / frac - secs);
			fprintf(stderr, ", ETA %ld:%02ld", eta / 60, eta % 60);
		}
	}
	fprintf(stderr, ", %.1f MiB/s", rate);
	fflush(stderr);
	p->shown = 1;
}

void dbk_progress_done(struct dbk_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
