/* drivers/sqlite.c - not written yet */
typedef int dbk_placeholder_sqlite;
