/* SPDX-License-Identifier: MIT */
/* pgz.c: gzip by chunks on several threads (see pgz.h). */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "pgz.h"

#define DICT 32768
#define MAXWORK 8

enum { FREE, READY, BUSY, DONE };

struct chunk {
	struct sbuf in;
	unsigned char *out;
	size_t outlen, outcap;
	unsigned char dict[DICT];       /* the 32 KiB before in */
	size_t dictlen;
	uLong crc;
	int state;
	bool last;
};

struct pgz {
	int fd, level, nwork;
	bool started;
	uLong crc;                      /* of the bytes written so far */
	uint64_t total;
	/* chunk number n sits in slot[n % nslot] */
	struct chunk *slot;
	unsigned nslot;
	uint64_t put, take, written;    /* chunks handed over, taken, written */
	unsigned char tail[DICT];       /* the last DICT bytes handed over */
	size_t taillen;
	z_stream self;                  /* the caller's, when no workers */
	bool selfinit;
	pthread_t th[MAXWORK];
	pthread_mutex_t mu;
	pthread_cond_t more, done;
	bool closing;
};

static void zinit(z_stream *z, int level)
{
	memset(z, 0, sizeof *z);
	/* raw deflate: the gzip wrapper is written here, once */
	if (deflateInit2(z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die(2, "zlib: cannot initialise deflate");
}

/* Deflate one chunk with z (reset first): out, outlen and crc. */
static void squeeze(z_stream *z, struct chunk *c, int level)
{
	if (deflateReset(z) != Z_OK)
		die(2, "zlib: deflate failed");
	if (c->dictlen && level > 0 &&
	    deflateSetDictionary(z, c->dict, (uInt)c->dictlen) != Z_OK)
		die(2, "zlib: deflate failed");
	size_t need = deflateBound(z, (uLong)c->in.len) + 16;
	if (need > c->outcap) {
		free(c->out);
		c->out = xmalloc(need);
		c->outcap = need;
	}
	z->next_in = (Bytef *)c->in.p;
	z->avail_in = (uInt)c->in.len;
	z->next_out = c->out;
	z->avail_out = (uInt)c->outcap;
	int flush = c->last ? Z_FINISH : Z_SYNC_FLUSH;
	for (;;) {
		int rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			die(2, "zlib: deflate failed");
		if (c->last ? rc == Z_STREAM_END : z->avail_out != 0 && !z->avail_in)
			break;
		/* the bound was too small: more room, and go on */
		size_t used = c->outcap - z->avail_out;
		c->outcap *= 2;
		unsigned char *o = xmalloc(c->outcap);
		memcpy(o, c->out, used);
		free(c->out);
		c->out = o;
		z->next_out = c->out + used;
		z->avail_out = (uInt)(c->outcap - used);
	}
	c->outlen = c->outcap - z->avail_out;
	c->crc = crc32(0, (const Bytef *)c->in.p, (uInt)c->in.len);
}

static void *worker(void *arg)
{
	struct pgz *g = arg;
	z_stream z;
	zinit(&z, g->level);
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (g->take == g->put && !g->closing)
			pthread_cond_wait(&g->more, &g->mu);
		if (g->take == g->put)
			break;
		struct chunk *c = &g->slot[g->take++ % g->nslot];
		c->state = BUSY;
		pthread_mutex_unlock(&g->mu);
		squeeze(&z, c, g->level);
		pthread_mutex_lock(&g->mu);
		c->state = DONE;
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->mu);
	deflateEnd(&z);
	return NULL;
}

/* The CPUs this process may run on (taskset, cpusets), at most MAXWORK. */
static int cpus(void)
{
	cpu_set_t set;
	int n = 1;
	if (!sched_getaffinity(0, sizeof set, &set))
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > MAXWORK ? MAXWORK : n;
}

struct pgz *pgz_open(int fd, int level)
{
	struct pgz *g = xmalloc(sizeof *g);
	memset(g, 0, sizeof *g);
	g->fd = fd;
	g->level = level;
	g->crc = crc32(0, NULL, 0);
	/* what zlib writes for a gzip stream without a name or time: XFL 4
	 * (fastest) at levels below 2, 2 at 9; OS 3 (Unix) */
	unsigned char h[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0,
		(unsigned char)(level == 9 ? 2 : level < 2 ? 4 : 0), 3};
	write_all(fd, h, sizeof h);
	return g;
}

/* Write chunk c, the next in order, and make its slot free. */
static void emit(struct pgz *g, struct chunk *c)
{
	write_all(g->fd, c->out, c->outlen);
	g->crc = crc32_combine(g->crc, c->crc, (z_off_t)c->in.len);
	g->total += c->in.len;
	g->written++;
}

/* With the lock held: write the next chunk in order if it is deflated
 * (the lock let go meanwhile), else wait for a worker to finish one. */
static void emit_or_wait(struct pgz *g)
{
	struct chunk *w = &g->slot[g->written % g->nslot];
	if (w->state == DONE) {
		pthread_mutex_unlock(&g->mu);
		emit(g, w);
		pthread_mutex_lock(&g->mu);
		w->state = FREE;
	} else {
		pthread_cond_wait(&g->done, &g->mu);
	}
}

static void start(struct pgz *g)
{
	g->started = true;
	int n = cpus();
	g->nwork = n > 1 ? n : 0;
	/* beside the chunk the caller is making: one deflating per worker,
	 * one waiting for a worker and one deflated waiting to be written
	 * (each slot's memory is touched only when used) */
	g->nslot = g->nwork ? (unsigned)g->nwork + 2 : 1;
	g->slot = xmalloc(g->nslot * sizeof *g->slot);
	memset(g->slot, 0, g->nslot * sizeof *g->slot);
	if (!g->nwork)
		return;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->more, NULL);
	pthread_cond_init(&g->done, NULL);
	for (int i = 0; i < g->nwork; i++)
		if (pthread_create(&g->th[i], NULL, worker, g)) {
			g->nwork = i;
			break;
		}
	if (!g->nwork) {
		/* no thread to be had: the caller deflates */
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->more);
		pthread_cond_destroy(&g->done);
	}
}

static void hand(struct pgz *g, struct sbuf *b, bool last)
{
	if (!g->started)
		start(g);
	if (g->nwork)
		pthread_mutex_lock(&g->mu);
	struct chunk *c = &g->slot[g->put % g->nslot];
	if (g->nwork) {
		/* the slot's last chunk out first, and every done one before it */
		while (c->state != FREE) {
			emit_or_wait(g);
		}
	}
	struct sbuf t = c->in;
	c->in = *b;
	*b = t;
	sb_reset(b);
	if (g->taillen)
		memcpy(c->dict, g->tail, g->taillen);
	c->dictlen = g->taillen;
	c->last = last;
	if (!last) {
		size_t k = c->in.len < DICT ? c->in.len : DICT;
		if (k < DICT) {     /* short chunks (the unit test's): keep the end of the tail */
			size_t keep = g->taillen + k > DICT ? DICT - k : g->taillen;
			memmove(g->tail, g->tail + g->taillen - keep, keep);
			g->taillen = keep;
		} else {
			g->taillen = 0;
		}
		if (k)
			memcpy(g->tail + g->taillen, c->in.p + c->in.len - k, k);
		g->taillen += k;
	}
	if (g->nwork) {
		c->state = READY;
		g->put++;
		pthread_cond_signal(&g->more);
		pthread_mutex_unlock(&g->mu);
		return;
	}
	if (!g->selfinit) {
		zinit(&g->self, g->level);
		g->selfinit = true;
	}
	squeeze(&g->self, c, g->level);
	g->put++;
	emit(g, c);
}

void pgz_put(struct pgz *g, struct sbuf *b)
{
	hand(g, b, false);
}

void pgz_close(struct pgz *g, struct sbuf *b)
{
	if (!g->started) {
		/* one chunk: no threads */
		g->started = true;
		g->nslot = 1;
		g->slot = xmalloc(sizeof *g->slot);
		memset(g->slot, 0, sizeof *g->slot);
	}
	hand(g, b, true);
	if (g->nwork) {
		pthread_mutex_lock(&g->mu);
		while (g->written < g->put) {
			emit_or_wait(g);
		}
		g->closing = true;
		pthread_cond_broadcast(&g->more);
		pthread_mutex_unlock(&g->mu);
		for (int i = 0; i < g->nwork; i++)
			pthread_join(g->th[i], NULL);
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->more);
		pthread_cond_destroy(&g->done);
	}
	unsigned char t[8];
	uint32_t v[2] = {(uint32_t)g->crc, (uint32_t)g->total};
	for (int i = 0; i < 8; i++)
		t[i] = (unsigned char)(v[i / 4] >> (8 * (i % 4)));
	write_all(g->fd, t, sizeof t);
	if (g->selfinit)
		deflateEnd(&g->self);
	for (unsigned i = 0; i < g->nslot; i++) {
		sb_free(&g->slot[i].in);
		free(g->slot[i].out);
	}
	free(g->slot);
	free(g);
}
