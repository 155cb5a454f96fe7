/*
 * fuzz_names.c - libFuzzer harness for backup file names (dbk_name_parse,
 * dbk_name_sanitize_label): names come from whatever files lie in the
 * backup folder, labels from the command line and the config file.
 *
 * It checks the invariants names.c states: a name that parses is exactly
 * what dbk_name_format makes of the result; a sanitised label holds only
 * [A-Za-z0-9._-], is never empty, and sanitising it again changes nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/names.h"
#include "dbkeep/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __attribute__((noreturn)) fuzz_fail(const char *what, const char *in, const char *got)
{
	fprintf(stderr, "fuzz_names: %s: '%s' gave '%s'\n", what, in, got);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbk_strbuf out = DBK_STRBUF_INIT, again = DBK_STRBUF_INIT;
	struct dbk_name n;
	char *s;

	/* File names and arguments are C strings. */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (dbk_name_parse(s, &n) == 0) {
		if (memchr(n.label, '\0', sizeof(n.label)) == NULL ||
		    memchr(n.ext, '\0', sizeof(n.ext)) == NULL)
			fuzz_fail("unterminated label or ext", s, "");
		dbk_name_format(&n, &out);
		if (strcmp(out.buf, s) != 0)
			fuzz_fail("parse then format is not the same name", s, out.buf);
	}

	dbk_name_sanitize_label(s, &out);
	if (out.len == 0 || strlen(out.buf) != out.len ||
	    strspn(out.buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
		out.len)
		fuzz_fail("sanitised label", s, out.buf);
	dbk_name_sanitize_label(out.buf, &again);
	if (strcmp(out.buf, again.buf) != 0)
		fuzz_fail("sanitising twice", out.buf, again.buf);

	/* A backup named with that label parses back to it, with or without
	 * the safety tag and a sequence number. */
	{
		struct dbk_name w, back;

		memset(&w, 0, sizeof(w));
		if (out.len >= sizeof(w.label))
			fuzz_fail("sanitised label too long", s, out.buf);
		memcpy(w.label, out.buf, out.len + 1);
		w.safety = size > 0 && (data[0] & 1);
		w.seq = size > 1 ? 1 + data[1] : 1;
		w.when = 1790000000 + (time_t)size * 86399;
		strcpy(w.ext, size > 2 && (data[2] & 1) ? "sql" : "db");
		w.gz = size > 3 && (data[3] & 1);
		dbk_name_format(&w, &again);
		if (dbk_name_parse(again.buf, &back) != 0 || strcmp(back.label, w.label) != 0 ||
		    back.safety != w.safety || back.seq != w.seq || back.when != w.when ||
		    strcmp(back.ext, w.ext) != 0 || back.gz != w.gz)
			fuzz_fail("format then parse", out.buf, again.buf);
	}

	dbk_strbuf_release(&again);
	dbk_strbuf_release(&out);
	free(s);
	return 0;
}
