/* src/stream_count.c - not written yet */
typedef int dbk_placeholder_stream_count;
