/* SPDX-License-Identifier: MIT */
/* tagllm.c: agent-tag --tagger llm without a network: common/tagllm.c is
 * compiled into this target with dlopen and dlsym answered by a stand-in
 * libcurl whose requests return the server replies of the input.  So the
 * reply parser, the grammar check, the fallbacks, the request limit and
 * the cache file (read, then written back by rename) all see fuzz input.
 *
 * Input: sections cut at "\n--\n": the cache file, the records (NDJSON),
 * then one server reply each, whose first byte picks the transport
 * result (timeout, refused, other error, HTTP 500, else 200).  The first
 * byte of the whole input picks the options. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <curl/curl.h>
#include "fuzz.h"

static void *fake_dlopen(const char *file, int mode);
static void *fake_dlsym(void *h, const char *name);
#define dlopen fake_dlopen
#define dlsym fake_dlsym
#include "../common/tag/tagllm.c"
#undef dlopen
#undef dlsym

/* --- the stand-in libcurl ------------------------------------------------ */
static struct fuzz_part replies[16];
static int nreplies, nextreply;
static long httpcode;
static size_t (*writefn)(char *, size_t, size_t, void *);
static void *writedata;
static char handle;

static CURLcode f_global_init(long flags) { (void)flags; return CURLE_OK; }
static void f_global_cleanup(void) {}
static CURL *f_easy_init(void) { return &handle; }
static void f_easy_cleanup(CURL *c) { (void)c; }
static struct curl_slist *f_slist_append(struct curl_slist *l, const char *s)
{
	(void)s;
	return l ? l : (struct curl_slist *)&handle;
}
static void f_slist_free_all(struct curl_slist *l) { (void)l; }

static CURLcode f_easy_setopt(CURL *c, CURLoption opt, ...)
{
	va_list ap;
	va_start(ap, opt);
	if (opt == CURLOPT_WRITEFUNCTION)
		writefn = va_arg(ap, size_t (*)(char *, size_t, size_t, void *));
	else if (opt == CURLOPT_WRITEDATA)
		writedata = va_arg(ap, void *);
	va_end(ap);
	(void)c;
	return CURLE_OK;
}

static CURLcode f_easy_perform(CURL *c)
{
	(void)c;
	if (nextreply >= nreplies)
		return CURLE_COULDNT_CONNECT;
	struct fuzz_part *r = &replies[nextreply++];
	unsigned sel = r->n ? r->p[0] : 0;
	const uint8_t *body = r->n ? r->p + 1 : r->p;
	size_t n = r->n ? r->n - 1 : 0;
	switch (sel) {
	case 't': return CURLE_OPERATION_TIMEDOUT;
	case 'c': return CURLE_COULDNT_CONNECT;
	case 'e': return CURLE_RECV_ERROR;
	}
	httpcode = sel == '5' ? 500 : 200;
	/* in two pieces, as a network delivers it */
	size_t half = n / 2;
	char *a = xmalloc(n ? n : 1);
	memcpy(a, body, n);
	if (writefn(a, 1, half, writedata) != half ||
	    writefn(a + half, 1, n - half, writedata) != n - half)
		abort();
	free(a);
	return CURLE_OK;
}

static CURLcode f_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	va_list ap;
	va_start(ap, info);
	if (info == CURLINFO_RESPONSE_CODE)
		*va_arg(ap, long *) = httpcode;
	va_end(ap);
	(void)c;
	return CURLE_OK;
}

static void *fake_dlopen(const char *file, int mode)
{
	(void)file, (void)mode;
	return &handle;
}

static void *fake_dlsym(void *h, const char *name)
{
	static const struct { const char *name; void *fn; } t[] = {
		{"curl_global_init", (void *)f_global_init},
		{"curl_global_cleanup", (void *)f_global_cleanup},
		{"curl_easy_init", (void *)f_easy_init},
		{"curl_easy_setopt", (void *)f_easy_setopt},
		{"curl_easy_perform", (void *)f_easy_perform},
		{"curl_easy_getinfo", (void *)f_easy_getinfo},
		{"curl_easy_cleanup", (void *)f_easy_cleanup},
		{"curl_slist_append", (void *)f_slist_append},
		{"curl_slist_free_all", (void *)f_slist_free_all},
	};
	(void)h;
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (!strcmp(name, t[i].name))
			return t[i].fn;
	return NULL;
}

/* --- the target ----------------------------------------------------------- */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct trules rules;
	static struct tsession cur;
	static int init;
	if (!init) {
		fuzz_quiet();
		tr_builtin(&rules);
		init = 1;
	}
	if (!n)
		return 0;
	unsigned sel = data[0];
	struct fuzz_part part[18];
	int np = fuzz_split(data + 1, n - 1, part, 18);
	char cache[96];
	snprintf(cache, sizeof cache, "%s/tags.json", fuzz_tmpdir());
	unlink(cache);
	if (part[0].n) {
		int fd = open(cache, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, part[0].p, part[0].n) != (ssize_t)part[0].n)
			abort();
		close(fd);
	}
	nreplies = np > 2 ? np - 2 : 0;
	for (int i = 0; i < nreplies; i++)
		replies[i] = part[i + 2];
	nextreply = 0;

	struct tstats st = {0};
	struct tllm_opts lo = {
		.url = sel & 1 ? "http://127.0.0.1:8080/" : "http://h", .model = sel & 2 ? "m" : NULL,
		.cache = cache, .timeout = 1, .max_uncached = sel & 4 ? (int64_t)(sel >> 4) : -1,
		.no_cache = sel & 8,
	};
	struct tagger tg = {.rules = &rules, .st = &st};
	tg.llm = tllm_new(&lo, &rules, &st);
	char *buf = np > 1 ? fuzz_str(part[1].p, part[1].n) : fuzz_str((const uint8_t *)"", 0);
	size_t bn = np > 1 ? part[1].n : 0;
	for (size_t i = 0; i < bn; ) {
		char *line = buf + i, *nl = memchr(line, '\n', bn - i);
		size_t len = nl ? (size_t)(nl - line) : bn - i;
		i += len + 1;
		if (!len)
			continue;
		if (ts_starts(line, len) && cur.nr) {
			ts_regex(&tg, &cur);
			tllm_session(tg.llm, &cur);
			ts_write(&tg, &cur);
			ts_reset(&cur);
		}
		const char *why;
		(void)ts_add(&cur, line, len, &why);
	}
	if (cur.nr) {
		ts_regex(&tg, &cur);
		tllm_session(tg.llm, &cur);
		ts_write(&tg, &cur);
		ts_reset(&cur);
	}
	(void)tllm_free(tg.llm);
	if (sel & 0x80)
		stats_print(&st, &rules, "llm");
	stats_free(&st);
	free(buf);
	sb_reset(&stdout_sb);
	return 0;
}
