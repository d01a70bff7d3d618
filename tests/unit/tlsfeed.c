/* SPDX-License-Identifier: MIT */
/* tlsfeed: common/snoop/tls.c without the kernel, for tests/74-tls.t.
 * tlsfeed [-n] [-s SPLIT] FILE...: the files are the two directions of
 * one connection in turn (request, response, request, ...), each fed in
 * pieces of SPLIT bytes (1: byte by byte; 0: whole), 10 ms apart; the
 * records come out as agent-event(5) lines, then the counts on stderr.
 * -n: no text.  A file named "-exit" (after --) ends the process (its connections);
 * the next file is a request again.  "-gap": 4096 bytes of the next
 * file's direction were lost.
 * A connection that spoke HTTP/2 adds a line of its counts, and why it
 * could not be read to its end when it could not; HTTP/1.1 messages not
 * read to their end, a line of their count and why the last was not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event.h"
#include "snoop/tls.h"

static void emit(void *arg, const struct event *e0)
{
	struct event e = *e0;
	e.agent = "snoop";
	e.session = "t";
	struct sbuf *b = arg;
	ev_write(b, &e, 0);
}

int main(int argc, char **argv)
{
	bool notext = false;
	size_t split = 0;
	int ch;
	while ((ch = getopt(argc, argv, "ns:")) != -1) {
		if (ch == 'n')
			notext = true;
		else if (ch == 's')
			split = (size_t)atol(optarg);
		else
			return 2;
	}
	struct sbuf out = {0};
	struct tls *t = tls_new(notext, emit, &out);
	int64_t ts = 1767607200000;   /* 2026-01-05T10:00:00Z */
	int nfiles = 0;               /* files fed: their turn tells the direction */
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-exit")) {
			tls_exit(t, 1);
			continue;
		}
		if (!strcmp(argv[i], "-gap")) {
			tls_gap(t, 1, 0x7f00, nfiles % 2 == 1, 4096);
			continue;
		}
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		struct sbuf b = {0};
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sb_add(&b, buf, n);
		fclose(f);
		bool read = nfiles++ % 2 == 1;
		size_t step = split ? split : (b.len ? b.len : 1);
		for (size_t off = 0; off < b.len; off += step) {
			ts += 10;
			tls_data(t, 1, 0x7f00, read, b.p + off, b.len - off < step ? b.len - off : step, ts);
		}
		sb_free(&b);
	}
	tls_exit(t, 1);
	if (out.len)
		fwrite(out.p, 1, out.len, stdout);
	const struct tls_counts *k = tls_counts(t);
	fprintf(stderr, "calls %llu prompts %llu other %llu unparsed %llu cut %llu br %llu\n",
		(unsigned long long)k->calls, (unsigned long long)k->prompts,
		(unsigned long long)k->other, (unsigned long long)k->unparsed,
		(unsigned long long)k->cut, (unsigned long long)k->br);
	/* HTTP/1.1 messages not read to their end, and why the last */
	if (k->h1_cut)
		fprintf(stderr, "h1 cut %llu%s%s\n", (unsigned long long)k->h1_cut,
			tls_why1(t) ? ": " : "", tls_why1(t) ? tls_why1(t) : "");
	/* HTTP/2, when the connection spoke it */
	if (k->h2)
		fprintf(stderr, "h2 %llu streams %llu reset %llu bad %llu%s%s\n",
			(unsigned long long)k->h2, (unsigned long long)k->h2_streams,
			(unsigned long long)k->h2_reset, (unsigned long long)k->h2_bad,
			tls_why(t) ? ": " : "", tls_why(t) ? tls_why(t) : "");
	tls_free(t);
	sb_free(&out);
	return 0;
}
