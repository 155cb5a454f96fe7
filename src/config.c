/*
 * config.c - the configuration file (see config.h), parsed by inih.
 */
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dbkeep/config.h"
#include "dbkeep/error.h"
#include "dbkeep/strbuf.h"

struct load_ctx {
	struct dbk_config *cfg;
	const struct poptOption *const *known;
	FILE *f;
	int line;     /* lines read so far: inih's line number in a handler */
	int bad_line; /* where bad_key was met */
	char bad_key[128];
};

/* inih's reader, counting lines so that an unknown key is reported with
 * its own line, not beside the line of an earlier syntax error. */
static char *config_read_line(char *str, int num, void *stream)
{
	struct load_ctx *ctx = stream;
	char *s = fgets(str, num, ctx->f);

	if (s)
		ctx->line++;
	return s;
}

/* Finds the option named key in table and the tables it includes. */
static const struct poptOption *find_option(const struct poptOption *table, const char *key)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->argInfo;
	     o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			const struct poptOption *f = find_option(o->arg, key);
			if (f)
				return f;
		} else if (o->longName && strcmp(o->longName, key) == 0) {
			return o;
		}
	}
	return NULL;
}

static int known_key(const struct poptOption *const *known, const char *key)
{
	for (size_t i = 0; known && known[i]; i++)
		if (find_option(known[i], key))
			return 1;
	return 0;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	struct dbk_config *cfg = ctx->cfg;

	/* Options that choose the file or the job make no sense inside it. */
	if (!known_key(ctx->known, key) || strcmp(key, "config") == 0 ||
	    strcmp(key, "job") == 0 || strcmp(key, "all-jobs") == 0) {
		/* inih goes on after an error and returns the first one's line. */
		if (!ctx->bad_key[0]) {
			snprintf(ctx->bad_key, sizeof(ctx->bad_key), "%s", key);
			ctx->bad_line = ctx->line;
		}
		return 0;
	}
	if (cfg->n == cfg->alloc) {
		size_t n = cfg->alloc ? cfg->alloc * 2 : 16;
		void *p = realloc(cfg->items, n * sizeof(*cfg->items));
		if (!p)
			return 0;
		cfg->items = p;
		cfg->alloc = n;
	}
	cfg->items[cfg->n].section = strdup(section);
	cfg->items[cfg->n].key = strdup(key);
	cfg->items[cfg->n].value = strdup(value);
	cfg->n++;
	return 1;
}

int dbk_config_load(const char *path, int must_exist, const struct poptOption *const *known,
		    struct dbk_config *cfg)
{
	struct load_ctx ctx;
	struct stat st;
	int line;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.known = known;
	if (stat(path, &st) != 0) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return dbk_seterr(DBK_EUSAGE, "could not read config '%s': %s", path,
				  strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return dbk_seterr(DBK_EUSAGE, "config '%s' is not a regular file", path);
	cfg->path = dbk_strdup(path);
	ctx.f = fopen(path, "r");
	if (!ctx.f)
		return dbk_seterr(DBK_EUSAGE, "could not read config '%s': %s", path,
				  strerror(errno));
	line = ini_parse_stream(config_read_line, &ctx, on_entry, &ctx);
	fclose(ctx.f);
	if (line < 0)
		return dbk_seterr(DBK_EUSAGE, "could not read config '%s'", path);
	if (line > 0) {
		if (ctx.bad_key[0] && ctx.bad_line == line)
			return dbk_seterr(DBK_EUSAGE, "config '%s' line %d: unknown key '%s'", path,
					  line, ctx.bad_key);
		return dbk_seterr(DBK_EUSAGE, "config '%s' line %d: syntax error", path, line);
	}
	return 0;
}

void dbk_config_release(struct dbk_config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->items[i].section);
		free(cfg->items[i].key);
		free(cfg->items[i].value);
	}
	free(cfg->items);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

int dbk_config_has_section(const struct dbk_config *cfg, const char *section)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->items[i].section, section) == 0)
			return 1;
	return 0;
}

void dbk_config_jobs(const struct dbk_config *cfg, struct dbk_strlist *out)
{
	for (size_t i = 0; i < cfg->n; i++) {
		const char *s = cfg->items[i].section;
		int seen = strcmp(s, DBK_CONFIG_DEFAULTS) == 0 || s[0] == '\0';

		for (size_t j = 0; j < out->n && !seen; j++)
			seen = strcmp(out->items[j], s) == 0;
		if (!seen)
			dbk_strlist_add(out, s);
	}
}

static int truth(const char *v, int *out)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

int dbk_config_args(const struct dbk_config *cfg, const char *section,
		    const struct poptOption *table, struct dbk_strlist *out)
{
	struct dbk_strbuf opt = DBK_STRBUF_INIT;

	for (size_t i = 0; i < cfg->n; i++) {
		const struct dbk_config_entry *e = &cfg->items[i];
		const struct poptOption *o;
		int on;

		if (strcmp(e->section, section) != 0 || !(o = find_option(table, e->key)))
			continue;
		dbk_strbuf_reset(&opt);
		dbk_strbuf_addf(&opt, "--%s", e->key);
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_NONE) {
			if (truth(e->value, &on)) {
				dbk_strbuf_release(&opt);
				return dbk_seterr(DBK_EUSAGE,
						  "config '%s' [%s]: '%s' takes yes or no, not '%s'",
						  cfg->path, section, e->key, e->value);
			}
			if (on)
				dbk_strlist_add(out, opt.buf);
			continue;
		}
		dbk_strlist_add(out, opt.buf);
		dbk_strlist_add(out, e->value);
	}
	dbk_strbuf_release(&opt);
	return 0;
}
