/* SPDX-License-Identifier: MIT */
/* tagllm.c: tags from a llama.cpp server (its OpenAI-compatible
 * /v1/chat/completions), constrained by a GBNF grammar to the known tags,
 * with a cache of answers.  The model never stops a run: a failed, slow
 * or invalid answer keeps the regex tag for that prompt. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "event.h"
#include "json.h"
#include "tag.h"

#define SENDMAX 2000    /* bytes of prompt text sent */
#define TRIPS 3         /* transport failures in a row that end asking */

struct tllm {
	struct tllm_opts o;
	struct tstats *st;
	CURL *curl;
	struct curl_slist *hdr;
	char *endpoint, *cachepath;
	struct sbuf grammar, system, body, resp;
	/* the cache: key hash -> index into keys/tags */
	struct hmap idx;
	uint64_t *keys;
	char (*tags)[TAG_MAX + 1];
	size_t n, cap;
	bool dirty;
	int64_t uncached;       /* requests made */
	int fails;              /* transport failures in a row */
	/* human prompts seen, and those that kept their regex tag, by reason
	 * (said once on stderr at the end: a fallback is never silent) */
	int64_t prompts, fell;
	const char *why[8];
	int64_t nwhy[8];
};

static void fell_back(struct tllm *l, const char *why)
{
	l->fell++;
	for (int i = 0; i < 8; i++)
		if (!l->why[i] || strcmp(l->why[i], why) == 0) {
			l->why[i] = why;
			l->nwhy[i]++;
			return;
		}
}

/* "agent-tag: --tagger llm: 7 of 7 human prompts kept their regex tag
 * (connect 3, unreachable 4) from http://127.0.0.1:8080/v1/..." */
static void say_fallbacks(const struct tllm *l)
{
	if (!l->fell)
		return;
	struct sbuf b = {0};
	for (int i = 0; i < 8 && l->why[i]; i++)
		sb_printf(&b, "%s%s %lld", i ? ", " : "", l->why[i], (long long)l->nwhy[i]);
	/* the server's URL without any user:password@ in it */
	const char *u = l->endpoint, *host = strstr(u, "://");
	host = host ? host + 3 : u;
	const char *at = memchr(host, '@', strcspn(host, "/"));
	diag_warn("--tagger llm: %lld of %lld human prompts kept their regex tag (%s) from %.*s%s",
		(long long)l->fell, (long long)l->prompts, b.p ? b.p : "",
		(int)(host - u), u, at ? at + 1 : host);
	sb_free(&b);
}

static void cache_put(struct tllm *l, uint64_t key, const char *tag)
{
	bool ins;
	int64_t *v = hm_put(&l->idx, key, &ins);
	if (ins) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 256;
			l->keys = xrealloc(l->keys, l->cap * sizeof *l->keys);
			l->tags = xrealloc(l->tags, l->cap * sizeof *l->tags);
		}
		*v = (int64_t)l->n++;
	}
	l->keys[*v] = key;
	snprintf(l->tags[*v], sizeof l->tags[*v], "%s", tag);
}

static void cache_load(struct tllm *l)
{
	int fd = open(l->cachepath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			diag_warn("%s: cannot read the cache: %s", l->cachepath, strerror(errno));
		return;
	}
	struct sbuf b = {0};
	char buf[65536];
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) > 0 && b.len < ((size_t)64 << 20))
		sb_add(&b, buf, (size_t)r);
	close(fd);
	struct jdoc d = {0};
	const struct jnode *e;
	if (!b.len || jparse(&d, b.p, b.len) < 0 ||
	    !(e = jget(&d, jroot(&d), "entries")) || e->type != J_OBJ) {
		diag_warn("%s: not a tag cache; starting a new one", l->cachepath);
	} else {
		JFOR(&d, e, k) {
			const char *key = js(&d, k), *tag = js(&d, jval(k));
			char *end;
			uint64_t h = key ? strtoull(key, &end, 16) : 0;
			if (key && !*end && h && tag && tag_valid(tag, strlen(tag)))
				cache_put(l, h, tag);
		}
	}
	jdoc_free(&d);
	sb_free(&b);
}

static int bykey(const void *a, const void *b)
{
	uint64_t x = **(const uint64_t *const *)a, y = **(const uint64_t *const *)b;
	return x < y ? -1 : x > y;
}

static int mkdirs(char *dir)
{
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Written to a new file beside it and renamed over it: readers never see
 * half a cache, and a symlink in the cache's place is replaced, not
 * followed. */
static int cache_save(struct tllm *l)
{
	struct sbuf b = {0}, tmp = {0};
	uint64_t **v = xmalloc((l->n ? l->n : 1) * sizeof *v);
	for (size_t i = 0; i < l->n; i++)
		v[i] = &l->keys[i];
	sort_n(v, l->n, sizeof *v, bykey);
	sb_adds(&b, "{\"version\":1,\"entries\":{");
	for (size_t i = 0; i < l->n; i++)
		sb_printf(&b, "%s\n\"%016llx\":\"%s\"", i ? "," : "", (unsigned long long)*v[i],
			l->tags[v[i] - l->keys]);
	sb_adds(&b, "\n}}\n");
	free(v);
	char *dir = xstrdup(l->cachepath), *slash = strrchr(dir, '/');
	int rc = -1, fd = -1;
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdirs(dir) < 0)
			goto out;
	}
	sb_printf(&tmp, "%s.XXXXXX", l->cachepath);
	if ((fd = mkstemp(tmp.p)) < 0)
		goto out;
	if (write(fd, b.p, b.len) != (ssize_t)b.len || close(fd) < 0) {
		fd = -1;
		unlink(tmp.p);
		goto out;
	}
	fd = -1;
	if (rename(tmp.p, l->cachepath) < 0) {
		unlink(tmp.p);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		diag_warn("%s: cannot write the cache: %s", l->cachepath, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	sb_free(&b);
	sb_free(&tmp);
	return rc;
}

static char *default_cache(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	struct sbuf b = {0};
	if (x && *x == '/')
		sb_printf(&b, "%s/agentpprof/tags.json", x);
	else if (h && *h)
		sb_printf(&b, "%s/.cache/agentpprof/tags.json", h);
	else
		return NULL;
	return b.p;
}
/* libcurl is loaded when the LLM tagger is chosen, not linked: its
 * thirty-odd libraries (TLS, LDAP, Kerberos, ...) took 8 ms to load and
 * relocate in every run of agent-tag, three quarters of its start-up. */
static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} cu;

static void curl_load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		die(2, "--tagger llm needs libcurl (Debian: libcurl4): %s", dlerror());
	struct { const char *name; void **fn; } sym[] = {
		{"curl_global_init", (void **)&cu.global_init},
		{"curl_global_cleanup", (void **)&cu.global_cleanup},
		{"curl_easy_init", (void **)&cu.easy_init},
		{"curl_easy_setopt", (void **)&cu.easy_setopt},
		{"curl_easy_perform", (void **)&cu.easy_perform},
		{"curl_easy_getinfo", (void **)&cu.easy_getinfo},
		{"curl_easy_cleanup", (void **)&cu.easy_cleanup},
		{"curl_slist_append", (void **)&cu.slist_append},
		{"curl_slist_free_all", (void **)&cu.slist_free_all},
	};
	for (size_t i = 0; i < sizeof sym / sizeof *sym; i++)
		if (!(*sym[i].fn = dlsym(h, sym[i].name)))
			die(2, "libcurl.so.4 has no %s", sym[i].name);
}


struct tllm *tllm_new(const struct tllm_opts *o, const struct trules *t, struct tstats *st)
{
	struct tllm *l = xcalloc(1, sizeof *l);
	l->o = *o;
	l->st = st;
	curl_load();
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != 0 || !(l->curl = cu.easy_init()))
		die(2, "cannot initialise libcurl");
	struct sbuf ep = {0};
	size_t ul = strlen(o->url);
	while (ul && o->url[ul - 1] == '/')
		ul--;
	sb_printf(&ep, "%.*s/v1/chat/completions", (int)ul, o->url);
	l->endpoint = ep.p;
	if (!o->no_cache) {
		l->cachepath = o->cache ? xstrdup(o->cache) : default_cache();
		if (l->cachepath)
			cache_load(l);
	}
	/* The grammar admits exactly the tags the rules know, so the model's
	 * tags merge with the regex tagger's. */
	const char *seen[512];
	int ns = 0;
	sb_adds(&l->grammar, "root ::= ");
	sb_adds(&l->system, "You label what a developer asked an AI coding agent to do. "
		"Answer with exactly one word from this list: ");
	for (int i = 0; i < t->n && ns < 512; i++) {
		int j = 0;
		while (j < ns && strcmp(seen[j], t->v[i].tag))
			j++;
		if (j < ns)
			continue;
		seen[ns] = t->v[i].tag;
		sb_printf(&l->grammar, "%s\"%s\"", ns ? " | " : "", seen[ns]);
		sb_printf(&l->system, "%s%s", ns ? ", " : "", seen[ns]);
		ns++;
	}
	sb_adds(&l->system, ". No other text.");
	l->hdr = cu.slist_append(NULL, "Content-Type: application/json");
	l->hdr = cu.slist_append(l->hdr, "Expect:");
	return l;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct sbuf *b = ud;
	if (b->len < ((size_t)1 << 20))
		sb_add(b, p, size * n);
	return size * n;
}

/* The tag the server answered, or NULL with *why. */
static const char *ask(struct tllm *l, const char *text, size_t n, const char **why)
{
	static struct sbuf red;
	static struct jdoc d;
	static char tag[TAG_MAX + 1];
	redact(&red, text, n);
	size_t m = red.len;
	if (m > SENDMAX) {
		m = SENDMAX;
		while (m && ((unsigned char)red.p[m] & 0xc0) == 0x80)
			m--;
	}
	struct sbuf *b = &l->body;
	sb_reset(b);
	sb_adds(b, "{");
	if (l->o.model) {
		sb_adds(b, "\"model\":");
		sb_json_str(b, l->o.model, strlen(l->o.model));
		sb_addc(b, ',');
	}
	sb_adds(b, "\"temperature\":0,\"max_tokens\":8,\"grammar\":");
	sb_json_str(b, l->grammar.p, l->grammar.len);
	sb_adds(b, ",\"messages\":[{\"role\":\"system\",\"content\":");
	sb_json_str(b, l->system.p, l->system.len);
	sb_adds(b, "},{\"role\":\"user\",\"content\":");
	sb_json_str(b, red.p ? red.p : "", m);
	sb_adds(b, "}]}");

	CURL *c = l->curl;
	long ms = (long)(l->o.timeout * 1000);
	sb_reset(&l->resp);
	cu.easy_setopt(c, CURLOPT_URL, l->endpoint);
	cu.easy_setopt(c, CURLOPT_HTTPHEADER, l->hdr);
	cu.easy_setopt(c, CURLOPT_POSTFIELDS, b->p);
	cu.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)b->len);
	cu.easy_setopt(c, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1);
	cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1);
	cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	cu.easy_setopt(c, CURLOPT_WRITEDATA, &l->resp);
	l->st->requests++;
	l->uncached++;
	CURLcode rc = cu.easy_perform(c);
	if (rc != CURLE_OK) {
		*why = rc == CURLE_OPERATION_TIMEDOUT ? "timeout" :
			rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ? "connect" :
			"network";
		l->fails++;
		return NULL;
	}
	l->fails = 0;
	long code = 0;
	cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		*why = "http";
		return NULL;
	}
	const struct jnode *ch, *content;
	if (jparse(&d, l->resp.p ? l->resp.p : "", l->resp.len) < 0 ||
	    !(ch = jget(&d, jroot(&d), "choices")) || !jfirst(&d, ch) ||
	    !(content = jgetv(&d, jfirst(&d, ch), "message", "content", NULL))) {
		*why = "json";
		return NULL;
	}
	size_t tl;
	const char *s = jsn(&d, content, &tl);
	while (s && tl && (*s == ' ' || *s == '\n' || *s == '\t'))
		s++, tl--;
	while (s && tl && (s[tl - 1] == ' ' || s[tl - 1] == '\n' || s[tl - 1] == '\t'))
		tl--;
	if (!s || !tag_valid(s, tl)) {
		*why = "invalid";
		return NULL;
	}
	memcpy(tag, s, tl);
	tag[tl] = 0;
	/* the grammar's list: an answer outside it ignored the grammar */
	char q[TAG_MAX + 3];
	snprintf(q, sizeof q, "\"%s\"", tag);
	if (!strstr(l->grammar.p, q)) {
		*why = "invalid";
		return NULL;
	}
	return tag;
}

void tllm_session(struct tllm *l, struct tsession *s)
{
	for (size_t i = 0; i < s->nit; i++) {
		struct titem *it = &s->it[i];
		/* a reply that continues takes the continued prompt's tag */
		if (it->kind != TK_PROMPT || it->origin != OR_HUMAN || it->cont)
			continue;
		const char *text = s->texts.p + it->text;
		l->prompts++;
		struct sbuf k = {0};
		sb_adds(&k, l->o.model ? l->o.model : "");
		sb_addc(&k, 0);
		sb_adds(&k, "prompt");
		sb_addc(&k, 0);
		sb_add(&k, text, it->textlen);
		uint64_t key = hash64(k.p, k.len, 0x11a3);
		sb_free(&k);
		key = key ? key : 1;
		int64_t *v = l->cachepath ? hm_get(&l->idx, key) : NULL;
		const char *tag = NULL, *why = NULL;
		if (v) {
			l->st->cache_hits++;
			tag = l->tags[*v];
		} else if (l->o.max_uncached >= 0 && l->uncached >= l->o.max_uncached) {
			why = "limit";
		} else if (l->fails >= TRIPS) {
			why = "unreachable";
		} else if ((tag = ask(l, text, it->textlen, &why))) {
			l->st->answered++;
			if (l->cachepath) {
				cache_put(l, key, tag);
				l->dirty = true;
			}
		}
		if (tag) {
			snprintf(it->tag, sizeof it->tag, "%s", tag);
			it->rule = "llm";
			it->reply = false;
		} else {
			char rule[48];
			snprintf(rule, sizeof rule, "llm-fallback:%s", why);
			it->rule = tag_intern(rule);
			stats_fallback(l->st, why);
			fell_back(l, why);
		}
	}
}

int tllm_free(struct tllm *l)
{
	int rc = 0;
	say_fallbacks(l);
	if (l->dirty && l->cachepath)
		rc = cache_save(l);
	cu.slist_free_all(l->hdr);
	cu.easy_cleanup(l->curl);
	cu.global_cleanup();
	free(l->endpoint);
	free(l->cachepath);
	sb_free(&l->grammar);
	sb_free(&l->system);
	sb_free(&l->body);
	sb_free(&l->resp);
	hm_free(&l->idx);
	free(l->keys);
	free(l->tags);
	free(l);
	return rc;
}
