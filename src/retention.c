/* src/retention.c - not written yet */
typedef int dbk_placeholder_retention;
