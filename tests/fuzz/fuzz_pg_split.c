/*
 * fuzz_pg_split.c - libFuzzer harness for the PostgreSQL driver's SQL
 * statement splitter (pg_split_feed / pg_split_finish) and the executor's
 * dry run over it (pg_exec_run with dry_run, no server): restore and
 * verify --deep feed it whatever a backup file holds.
 *
 * Input: the SQL text itself, so that the seeds are real dumps; its last
 * byte doubles as flags (bit 0: standard_conforming_strings off, bit 1:
 * --no-owner, bit 2: --no-privileges) and its length picks a chunk size.
 * Besides "no crash, no sanitizer report", it checks the
 * promise of pg_exec.h that any chunking gives the same items: the text is
 * split whole, one byte at a time and in chunks, and the three item logs
 * (kinds, lines, texts, tokens, flags) and results must be the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "dbkeep/strbuf.h"
#include "dbkeep/stream.h"
#include "../../drivers/postgres/pg_exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_log {
	struct dbk_strbuf log;
	int in_data;
};

/* Writes one item to the log; COPY data chunks are joined, since where
 * the splitter cuts them is not part of its contract. */
static int fuzz_item(void *arg, const struct pg_split_item *it)
{
	struct fuzz_log *l = arg;

	if (it->text == NULL || it->text[it->len] != '\0') {
		fprintf(stderr, "fuzz_pg_split: item text not NUL-terminated at its length\n");
		abort();
	}
	if (it->kind == PG_SPLIT_COPY_DATA) {
		if (!l->in_data)
			dbk_strbuf_addf(&l->log, "D%lu:", it->line);
		l->in_data = 1;
		dbk_strbuf_add(&l->log, it->text, it->len);
		return 0;
	}
	if (l->in_data)
		dbk_strbuf_addch(&l->log, '|');
	l->in_data = 0;
	dbk_strbuf_addf(&l->log, "%d@%lu:", (int)it->kind, it->line);
	dbk_strbuf_add(&l->log, it->text, it->len);
	if (it->kind == PG_SPLIT_STMT) {
		if (it->ntok > PG_SPLIT_NTOK || it->ndbref > PG_SPLIT_NDBREF) {
			fprintf(stderr, "fuzz_pg_split: too many tokens\n");
			abort();
		}
		dbk_strbuf_addf(&l->log, " [copy_in=%d owner_to=%d", it->copy_in, it->owner_to);
		for (size_t i = 0; i < it->ntok; i++) {
			if (it->tok[i].off > it->len || it->tok[i].len > it->len - it->tok[i].off) {
				fprintf(stderr, "fuzz_pg_split: token outside its statement\n");
				abort();
			}
			dbk_strbuf_addf(&l->log, " t:%.*s", (int)it->tok[i].len,
					it->text + it->tok[i].off);
		}
		for (size_t i = 0; i < it->ndbref; i++) {
			if (it->dbref[i].off > it->len ||
			    it->dbref[i].len > it->len - it->dbref[i].off) {
				fprintf(stderr, "fuzz_pg_split: dbref outside its statement\n");
				abort();
			}
			dbk_strbuf_addf(&l->log, " d:%.*s", (int)it->dbref[i].len,
					it->text + it->dbref[i].off);
		}
		dbk_strbuf_addch(&l->log, ']');
	}
	dbk_strbuf_addch(&l->log, '|');
	return 0;
}

/* Splits sql in chunks of `chunk` bytes; the log and the error message go
 * to *log (caller frees). */
static int fuzz_split(const char *sql, size_t len, size_t chunk, int scs, char **log)
{
	struct fuzz_log l = {DBK_STRBUF_INIT, 0};
	struct pg_split s;
	int rc = 0;

	pg_split_init(&s, fuzz_item, &l);
	pg_split_set_scs(&s, scs);
	for (size_t i = 0; i < len && !rc; i += chunk)
		rc = pg_split_feed(&s, sql + i, len - i < chunk ? len - i : chunk);
	if (!rc)
		rc = pg_split_finish(&s);
	if (l.in_data)
		dbk_strbuf_addch(&l.log, '|');
	dbk_strbuf_addf(&l.log, "rc=%d err=%s", rc, pg_split_error(&s));
	pg_split_release(&s);
	*log = dbk_strbuf_detach(&l.log);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_exec_opts opts;
	struct pg_exec_result res = PG_EXEC_RESULT_INIT;
	struct dbk_reader *r = NULL;
	char *whole, *bytes, *chunks;
	const char *sql;
	size_t len, chunk, head;
	int scs, flags;

	if (size < 1)
		return 0;
	flags = data[size - 1];
	scs = !(flags & 1);
	chunk = 1 + size % 97;
	sql = (const char *)data;
	len = size;

	fuzz_split(sql, len, len ? len : 1, scs, &whole);
	fuzz_split(sql, len, 1, scs, &bytes);
	fuzz_split(sql, len, chunk, scs, &chunks);
	if (strcmp(whole, bytes) != 0 || strcmp(whole, chunks) != 0) {
		fprintf(stderr,
			"fuzz_pg_split: chunking changed the items\nwhole: %s\nbytes: %s\n"
			"chunks of %zu: %s\n",
			whole, bytes, chunk, chunks);
		abort();
	}
	free(whole);
	free(bytes);
	free(chunks);

	/* The executor's dry run: the first bytes as the already read head,
	 * the rest through a reader, as restore does. */
	memset(&opts, 0, sizeof(opts));
	opts.dry_run = 1;
	opts.no_owner = !!(flags & 2);
	opts.no_privileges = !!(flags & 4);
	opts.dbname = "fuzz_target";
	head = chunk < len ? chunk : len;
	dbk_clearerr();
	if (dbk_mem_reader_new(sql + head, len - head, &r) == 0) {
		int rc = pg_exec_run(NULL, sql, head, r, &opts, &res);

		if (rc != 0 && !*dbk_errmsg()) {
			fprintf(stderr, "fuzz_pg_split: pg_exec_run failed without a message\n");
			abort();
		}
		dbk_reader_free(r);
	}
	pg_exec_result_release(&res);
	return 0;
}
