/*
 * sanitizer.c - what the sanitizer build (configure --enable-sanitizers)
 * must not report, compiled into the dbkeep binary and unused otherwise.
 *
 * popt gives the program a malloc()ed copy of every POPT_ARG_STRING value
 * and overwrites the pointer when the option comes again, without freeing
 * the first copy ("application is responsible", popt.c).  An option given
 * twice (a config file's [defaults] and then the command line, or each job
 * of --all-jobs parsing into the same struct dbk_cli) therefore drops a few
 * bytes once per process (the second through cli_reset's memset); the
 * sanitizer build would fail every such run.
 */

/* LeakSanitizer reads its built-in options and suppressions from these
 * hooks; the list of suppressions used would be a second line on stderr. */
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void)
{
	return "leak:poptGetNextOpt\n";
}
