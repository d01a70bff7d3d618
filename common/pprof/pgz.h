/* SPDX-License-Identifier: MIT */
/* pgz.h: gzip written by several threads, one member as gzip(1) writes.
 *
 * The bytes to compress come in chunks (pgz_put, each at least
 * PGZ_CHUNK bytes but the last).  Each chunk is deflated on its own, as
 * pigz does: a raw deflate stream primed with the last 32 KiB of the
 * chunk before (so the ratio stays that of one stream), ended with
 * Z_SYNC_FLUSH (a byte boundary and an empty stored block) or, for the
 * last, Z_FINISH.  The pieces are written in order after one gzip
 * header, then the CRC-32 of the whole (crc32_combine of the chunks')
 * and its length: one member, read by every gzip reader.
 *
 * The bytes depend on the chunks and the level only, not on the number
 * of threads: worker threads (one per CPU this process may run on, when
 * there is more than one) deflate the chunks while the caller makes the
 * next; with one CPU the caller deflates each chunk itself.  Threads
 * start at the second chunk, so output of one chunk costs no thread.
 *
 * Memory: a few chunks in flight per worker, their deflated copies and
 * a zlib state per worker; not the whole output.  Errors (zlib, write)
 * end the program. */
#ifndef AP_PGZ_H
#define AP_PGZ_H
#include <stddef.h>
#include "util.h"

#define PGZ_CHUNK ((size_t)1 << 19)

struct pgz;

/* Start writing gzip (level 0-9, mtime 0) to fd. */
struct pgz *pgz_open(int fd, int level);
/* Hand over b's bytes as the next chunk; b is left empty (its memory may
 * be exchanged for another buffer's). */
void pgz_put(struct pgz *g, struct sbuf *b);
/* b's bytes (maybe none) as the last chunk; write the rest, the trailer,
 * and free g. */
void pgz_close(struct pgz *g, struct sbuf *b);
#endif
