/*
 * commands.h - the command table.
 *
 * Each command lives in src/cmd_<name>.c, parses its own options with popt
 * (options.h) and returns 0 or a negative DBK_E* code with the message
 * recorded; main() prints it and picks the exit status.
 *
 * Checklist for a new command: src/cmd_<name>.c, its row in src/main.c, the
 * Makefile.am line, a test in tests/e2e, the README and the man page.
 */
#ifndef DBKEEP_COMMANDS_H
#define DBKEEP_COMMANDS_H

#include <popt.h>

int cmd_backup(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_show(int argc, const char **argv);
int cmd_verify(int argc, const char **argv);
int cmd_restore(int argc, const char **argv);
int cmd_prune(int argc, const char **argv);
int cmd_status(int argc, const char **argv);
int cmd_compare(int argc, const char **argv);

/* Each command's popt table, for --help and for applying config files. */
extern struct poptOption cmd_backup_options[];
extern struct poptOption cmd_list_options[];
extern struct poptOption cmd_show_options[];
extern struct poptOption cmd_verify_options[];
extern struct poptOption cmd_restore_options[];
extern struct poptOption cmd_prune_options[];
extern struct poptOption cmd_status_options[];
extern struct poptOption cmd_compare_options[];

#endif
