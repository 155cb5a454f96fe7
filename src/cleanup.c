/*
 * cleanup.c - removal of registered files on a fatal signal (see
 * cleanup.h).  Fixed storage: the handler may touch nothing else.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "dbkeep/cleanup.h"

#define SLOTS 16
#define PATH_LEN 4096

static char paths[SLOTS][PATH_LEN];
static volatile sig_atomic_t used[SLOTS];
static int installed;

static void on_fatal_signal(int sig)
{
	for (int i = 0; i < SLOTS; i++)
		if (used[i])
			unlink(paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	installed = 1;
}

void dbk_cleanup_add(const char *path)
{
	size_t n = strlen(path);

	if (!installed)
		install();
	if (n >= PATH_LEN)
		return;
	for (int i = 0; i < SLOTS; i++) {
		if (used[i])
			continue;
		memcpy(paths[i], path, n + 1);
		used[i] = 1;
		return;
	}
}

void dbk_cleanup_forget(const char *path)
{
	for (int i = 0; i < SLOTS; i++)
		if (used[i] && strcmp(paths[i], path) == 0)
			used[i] = 0;
}
