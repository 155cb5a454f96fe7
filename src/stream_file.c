/* src/stream_file.c - not written yet */
typedef int dbk_placeholder_stream_file;
