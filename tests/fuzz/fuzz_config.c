/*
 * fuzz_config.c - libFuzzer harness for the configuration file reader
 * (dbk_config_load over inih, then dbk_config_jobs and dbk_config_args as
 * main.c uses them): /etc/dbkeep.conf and --config FILE are text someone
 * edited by hand.
 *
 * The reader takes a path, so each input is written to one scratch file
 * (made once, under $TMPDIR) and read from there.  The keys are those of
 * the real shared option tables (options.c) plus a few command options.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <popt.h>

#include "dbkeep/config.h"
#include "dbkeep/error.h"
#include "dbkeep/options.h"
#include "dbkeep/tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_flag;
static int fuzz_int;
static char *fuzz_str;

/* Some command options besides the shared tables: booleans, an integer. */
static struct poptOption fuzz_cmd_options[] = {
    {"force", '\0', POPT_ARG_NONE, &fuzz_flag, 0, NULL, NULL},
    {"dry-run", '\0', POPT_ARG_NONE, &fuzz_flag, 0, NULL, NULL},
    {"json", '\0', POPT_ARG_NONE, &fuzz_flag, 0, NULL, NULL},
    {"max-age", '\0', POPT_ARG_INT, &fuzz_int, 0, NULL, NULL},
    {"target", '\0', POPT_ARG_STRING, &fuzz_str, 0, NULL, NULL},
    {NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_conn, 0, NULL, NULL},
    {NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_dump, 0, NULL, NULL},
    {NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_retention, 0, NULL, NULL},
    {NULL, '\0', POPT_ARG_INCLUDE_TABLE, dbk_popt_common, 0, NULL, NULL},
    POPT_TABLEEND};

static const struct poptOption *const fuzz_known[] = {fuzz_cmd_options, dbk_popt_common, NULL};

static char fuzz_path[4096];

/* The scratch file, made on the first call and removed at exit. */
static void fuzz_unlink(void)
{
	unlink(fuzz_path);
}

static int fuzz_write(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!fuzz_path[0]) {
		const char *tmp = getenv("TMPDIR");
		int fd;

		snprintf(fuzz_path, sizeof(fuzz_path), "%s/fuzz_config.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(fuzz_path);
		if (fd < 0) {
			perror("fuzz_config: mkstemp");
			abort();
		}
		close(fd);
		atexit(fuzz_unlink);
	}
	f = fopen(fuzz_path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror("fuzz_config: writing the scratch file");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbk_config cfg = DBK_CONFIG_INIT;
	struct dbk_strlist jobs = DBK_STRLIST_INIT, args = DBK_STRLIST_INIT;

	fuzz_write(data, size);
	dbk_clearerr();
	if (dbk_config_load(fuzz_path, 1, fuzz_known, &cfg) == 0) {
		if (cfg.n && !dbk_config_has_section(&cfg, cfg.items[0].section))
			abort();
		dbk_config_jobs(&cfg, &jobs);
		dbk_config_args(&cfg, DBK_CONFIG_DEFAULTS, fuzz_cmd_options, &args);
		for (size_t i = 0; i < jobs.n; i++) {
			dbk_clearerr();
			dbk_config_args(&cfg, jobs.items[i], fuzz_cmd_options, &args);
		}
	} else if (!*dbk_errmsg()) {
		fprintf(stderr, "fuzz_config: refused without a message\n");
		abort();
	}
	dbk_strlist_release(&args);
	dbk_strlist_release(&jobs);
	dbk_config_release(&cfg);
	return 0;
}
