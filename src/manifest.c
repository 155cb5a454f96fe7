/*
 * manifest.c - the JSON manifest beside every backup (see manifest.h).
 *
 * jansson reads and writes the document.  Keys are camelCase and written in
 * a fixed order that reads well (insertion order, JSON_PRESERVE_ORDER), one
 * key a line.  "tables" is an object mapping each table name to its row
 * count, in the sorted order of struct dbk_tables; "method", "integrity" and
 * "omitted" are left out when they have nothing to say.
 *
 * Reading is strict about what dbkeep relies on (a missing required key or
 * a value of the wrong type makes the manifest invalid, naming the key) and
 * lenient about the rest: unknown keys are ignored so that a manifest of a
 * newer dbkeep with the same formatVersion still lists.
 *
 * JSON strings must be UTF-8; a database path or table name that is not
 * (SQLite accepts any bytes) is written with U+FFFD in place of each bad
 * byte, so the manifest always stays loadable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/manifest.h"
#include "dbkeep/stream.h"
#include "dbkeep/strbuf.h"

/* A manifest is a few KiB even with thousands of tables; anything near this
 * is not one of ours and is not worth holding in memory. */
#define MANIFEST_MAX_BYTES (16u * 1024 * 1024)

void dbk_manifest_init(struct dbk_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->format = DBK_MANIFEST_FORMAT;
}

void dbk_manifest_release(struct dbk_manifest *m)
{
	free(m->dbkeep_version);
	free(m->engine);
	free(m->engine_version);
	free(m->database);
	free(m->file);
	free(m->host);
	free(m->user);
	free(m->compression);
	free(m->sha256);
	free(m->kind);
	free(m->method);
	free(m->integrity);
	dbk_tables_release(&m->tables);
	dbk_strlist_release(&m->omitted);
	dbk_manifest_init(m);
}

/* ---- writing ---------------------------------------------------------- */

/* A JSON string of s, with U+FFFD for every byte that is not valid UTF-8
 * (jansson refuses invalid UTF-8 outright). */
static json_t *manifest_string(const char *s)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	json_t *j;

	dbk_strbuf_add_utf8(&sb, s);
	j = json_stringn(sb.buf, sb.len);
	dbk_strbuf_release(&sb);
	return j;
}

/* Adds key = string s; a NULL s is written as "" when required, else the
 * key is left out.  Returns -1 when jansson could not allocate. */
static int manifest_set_str(json_t *obj, const char *key, const char *s, int required)
{
	if (!s) {
		if (!required)
			return 0;
		s = "";
	}
	return json_object_set_new(obj, key, manifest_string(s));
}

/* Rounds seconds to milliseconds without libm; negative is nonsense, 0.
 * Past 1e12 s (a manifest may say anything) the cast to long long would
 * overflow, which is undefined: such a value is kept as it is. */
static double manifest_round_ms(double s)
{
	if (!(s > 0))
		return 0.0;
	if (s >= 1e12)
		return s;
	return (double)(long long)(s * 1000.0 + 0.5) / 1000.0;
}

static void manifest_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

char *dbk_manifest_dump(const struct dbk_manifest *m)
{
	json_t *root = json_object(), *tables = json_object(), *omitted = NULL;
	char created[32];
	char *text = NULL, *out = NULL;
	int bad = 0;

	if (!root || !tables)
		goto out;
	manifest_iso_time(m->created, created, sizeof(created));

	bad |= json_object_set_new(root, "formatVersion", json_integer(m->format));
	bad |= manifest_set_str(root, "dbkeepVersion",
				m->dbkeep_version ? m->dbkeep_version : DBKEEP_VERSION, 1);
	bad |= manifest_set_str(root, "engine", m->engine, 1);
	bad |= manifest_set_str(root, "engineVersion", m->engine_version, 1);
	bad |= manifest_set_str(root, "database", m->database, 1);
	bad |= manifest_set_str(root, "file", m->file, 1);
	bad |= json_object_set_new(root, "createdAt", json_string(created));
	bad |= json_object_set_new(root, "createdEpoch", json_integer((json_int_t)m->created));
	/* Milliseconds are all a reader cares about, and they print short. */
	bad |=
	    json_object_set_new(root, "durationSeconds", json_real(manifest_round_ms(m->duration)));
	bad |= manifest_set_str(root, "host", m->host, 1);
	bad |= manifest_set_str(root, "user", m->user, 1);
	bad |= manifest_set_str(root, "compression", m->compression, 1);
	bad |= json_object_set_new(root, "level", json_integer(m->level));
	bad |= json_object_set_new(root, "rawBytes", json_integer((json_int_t)m->raw_bytes));
	bad |= json_object_set_new(root, "storedBytes", json_integer((json_int_t)m->stored_bytes));
	bad |= manifest_set_str(root, "sha256", m->sha256, 1);
	bad |= manifest_set_str(root, "kind", m->kind, 1);
	bad |= manifest_set_str(root, "method", m->method, 0);
	bad |= manifest_set_str(root, "integrity", m->integrity, 0);
	bad |= json_object_set_new(root, "tableCount", json_integer((json_int_t)m->tables.n));
	for (size_t i = 0; i < m->tables.n; i++) {
		json_t *key = manifest_string(m->tables.items[i].name);
		if (!key) {
			bad = -1;
			break;
		}
		bad |= json_object_set_new(tables, json_string_value(key),
					   json_integer(m->tables.items[i].rows));
		json_decref(key);
	}
	bad |= json_object_set(root, "tables", tables);
	if (m->omitted.n) {
		omitted = json_array();
		if (!omitted)
			goto out;
		for (size_t i = 0; i < m->omitted.n; i++)
			bad |= json_array_append_new(omitted, manifest_string(m->omitted.items[i]));
		bad |= json_object_set(root, "omitted", omitted);
	}
	if (bad)
		goto out;

	/* A real with precision 15 prints 12.345 as "12.345", not 12.3449999... */
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	if (!text)
		goto out;
	/* A text file ends with a newline (cat, diff, editors). */
	size_t len = strlen(text);
	out = malloc(len + 2);
	if (!out)
		goto out;
	memcpy(out, text, len);
	out[len] = '\n';
	out[len + 1] = '\0';
out:
	if (!out)
		dbk_oom();
	free(text);
	json_decref(omitted);
	json_decref(tables);
	json_decref(root);
	return out;
}

/* ---- reading ---------------------------------------------------------- */

static int manifest_invalid(const char *what, const char *key, const char *why)
{
	return dbk_seterr(DBK_ECORRUPT, "manifest '%s' is invalid: %s%s%s", what, key,
			  why ? " " : "", why ? why : "");
}

/* Reads a string member into *dst (malloc()ed).  A missing key is an error
 * only when required; JSON null counts as missing. */
static int manifest_get_str(json_t *root, const char *key, int required, const char *what,
			    char **dst)
{
	json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v)) {
		if (required)
			return manifest_invalid(what, key, "is missing");
		return 0;
	}
	if (!json_is_string(v))
		return manifest_invalid(what, key, "is not a string");
	*dst = dbk_strdup(json_string_value(v));
	return *dst ? 0 : DBK_ENOMEM;
}

/* Reads an integer member into *dst; integers only (2.0 is not a count). */
static int manifest_get_int(json_t *root, const char *key, int required, const char *what,
			    json_int_t min, json_int_t *dst)
{
	json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v)) {
		if (required)
			return manifest_invalid(what, key, "is missing");
		return 0;
	}
	if (!json_is_integer(v))
		return manifest_invalid(what, key, "is not an integer");
	if (json_integer_value(v) < min)
		return manifest_invalid(what, key, "is out of range");
	*dst = json_integer_value(v);
	return 0;
}

/* The createdAt form, for a manifest written by hand without createdEpoch. */
static int manifest_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	/* Before 1970 is refused as createdEpoch is (and timegm's -1 is its
	 * error), so every manifest read here can be written back. */
	*out = timegm(&tm);
	return *out < 0 ? -1 : 0;
}

static int manifest_is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return i == DBK_SHA256_HEX_LEN;
}

static int manifest_from_json(json_t *root, const char *what, struct dbk_manifest *m)
{
	json_int_t v;
	json_t *j;
	int rc;

	if (!json_is_object(root))
		return manifest_invalid(what, "the document", "is not a JSON object");

	v = 0;
	if ((rc = manifest_get_int(root, "formatVersion", 1, what, 1, &v)) < 0)
		return rc;
	if (v > DBK_MANIFEST_FORMAT)
		return dbk_seterr(DBK_ECORRUPT,
				  "manifest '%s' has format version %lld, newer than this dbkeep "
				  "reads (%d); use a newer dbkeep",
				  what, (long long)v, DBK_MANIFEST_FORMAT);
	m->format = (int)v;

	if ((rc = manifest_get_str(root, "dbkeepVersion", 0, what, &m->dbkeep_version)) < 0 ||
	    (rc = manifest_get_str(root, "engine", 1, what, &m->engine)) < 0 ||
	    (rc = manifest_get_str(root, "engineVersion", 0, what, &m->engine_version)) < 0 ||
	    (rc = manifest_get_str(root, "database", 1, what, &m->database)) < 0 ||
	    (rc = manifest_get_str(root, "file", 1, what, &m->file)) < 0 ||
	    (rc = manifest_get_str(root, "host", 0, what, &m->host)) < 0 ||
	    (rc = manifest_get_str(root, "user", 0, what, &m->user)) < 0 ||
	    (rc = manifest_get_str(root, "compression", 1, what, &m->compression)) < 0 ||
	    (rc = manifest_get_str(root, "sha256", 1, what, &m->sha256)) < 0 ||
	    (rc = manifest_get_str(root, "kind", 1, what, &m->kind)) < 0 ||
	    (rc = manifest_get_str(root, "method", 0, what, &m->method)) < 0 ||
	    (rc = manifest_get_str(root, "integrity", 0, what, &m->integrity)) < 0)
		return rc;

	/* Only method and integrity may be NULL (manifest.h); the other
	 * optional strings read as "" so that callers can print them. */
	char **optional[] = {&m->dbkeep_version, &m->engine_version, &m->host, &m->user};
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!*optional[i] && !(*optional[i] = dbk_strdup("")))
			return DBK_ENOMEM;

	if (!*m->engine)
		return manifest_invalid(what, "engine", "is empty");
	/* The file name is joined to the folder: it must not lead elsewhere. */
	if (!*m->file || strchr(m->file, '/') || strcmp(m->file, ".") == 0 ||
	    strcmp(m->file, "..") == 0)
		return manifest_invalid(what, "file", "is not a plain file name");
	if (strcmp(m->compression, "gzip") != 0 && strcmp(m->compression, "none") != 0)
		return manifest_invalid(what, "compression", "is neither \"gzip\" nor \"none\"");
	if (!manifest_is_sha256_hex(m->sha256))
		return manifest_invalid(what, "sha256", "is not 64 hexadecimal digits");
	for (char *p = m->sha256; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (!*m->kind)
		return manifest_invalid(what, "kind", "is empty");

	/* createdEpoch is the truth; createdAt is for people, and a fallback. */
	j = json_object_get(root, "createdAt");
	if (j && !json_is_string(j))
		return manifest_invalid(what, "createdAt", "is not a string");
	if (json_object_get(root, "createdEpoch")) {
		if ((rc = manifest_get_int(root, "createdEpoch", 1, what, 0, &v)) < 0)
			return rc;
		m->created = (time_t)v;
	} else if (!j) {
		return manifest_invalid(what, "createdEpoch", "is missing");
	} else if (manifest_parse_iso(json_string_value(j), &m->created) < 0) {
		return manifest_invalid(what, "createdAt",
					"is not a time like 2026-11-23T03:15:00Z");
	}

	j = json_object_get(root, "durationSeconds");
	if (j && !json_is_null(j)) {
		if (!json_is_number(j) || json_number_value(j) < 0)
			return manifest_invalid(what, "durationSeconds",
						"is not a number of seconds");
		m->duration = json_number_value(j);
	}

	v = 0;
	if ((rc = manifest_get_int(root, "level", 0, what, 0, &v)) < 0)
		return rc;
	if (v > 9)
		return manifest_invalid(what, "level", "is out of range");
	m->level = (int)v;
	v = 0;
	if ((rc = manifest_get_int(root, "rawBytes", 0, what, 0, &v)) < 0)
		return rc;
	m->raw_bytes = (uint64_t)v;
	if ((rc = manifest_get_int(root, "storedBytes", 1, what, 0, &v)) < 0)
		return rc;
	m->stored_bytes = (uint64_t)v;

	j = json_object_get(root, "tables");
	if (!j)
		return manifest_invalid(what, "tables", "is missing");
	if (!json_is_object(j))
		return manifest_invalid(what, "tables", "is not an object");
	{
		const char *name;
		json_t *rows;

		json_object_foreach(j, name, rows)
		{
			if (!json_is_integer(rows)) {
				struct dbk_strbuf key = DBK_STRBUF_INIT;
				dbk_strbuf_addf(&key, "tables.%s", name);
				rc = manifest_invalid(what, key.buf, "is not an integer");
				dbk_strbuf_release(&key);
				return rc;
			}
			dbk_tables_add(&m->tables, name, json_integer_value(rows));
		}
		dbk_tables_sort(&m->tables);
	}
	/* tableCount repeats tables' size for people and scripts; when it
	 * disagrees, one of them was edited and neither can be trusted. */
	j = json_object_get(root, "tableCount");
	if (j && !json_is_null(j) &&
	    (!json_is_integer(j) || json_integer_value(j) != (json_int_t)m->tables.n))
		return manifest_invalid(what, "tableCount", "does not match tables");

	j = json_object_get(root, "omitted");
	if (j && !json_is_null(j)) {
		size_t i;
		json_t *item;

		if (!json_is_array(j))
			return manifest_invalid(what, "omitted", "is not an array");
		json_array_foreach(j, i, item)
		{
			if (!json_is_string(item))
				return manifest_invalid(what, "omitted", "holds a non-string");
			dbk_strlist_add(&m->omitted, json_string_value(item));
		}
	}
	return 0;
}

int dbk_manifest_parse(const char *text, const char *what, struct dbk_manifest *m)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	dbk_manifest_init(m);
	/* Duplicate keys would make "which value counts" ambiguous. */
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return dbk_seterr(DBK_ECORRUPT, "manifest '%s' is not valid JSON: %s (line %d)",
				  what, jerr.text, jerr.line);
	rc = manifest_from_json(root, what, m);
	json_decref(root);
	if (rc < 0)
		dbk_manifest_release(m);
	return rc;
}

int dbk_manifest_load(const char *path, struct dbk_manifest *m)
{
	struct dbk_strbuf text = DBK_STRBUF_INIT;
	int rc;

	dbk_manifest_init(m);
	/* dbk_read_file opens with O_NOFOLLOW (the folder holds only what
	 * dbkeep wrote; a symlink there is not a manifest) and stops at max. */
	rc = dbk_read_file(path, MANIFEST_MAX_BYTES, &text);
	if (rc < 0)
		goto out;
	if (memchr(text.buf, '\0', text.len)) {
		rc = dbk_seterr(DBK_ECORRUPT,
				"manifest '%s' is not valid JSON: it holds a NUL byte", path);
		goto out;
	}
	rc = dbk_manifest_parse(text.buf, path, m);
out:
	dbk_strbuf_release(&text);
	return rc;
}
