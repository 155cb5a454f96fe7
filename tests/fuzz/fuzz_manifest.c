/*
 * fuzz_manifest.c - libFuzzer harness for the manifest reader
 * (dbk_manifest_parse): a manifest sits in the backup folder, where anyone
 * who can write there may have edited it.
 *
 * Besides "no crash, no sanitizer report", it checks the promise of
 * manifest.h that a manifest dbkeep accepts survives a round trip: what
 * dbk_manifest_dump writes from it parses again to the same values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "dbkeep/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Aborts (a crash libFuzzer reports) when the two differ. */
static void fuzz_same(const struct dbk_manifest *a, const struct dbk_manifest *b)
{
	int same = a->format == b->format && a->created == b->created &&
		   a->level == b->level && a->raw_bytes == b->raw_bytes &&
		   a->stored_bytes == b->stored_bytes && a->tables.n == b->tables.n &&
		   a->omitted.n == b->omitted.n && fuzz_streq(a->engine, b->engine) &&
		   fuzz_streq(a->database, b->database) && fuzz_streq(a->file, b->file) &&
		   fuzz_streq(a->sha256, b->sha256) && fuzz_streq(a->kind, b->kind) &&
		   fuzz_streq(a->compression, b->compression) &&
		   fuzz_streq(a->method, b->method) && fuzz_streq(a->integrity, b->integrity) &&
		   fuzz_streq(a->host, b->host) && fuzz_streq(a->user, b->user) &&
		   fuzz_streq(a->engine_version, b->engine_version) &&
		   fuzz_streq(a->dbkeep_version, b->dbkeep_version);

	for (size_t i = 0; same && i < a->tables.n; i++)
		same = strcmp(a->tables.items[i].name, b->tables.items[i].name) == 0 &&
		       a->tables.items[i].rows == b->tables.items[i].rows;
	for (size_t i = 0; same && i < a->omitted.n; i++)
		same = strcmp(a->omitted.items[i], b->omitted.items[i]) == 0;
	if (!same) {
		fprintf(stderr, "fuzz_manifest: the dumped manifest reads back differently\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbk_manifest m, again;
	char *text, *dumped;

	/* The reader takes a C string (dbk_manifest_load refuses NUL bytes). */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	dbk_clearerr();
	if (dbk_manifest_parse(text, "fuzz", &m) == 0) {
		dumped = dbk_manifest_dump(&m);
		if (!dumped || dbk_manifest_parse(dumped, "fuzz (dumped)", &again) != 0) {
			fprintf(stderr, "fuzz_manifest: the dumped manifest does not parse: %s\n",
				dbk_errmsg());
			abort();
		}
		fuzz_same(&m, &again);
		dbk_manifest_release(&again);
		free(dumped);
		dbk_manifest_release(&m);
	} else if (!*dbk_errmsg()) {
		fprintf(stderr, "fuzz_manifest: refused without a message\n");
		abort();
	}
	free(text);
	return 0;
}
