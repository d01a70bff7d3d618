/* SPDX-License-Identifier: MIT */
/* snoopfeed: agent-snoop's user side (common/snoop/) without the kernel,
 * for tests/75-snoop-attrib.t: a script of what processes did, one JSON
 * array a line, turned into the kernel's messages and fed in order; the
 * records come out on standard output as agent-snoop --tls writes them.
 *
 *   ["proc", PID, PPID, NAME, CWD]    a process followed from the start
 *   ["fork", PID, PPID]
 *   ["exec", PID, FILE, [ARGV...]]
 *   ["open", PID, PATH, "r" | "w"]
 *   ["connect", PID, "A.B.C.D", PORT]
 *   ["tls", PID, CONN, "w" | "r", FILE]   FILE's bytes written or read
 *   ["exit", PID, STATUS]
 *   ["mkdir", PID, PATH]
 *   ["chdir", PID, PATH]
 *   ["wait", MS]
 *
 * snoopfeed [-n] [SCRIPT]: -n no text.  Every message is 1 ms after the
 * one before; the run starts at 2026-01-05T10:00:00Z. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "event.h"
#include "json.h"
#include "lineio.h"
#include "snoop/decode.h"

static uint64_t now = 1000000000ull;   /* boottime ns */

static void send_msg(struct snoop *s, struct snoop_hdr *h, const void *s1, size_t n1,
	const void *s2, size_t n2)
{
	now += 1000000;
	h->ts = now;
	h->len1 = (uint32_t)n1, h->len2 = (uint32_t)n2;
	struct sbuf b = {0};
	sb_add(&b, h, sizeof *h);
	if (n1)
		sb_add(&b, s1, n1);
	if (n2)
		sb_add(&b, s2, n2);
	const char *why = snoop_feed_bytes(s, b.p, b.len);
	if (why)
		fprintf(stderr, "snoopfeed: %s\n", why);
	sb_free(&b);
}

static const char *arg(struct jdoc *d, const struct jnode *a, int i)
{
	int k = 0;
	JFOR(d, a, it)
		if (k++ == i)
			return js(d, it) ? js(d, it) : "";
	return "";
}

static int64_t num(struct jdoc *d, const struct jnode *a, int i)
{
	int k = 0;
	JFOR(d, a, it)
		if (k++ == i)
			return jint(it, 0);
	return 0;
}

static const struct jnode *nth(struct jdoc *d, const struct jnode *a, int i)
{
	int k = 0;
	JFOR(d, a, it)
		if (k++ == i)
			return it;
	return NULL;
}

int main(int argc, char **argv)
{
	bool notext = false;
	int ch;
	while ((ch = getopt(argc, argv, "n")) != -1) {
		if (ch != 'n')
			return 2;
		notext = true;
	}
	struct lreader r;
	if (lr_open(&r, optind < argc ? argv[optind] : "-") < 0)
		return 2;
	struct sbuf out = {0};
	struct snoop_opts o = {.session = "t", .clock_ms = 1767607200000 - 1000, .tls = true,
		.notext = notext};
	struct snoop *s = snoop_new(&o, &out);
	snoop_session(s, 1767607200000, "/w");
	struct jdoc d = {0};
	char *line;
	size_t len;
	int status = 0;
	while (lr_next_nonblank(&r, &line, &len)) {
		if (line[0] == '#')
			continue;
		if (jparse(&d, line, len) < 0 || jroot(&d)->type != J_ARR) {
			lr_warn(&r, "script", "not a JSON array");
			status = 1;
			continue;
		}
		const struct jnode *a = jroot(&d);
		const char *op = arg(&d, a, 0);
		struct snoop_hdr h;
		memset(&h, 0, sizeof h);
		h.pid = (uint32_t)num(&d, a, 1);
		h.dirfd = SNOOP_AT_FDCWD;
		if (!strcmp(op, "proc")) {
			snoop_proc(s, h.pid, (uint32_t)num(&d, a, 2), arg(&d, a, 3), arg(&d, a, 4),
				num(&d, a, 2) == 0);
		} else if (!strcmp(op, "fork")) {
			h.type = SNOOP_FORK;
			h.ppid = (uint32_t)num(&d, a, 2);
			send_msg(s, &h, NULL, 0, NULL, 0);
		} else if (!strcmp(op, "exec")) {
			h.type = SNOOP_EXEC;
			struct sbuf av = {0};
			JFOR(&d, nth(&d, a, 3), w) {
				sb_adds(&av, js(&d, w) ? js(&d, w) : "");
				sb_addc(&av, 0);
			}
			const char *file = arg(&d, a, 2);
			send_msg(s, &h, file, strlen(file), av.p, av.len);
			sb_free(&av);
		} else if (!strcmp(op, "open")) {
			h.type = SNOOP_OPEN;
			h.flags = !strcmp(arg(&d, a, 3), "w") ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY;
			h.ret = 3;
			const char *p = arg(&d, a, 2);
			send_msg(s, &h, p, strlen(p) + 1, NULL, 0);
		} else if (!strcmp(op, "connect")) {
			h.type = SNOOP_CONNECT;
			h.family = AF_INET;
			h.port = (uint16_t)num(&d, a, 3);
			inet_pton(AF_INET, arg(&d, a, 2), h.addr);
			send_msg(s, &h, NULL, 0, NULL, 0);
		} else if (!strcmp(op, "tls")) {
			h.type = SNOOP_TLS;
			h.conn = (uint64_t)num(&d, a, 2);
			h.flags = !strcmp(arg(&d, a, 3), "r") ? SNOOP_F_READ : 0;
			FILE *f = fopen(arg(&d, a, 4), "rb");
			if (!f) {
				perror(arg(&d, a, 4));
				return 2;
			}
			char buf[SNOOP_TLS_CHUNK];
			size_t n;
			while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
				h.ret = (int64_t)n;
				send_msg(s, &h, buf, n, NULL, 0);
			}
			fclose(f);
		} else if (!strcmp(op, "exit")) {
			h.type = SNOOP_EXIT;
			h.ret = num(&d, a, 2) << 8;
			send_msg(s, &h, NULL, 0, NULL, 0);
		} else if (!strcmp(op, "mkdir")) {
			h.type = SNOOP_MKDIR;
			const char *p = arg(&d, a, 2);
			send_msg(s, &h, p, strlen(p) + 1, NULL, 0);
		} else if (!strcmp(op, "chdir")) {
			h.type = SNOOP_CHDIR;
			const char *p = arg(&d, a, 2);
			send_msg(s, &h, p, strlen(p), NULL, 0);
		} else if (!strcmp(op, "wait")) {
			now += (uint64_t)num(&d, a, 1) * 1000000;
		} else {
			lr_warn(&r, "script", "unknown operation %s", op);
			status = 1;
		}
	}
	lr_close(&r);
	snoop_finish(s, 1767607200000 + (int64_t)(now / 1000000), 0, 0, 0);
	fwrite(out.p, 1, out.len, stdout);
	snoop_free(s);
	sb_free(&out);
	jdoc_free(&d);
	return status;
}
