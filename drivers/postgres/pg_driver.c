/* drivers/postgres/pg_driver.c - not written yet */
typedef int dbk_placeholder_pg_driver;
