/* src/lock.c - not written yet */
typedef int dbk_placeholder_lock;
