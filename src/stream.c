/* src/stream.c - not written yet */
typedef int dbk_placeholder_stream;
