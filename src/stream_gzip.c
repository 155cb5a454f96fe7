/* src/stream_gzip.c - not written yet */
typedef int dbk_placeholder_stream_gzip;
