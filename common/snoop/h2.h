/* SPDX-License-Identifier: MIT */
/* h2.h: HTTP/2 framing of one connection's plaintext, for tls.c.
 *
 * tls.c sees the client's connection preface and hands the rest of both
 * directions here (write: what the client sent, read: what it received).
 * Frames are read as they come, never held whole: a DATA frame's payload
 * (padding taken off) goes straight to its stream, a header block
 * (HEADERS, CONTINUATION, PUSH_PROMISE) is decoded piece by piece by
 * libnghttp2's HPACK inflater, one per direction, so memory is bounded
 * per connection (H2_STREAMS streams, each the caller's) whatever the
 * frame sizes.  Each stream the client opens is one request and its
 * response; the caller gets its headers, data and ends through struct
 * h2_ops and frees its stream in close.  SETTINGS, PING, PRIORITY and
 * WINDOW_UPDATE are checked for size and passed over; RST_STREAM and
 * GOAWAY close the streams they name.
 *
 * A frame that breaks the protocol (a header block interrupted, a
 * stream's frame on stream 0, padding longer than its frame, a control
 * frame of the wrong size) or a header block the inflater cannot decode
 * leaves the connection unreadable from there: every stream is closed
 * (H2_GONE) and h2_why says what and where, with no header value in it. */
#ifndef AP_H2_H
#define AP_H2_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H2_STREAMS 128          /* open streams followed per connection */

/* Why a stream closes. */
enum { H2_DONE, H2_RESET, H2_GOAWAY, H2_GONE, H2_DROPPED };

struct h2_ops {
	/* The client opens stream sid (its first HEADERS): the caller's
	 * stream, or NULL to pass it over. */
	void *(*open)(void *arg, uint32_t sid, int64_t ts);
	/* A header of the stream's request (read false) or response; only
	 * the first block of each, and the one after an informational
	 * (1xx) response.  Names are lower case. */
	void (*header)(void *arg, void *s, bool read, const char *name, size_t nn,
		const char *v, size_t vn, int64_t ts);
	/* Payload of a DATA frame, padding taken off. */
	void (*data)(void *arg, void *s, bool read, const void *p, size_t n, int64_t ts);
	/* END_STREAM: the request (read false) or the response is whole. */
	void (*end)(void *arg, void *s, bool read, int64_t ts);
	/* The stream is gone (why: H2_*); the caller frees it. */
	void (*close)(void *arg, void *s, int why, int64_t ts);
};

struct h2;
struct h2 *h2_new(const struct h2_ops *ops, void *arg);
/* n bytes the client wrote (read false; the preface already taken off)
 * or read.  false once the connection cannot be read any more. */
bool h2_feed(struct h2 *h, bool read, const void *p, size_t n, int64_t ts);
/* Why the connection could not be read (a static description with
 * numbers only), or NULL. */
const char *h2_why(const struct h2 *h);
/* The connection ends: open streams close with H2_GONE.  *cut: it ended
 * inside a frame or a header block. */
void h2_free(struct h2 *h, int64_t ts, bool *cut);
#endif
