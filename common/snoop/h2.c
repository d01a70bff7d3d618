/* SPDX-License-Identifier: MIT */
/* h2.c: the HTTP/2 frames of one connection, and their header blocks
 * through libnghttp2's HPACK inflater (h2.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nghttp2/nghttp2.h>
#include "util.h"
#include "snoop/h2.h"

enum { F_DATA, F_HEADERS, F_PRIORITY, F_RST, F_SETTINGS, F_PUSH, F_PING, F_GOAWAY, F_WINDOW,
	F_CONT };
#define FL_END_STREAM 0x1
#define FL_END_HEADERS 0x4
#define FL_PADDED 0x8
#define FL_PRIORITY 0x20
/* The largest HPACK table a peer may have asked its encoder to use (the
 * SETTINGS that said so may not be seen before the blocks that use it):
 * a larger table than the encoder's is harmless, as entries are numbered
 * from the newest. */
#define HD_TABLE_MAX 65536

static const char *const fname[] = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
	"PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};

struct stream {
	uint32_t sid;
	void *u;
	bool end[2];            /* END_STREAM seen: request, response */
	int blocks[2];          /* header blocks begun */
	bool info;              /* the response's block is an informational one */
};

/* One direction: the frame being read. */
struct dir {
	uint8_t fh[9];
	unsigned nfh;           /* bytes of the frame header read */
	uint32_t len, sid, pos; /* payload length, stream, bytes of it read */
	uint8_t type, flags;
	uint32_t pre, pad;      /* payload before the content (pad length,
	                         * priority, promised id) and padding after */
	uint8_t ctl[8];         /* a control frame's first bytes */
	uint32_t block_sid;     /* a header block is open on this stream */
	bool block_end;         /* its HEADERS had END_STREAM */
	bool deliver;           /* its headers go to the caller */
	uint64_t frames;
	nghttp2_hd_inflater *hd;
};

struct h2 {
	const struct h2_ops *ops;
	void *arg;
	struct dir d[2];        /* written, read */
	struct stream st[H2_STREAMS];
	int nst;
	bool bad;
	char why[192];
};

static nghttp2_hd_inflater *hd_new(void)
{
	nghttp2_hd_inflater *hd;
	if (nghttp2_hd_inflate_new(&hd))
		die(2, "out of memory");
	/* allow a table up to HD_TABLE_MAX, and start at the protocol's 4096
	 * as if the encoder had said so (an update to 4096: 0x3f 0xe1 0x1f) */
	static const uint8_t upd[] = {0x3f, 0xe1, 0x1f};
	nghttp2_nv nv;
	int fl = 0;
	if (nghttp2_hd_inflate_change_table_size(hd, HD_TABLE_MAX) ||
		nghttp2_hd_inflate_hd2(hd, &nv, &fl, upd, sizeof upd, 1) != (ssize_t)sizeof upd ||
		!(fl & NGHTTP2_HD_INFLATE_FINAL))
		die(2, "libnghttp2: cannot set up an HPACK inflater");
	nghttp2_hd_inflate_end_headers(hd);
	return hd;
}

struct h2 *h2_new(const struct h2_ops *ops, void *arg)
{
	struct h2 *h = xcalloc(1, sizeof *h);
	h->ops = ops, h->arg = arg;
	h->d[0].hd = hd_new();
	h->d[1].hd = hd_new();
	return h;
}

const char *h2_why(const struct h2 *h) { return h->bad ? h->why : NULL; }

/* --- streams ------------------------------------------------------------------- */

static struct stream *stream_of(struct h2 *h, uint32_t sid)
{
	for (int i = 0; i < h->nst; i++)
		if (h->st[i].sid == sid)
			return &h->st[i];
	return NULL;
}

static void stream_close(struct h2 *h, struct stream *s, int why, int64_t ts)
{
	void *u = s->u;
	int i = (int)(s - h->st);
	memmove(&h->st[i], &h->st[i + 1], (size_t)(h->nst - i - 1) * sizeof *h->st);
	h->nst--;
	h->ops->close(h->arg, u, why, ts);
}

static struct stream *stream_open(struct h2 *h, uint32_t sid, int64_t ts)
{
	if (h->nst == H2_STREAMS)   /* the oldest goes */
		stream_close(h, &h->st[0], H2_DROPPED, ts);
	void *u = h->ops->open(h->arg, sid, ts);
	if (!u)
		return NULL;
	struct stream *s = &h->st[h->nst++];
	memset(s, 0, sizeof *s);
	s->sid = sid, s->u = u;
	return s;
}

static void stream_end(struct h2 *h, uint32_t sid, bool read, int64_t ts)
{
	struct stream *s = stream_of(h, sid);
	if (!s || s->end[read])
		return;
	s->end[read] = true;
	h->ops->end(h->arg, s->u, read, ts);
	if (s->end[0] && s->end[1])
		stream_close(h, s, H2_DONE, ts);
}

static void close_all(struct h2 *h, int why, int64_t ts)
{
	while (h->nst)
		stream_close(h, &h->st[0], why, ts);
}

/* The connection cannot be read from here on. */
static void bad(struct h2 *h, bool read, int64_t ts, const char *what)
{
	struct dir *d = &h->d[read];
	snprintf(h->why, sizeof h->why, "HTTP/2 %s frame %llu (%s, stream %u, %u bytes): %s",
		read ? "received" : "sent", (unsigned long long)d->frames,
		d->type <= F_CONT ? fname[d->type] : "unknown type", (unsigned)d->sid,
		(unsigned)d->len, what);
	h->bad = true;
	close_all(h, H2_GONE, ts);
}

/* --- header blocks ------------------------------------------------------------- */

static void header(struct h2 *h, bool read, const nghttp2_nv *nv, int64_t ts)
{
	struct dir *d = &h->d[read];
	struct stream *s = stream_of(h, d->block_sid);
	if (!s || !d->deliver)
		return;
	if (read && nv->namelen == 7 && !memcmp(nv->name, ":status", 7))
		s->info = nv->valuelen == 3 && nv->value[0] == '1';
	h->ops->header(h->arg, s->u, read, (const char *)nv->name, nv->namelen,
		(const char *)nv->value, nv->valuelen, ts);
}

/* A piece of the open header block; final: its last. */
static bool block(struct h2 *h, bool read, const uint8_t *p, size_t n, bool final, int64_t ts)
{
	struct dir *d = &h->d[read];
	for (;;) {
		nghttp2_nv nv;
		int fl = 0;
		ssize_t r = nghttp2_hd_inflate_hd2(d->hd, &nv, &fl, p, n, final);
		if (r < 0) {
			char what[96];
			snprintf(what, sizeof what, "its HPACK header block does not decode (%s)",
				nghttp2_strerror((int)r));
			bad(h, read, ts, what);
			return false;
		}
		p += r, n -= (size_t)r;
		if (fl & NGHTTP2_HD_INFLATE_EMIT)
			header(h, read, &nv, ts);
		if (fl & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(d->hd);
			return true;
		}
		if (!(fl & NGHTTP2_HD_INFLATE_EMIT) && !n)
			return true;
	}
}

/* --- frames ---------------------------------------------------------------------- */

static bool frame_end(struct h2 *h, bool read, int64_t ts);

/* The frame header is read: check it, and begin what it begins. */
static bool frame_begin(struct h2 *h, bool read, int64_t ts)
{
	struct dir *d = &h->d[read];
	const uint8_t *f = d->fh;
	d->len = (uint32_t)f[0] << 16 | (uint32_t)f[1] << 8 | f[2];
	d->type = f[3], d->flags = f[4];
	d->sid = ((uint32_t)f[5] << 24 | (uint32_t)f[6] << 16 | (uint32_t)f[7] << 8 | f[8]) & 0x7fffffff;
	d->pos = d->pre = d->pad = 0;
	d->frames++;
	if (d->block_sid && (d->type != F_CONT || d->sid != d->block_sid)) {
		bad(h, read, ts, "a header block was not continued");
		return false;
	}
	switch (d->type) {
	case F_DATA: case F_HEADERS: case F_PRIORITY: case F_RST: case F_PUSH: case F_CONT:
		if (!d->sid) {
			bad(h, read, ts, "a stream's frame on stream 0");
			return false;
		}
		break;
	case F_SETTINGS: case F_PING: case F_GOAWAY:
		if (d->sid) {
			bad(h, read, ts, "a connection's frame on a stream");
			return false;
		}
		break;
	}
	bool size_ok = true;
	switch (d->type) {
	case F_DATA:
		d->pre = d->flags & FL_PADDED ? 1 : 0;
		break;
	case F_HEADERS:
		d->pre = (d->flags & FL_PADDED ? 1 : 0) + (d->flags & FL_PRIORITY ? 5 : 0);
		break;
	case F_PUSH:
		d->pre = (d->flags & FL_PADDED ? 1 : 0) + 4;
		break;
	case F_CONT:
		break;
	case F_PRIORITY: size_ok = d->len == 5; break;
	case F_RST: size_ok = d->len == 4; break;
	case F_SETTINGS: size_ok = d->len % 6 == 0 && (!(d->flags & 1) || !d->len); break;
	case F_PING: size_ok = d->len == 8; break;
	case F_GOAWAY: size_ok = d->len >= 8; break;
	case F_WINDOW: size_ok = d->len == 4; break;
	}
	if (!size_ok || d->pre > d->len) {
		bad(h, read, ts, "its length is wrong for its type");
		return false;
	}
	if (d->type == F_HEADERS || d->type == F_PUSH) {
		d->block_sid = d->sid;
		d->block_end = d->type == F_HEADERS && d->flags & FL_END_STREAM;
		d->deliver = false;
		if (d->type == F_HEADERS) {
			struct stream *s = stream_of(h, d->sid);
			/* the client opens odd streams; even ones are pushed */
			if (!s && !read && d->sid & 1)
				s = stream_open(h, d->sid, ts);
			if (s) {
				s->blocks[read]++;
				d->deliver = s->blocks[read] == 1 || (read && s->info);
				if (read)
					s->info = false;
			}
		}
	}
	if (!d->len)
		return frame_end(h, read, ts);
	return true;
}

/* Bytes of the frame's content (neither its prefix nor its padding). */
static bool content(struct h2 *h, bool read, const uint8_t *p, size_t n, int64_t ts)
{
	struct dir *d = &h->d[read];
	switch (d->type) {
	case F_DATA: {
		struct stream *s = stream_of(h, d->sid);
		if (s && !s->end[read])
			h->ops->data(h->arg, s->u, read, p, n, ts);
		return true;
	}
	case F_HEADERS: case F_PUSH: case F_CONT:
		return block(h, read, p, n, false, ts);
	default:
		for (size_t i = 0; i < n && d->pos + i < sizeof d->ctl; i++)
			d->ctl[d->pos + i] = p[i];
		return true;
	}
}

static bool frame_end(struct h2 *h, bool read, int64_t ts)
{
	struct dir *d = &h->d[read];
	d->nfh = 0;
	switch (d->type) {
	case F_DATA:
		if (d->flags & FL_END_STREAM)
			stream_end(h, d->sid, read, ts);
		break;
	case F_HEADERS: case F_PUSH: case F_CONT:
		if (d->flags & FL_END_HEADERS) {
			if (!block(h, read, NULL, 0, true, ts))
				return false;
			uint32_t sid = d->block_sid;
			d->block_sid = 0;
			if (d->block_end)
				stream_end(h, sid, read, ts);
		}
		break;
	case F_RST: {
		struct stream *s = stream_of(h, d->sid);
		if (s)
			stream_close(h, s, H2_RESET, ts);
		break;
	}
	case F_GOAWAY:
		if (read) {   /* the server's: streams past the last it took were not */
			uint32_t last = ((uint32_t)d->ctl[0] << 24 | (uint32_t)d->ctl[1] << 16 |
				(uint32_t)d->ctl[2] << 8 | d->ctl[3]) & 0x7fffffff;
			for (int i = 0; i < h->nst;)
				if (h->st[i].sid > last)
					stream_close(h, &h->st[i], H2_GOAWAY, ts);
				else
					i++;
		}
		break;
	}
	return true;
}

bool h2_feed(struct h2 *h, bool read, const void *p0, size_t n, int64_t ts)
{
	const uint8_t *p = p0;
	struct dir *d = &h->d[read];
	while (n && !h->bad) {
		if (d->nfh < 9) {
			size_t k = 9 - d->nfh < n ? 9 - d->nfh : n;
			memcpy(d->fh + d->nfh, p, k);
			d->nfh += (unsigned)k, p += k, n -= k;
			if (d->nfh == 9 && !frame_begin(h, read, ts))
				break;
			continue;
		}
		size_t k = d->len - d->pos < n ? d->len - d->pos : n;
		const uint8_t *e = p + k;
		while (p < e && !h->bad) {
			size_t m;
			if (d->pos < d->pre) {   /* the pad length first, when padded */
				m = d->pre - d->pos < (size_t)(e - p) ? d->pre - d->pos : (size_t)(e - p);
				if (!d->pos && d->flags & FL_PADDED) {
					d->pad = *p;
					if (d->pre + d->pad > d->len) {
						bad(h, read, ts, "its padding is longer than the frame");
						break;
					}
				}
			} else if (d->pos < d->len - d->pad) {
				m = d->len - d->pad - d->pos < (size_t)(e - p) ? d->len - d->pad - d->pos
					: (size_t)(e - p);
				if (!content(h, read, p, m, ts))
					break;
			} else {
				m = (size_t)(e - p);   /* padding */
			}
			p += m, d->pos += (uint32_t)m;
		}
		if (h->bad)
			break;
		n -= k;
		if (d->pos == d->len && !frame_end(h, read, ts))
			break;
	}
	return !h->bad;
}

void h2_free(struct h2 *h, int64_t ts, bool *cut)
{
	if (!h)
		return;
	*cut = !h->bad && (h->d[0].nfh || h->d[1].nfh || h->d[0].block_sid || h->d[1].block_sid);
	close_all(h, H2_GONE, ts);
	nghttp2_hd_inflate_del(h->d[0].hd);
	nghttp2_hd_inflate_del(h->d[1].hd);
	free(h);
}
