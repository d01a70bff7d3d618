/* SPDX-License-Identifier: MIT */
/* privacy.c: secrets never reach any output.
 *
 * Two strengths.  Records (agent-event(5) NDJSON: text, argv, paths) lose
 * what is certainly a secret: keys with a known shape (sk-ant-, sk_live_,
 * ghp_, AKIA..., hf_, npm_, pypi-, SG., JWTs, ...), the password of a URL
 * (https://u:p@h, postgres://u:p@h), credentials after curl -u, an
 * Authorization header, a PEM private key body, Slack and Discord webhook
 * paths, mysql -pPASS, and the value of an assignment or option whose name
 * says secret (OPENAI_API_KEY=, *_TOKEN=, *_SECRET=, PASSWORD=, --password,
 * "client_secret": ...).  Stack labels (folded, SVG, pprof, reports,
 * samples) lose in addition what may be one: e-mail addresses, user:pass@
 * without a scheme, and long runs of letters and digits that read like
 * random tokens (hex of 32 digits and more, mixed case with digits).
 *
 * The scan looks at each byte once through a table: only bytes that can
 * start or announce a secret are looked at closer. */
#include <string.h>
#include "event.h"
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include "paths.h"

#define RED "[REDACTED]"
#define REDN (sizeof RED - 1)

enum { M_JSON, M_LABEL };

static inline bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}
static inline bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static inline bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t run(const char *p, size_t n, size_t at, const char *extra)
{
	size_t i = at;
	while (i < n && (is_alnum((unsigned char)p[i]) || (extra && p[i] && strchr(extra, p[i]))))
		i++;
	return i - at;
}

static bool prefix(const char *p, size_t n, const char *pre)
{
	size_t l = strlen(pre);
	return n >= l && !memcmp(p, pre, l);
}

/* Case-insensitive prefix; pre in lower case. */
static bool iprefix(const char *p, size_t n, const char *pre)
{
	size_t l = strlen(pre);
	if (n < l)
		return false;
	for (size_t i = 0; i < l; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((is_upper(c) ? c | 0x20 : c) != (unsigned char)pre[i])
			return false;
	}
	return true;
}

/* Keys with a known prefix: the prefix, the characters that may follow it
 * besides letters and digits, and how many of them at least. */
static const struct kp {
	const char *pre, *extra;
	unsigned char min;
} keys[] = {
	{"sk-", "-_", 20},              /* Anthropic sk-ant-, OpenAI sk-proj-, sk- */
	{"sk_live_", NULL, 10}, {"sk_test_", NULL, 10},   /* Stripe */
	{"rk_live_", NULL, 10}, {"rk_test_", NULL, 10},
	{"pk_live_", NULL, 10}, {"whsec_", NULL, 16},
	{"github_pat_", "_", 20}, {"ghp_", NULL, 20}, {"gho_", NULL, 20},
	{"ghu_", NULL, 20}, {"ghs_", NULL, 20}, {"ghr_", NULL, 20},
	{"glpat-", "-_", 20}, {"glsa_", "_", 20}, {"glc_", "_=", 20},
	{"gsk_", NULL, 30},             /* Groq */
	{"GOCSPX-", "-_", 20},          /* Google OAuth client secret */
	{"AIza", "-_", 30}, {"ya29.", "-_.", 20},
	{"ATATT", "-_=", 30},           /* Atlassian */
	{"AGE-SECRET-KEY-1", NULL, 20},
	{"hf_", NULL, 30},              /* Hugging Face */
	{"npm_", NULL, 30},
	{"pypi-", "-_", 30},
	{"xoxa-", "-", 10}, {"xoxb-", "-", 10}, {"xoxp-", "-", 10}, {"xoxr-", "-", 10},
	{"xoxs-", "-", 10}, {"xoxo-", "-", 10}, {"xoxe-", "-.", 10}, {"xapp-", "-", 10},
	{"dop_v1_", NULL, 40}, {"doo_v1_", NULL, 40}, {"dor_v1_", NULL, 40},
	{"shpat_", NULL, 20}, {"shpss_", NULL, 20}, {"shpca_", NULL, 20}, {"shppa_", NULL, 20},
	{"dapi", NULL, 32},             /* Databricks */
	{"hvs.", "-_", 20}, {"hvb.", "-_", 20},   /* Vault */
	{"dp.pt.", NULL, 30}, {"dp.st.", "_", 30},   /* Doppler */
	{"PMAK-", "-", 30},             /* Postman */
	{"lin_api_", NULL, 30}, {"ntn_", NULL, 30}, {"secret_", NULL, 30},
	{"r8_", NULL, 30}, {"pplx-", NULL, 30}, {"sq0atp-", "-_", 20}, {"sq0csp-", "-_", 20},
	{"key-", NULL, 32},             /* Mailgun */
};

/* Which bytes start a known key, and the keys by their first byte. */
static _Thread_local unsigned char keystart[256];
#define NKEYS (sizeof keys / sizeof *keys)
static _Thread_local unsigned char bystart[256][16], nbystart[256], keylen[NKEYS];
/* Which bytes make the scan look closer. */
static _Thread_local unsigned char trig[256];
enum { T_WORD = 1, T_AT = 2, T_EQ = 4, T_COLON = 8, T_DASH = 16 };
/* Letters, digits and "-_.=": the bytes of keys, JWTs and AWS key ids. */
static _Thread_local unsigned char tokbyte[256];
/* p, s and a in either case: the first bytes of secret_name's words. */
static _Thread_local unsigned char wordfirst[256];
/* The first bytes of the words next_secret looks at in records when they
 * start a run of QUIET_RUN tokbytes: a known key's, a webhook's, an AWS
 * secret's name's. */
static _Thread_local unsigned char longfirst[256];
/* Letters, digits, "_.-" and NUL (strchr's terminator): a name's bytes. */
static _Thread_local unsigned char namech[256];
/* The shortest text secret_len finds: a run of letters, digits and
 * "-_.=" (tokbyte), which hold every key, JWT and AWS key id. */
static _Thread_local size_t minkey;
/* The shortest run of tokbytes that next_secret looks at in records
 * (see quiet_to). */
#define QUIET_RUN 11
/* The shortest name aws_secret takes: "secretaccesskey". */
#define AWS_NAME_MIN 15

static void init(void)
{
	static _Thread_local bool done;
	if (done)
		return;
	for (size_t k = 0; k < NKEYS; k++) {
		unsigned char c = (unsigned char)keys[k].pre[0];
		keystart[c] = 1;
		keylen[k] = (unsigned char)strlen(keys[k].pre);
		bystart[c][nbystart[c]++] = (unsigned char)k;
	}
	keystart['e'] = 1;      /* JWT */
	keystart['S'] = 1;      /* SendGrid SG. */
	minkey = 20;            /* AWS key ids; JWTs (32) and SG. (36) are longer */
	for (size_t k = 0; k < NKEYS; k++)
		if ((size_t)keylen[k] + keys[k].min < minkey)
			minkey = (size_t)keylen[k] + keys[k].min;
	if (minkey < QUIET_RUN)
		die(2, "privacy: a key shorter than QUIET_RUN");    /* a programming error */
	for (int c = 0; c < 256; c++)
		tokbyte[c] = is_alnum((unsigned char)c) || (c && strchr("-_.=", c));
	for (int c = 0; c < 256; c++)
		namech[c] = is_alnum((unsigned char)c) || strchr("_.-", c);
	wordfirst['p'] = wordfirst['P'] = wordfirst['s'] = wordfirst['S'] = 1;
	wordfirst['a'] = wordfirst['A'] = 1;
	for (int c = 0; c < 256; c++)
		longfirst[c] = keystart[c] || c == 'h' || c == 'd' || c == 'a' || c == 'A' || c == 'S';
	for (int c = 0; c < 256; c++)
		if (is_alnum((unsigned char)c))
			trig[c] |= T_WORD;
	trig['@'] |= T_AT;
	trig['='] |= T_EQ;
	trig[':'] |= T_COLON;
	trig['-'] |= T_DASH;
	done = true;
}

/* A JWT: header.payload.signature in base64url, header starting eyJ. */
static size_t jwt(const char *p, size_t n)
{
	size_t a = run(p, n, 0, "-_");
	if (a < 10 || a >= n || p[a] != '.')
		return 0;
	size_t b = run(p, n, a + 1, "-_");
	if (b < 10 || a + 1 + b >= n || p[a + 1 + b] != '.')
		return 0;
	size_t c = run(p, n, a + 2 + b, "-_");
	return c >= 10 ? a + b + c + 2 : 0;
}

size_t secret_len(const char *p, size_t n)
{
	init();
	if (!n || !keystart[(unsigned char)p[0]])
		return 0;
	if (p[0] == 'e' && prefix(p, n, "eyJ"))
		return jwt(p, n);
	if (p[0] == 'S' && prefix(p, n, "SG.")) {
		size_t a = run(p, n, 3, "-_");
		if (a >= 16 && 3 + a < n && p[3 + a] == '.') {
			size_t b = run(p, n, 4 + a, "-_");
			if (b >= 16)
				return 4 + a + b;
		}
		return 0;
	}
	if (p[0] == 'A' && (prefix(p, n, "AKIA") || prefix(p, n, "ASIA") ||
	    prefix(p, n, "AGPA") || prefix(p, n, "AIDA") || prefix(p, n, "AROA"))) {
		/* AWS access key id: exactly 16 more upper-case letters and digits */
		size_t i = 4;
		while (i < n && (is_upper((unsigned char)p[i]) || is_digit((unsigned char)p[i])))
			i++;
		if (i == 20 && (i == n || !is_alnum((unsigned char)p[i])))
			return 20;
	}
	unsigned char c0 = (unsigned char)p[0];
	for (size_t j = 0; j < nbystart[c0]; j++) {
		size_t k = bystart[c0][j], l = keylen[k];
		const struct kp *e = &keys[k];
		if (n < l || p[1] != e->pre[1] || memcmp(p, e->pre, l))
			continue;
		size_t r = run(p, n, l, e->extra);
		if (r >= e->min)
			return l + r;
	}
	return 0;
}

/* --- names that say secret ---------------------------------------------- */

static bool suffix_ci(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && iprefix(s + n - l, l, suf);
}

static bool contains_ci(const char *s, size_t n, const char *sub)
{
	size_t l = strlen(sub);
	for (size_t i = 0; i + l <= n; i++)
		if (iprefix(s + i, n - i, sub))
			return true;
	return false;
}

/* A byte as secret_name compares it: upper-case ASCII letters lowered. */
static inline unsigned char lc(unsigned char c)
{
	return is_upper(c) ? c | 0x20 : c;
}

/* Does s[0..n) end with lit (lower case, '_', '-' and '.' as they are)
 * once lowered? */
static bool ends_lc(const char *s, size_t n, const char *lit, size_t l)
{
	if (n < l)
		return false;
	s += n - l;
	for (size_t i = 0; i < l; i++)
		if (lc((unsigned char)s[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

/* strchr("_-.", c) != NULL: the terminating NUL counts */
static inline bool name_sep(unsigned char c)
{
	return c == '_' || c == '-' || c == '.' || !c;
}

/* Is a byte of wordfirst (p, s, a in either case) in s[0..m)?  Eight
 * bytes a step: (c | 0x20) is p, s or a for those six bytes alone. */
static inline bool psa_in(const char *s, size_t m)
{
	const uint64_t ones = JSCAN_ONES, highs = JSCAN_HIGHS;
#define HASZERO(x) (((x) - ones) & ~(x) & highs)
#define PSA(v) (HASZERO(((v) | ones * 0x20) ^ ones * 'p') | \
	HASZERO(((v) | ones * 0x20) ^ ones * 's') | HASZERO(((v) | ones * 0x20) ^ ones * 'a'))
	size_t i = 0;
	for (; i + 8 <= m; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		if (PSA(v))
			return true;
	}
	if (m >= 8) {
		uint64_t v;
		memcpy(&v, s + m - 8, 8);
		return PSA(v) != 0;
	}
#undef PSA
#undef HASZERO
	for (; i < m; i++)
		if (wordfirst[(unsigned char)s[i]])
			return true;
	return false;
}

/* OPENAI_API_KEY, aws_secret_access_key, client-secret, --password,
 * GITHUB_TOKEN, PGPASSWORD, "apiKey", Authorization (not sort_key's
 * cousin "key" alone, not PWD).  The name is compared lowered, byte by
 * byte, not copied: most names are no secret's, and are rejected by their
 * last byte and a look at the bytes that may start a word (p, s, a). */
static bool secret_name(const char *s, size_t n)
{
	while (n && (*s == '-' || *s == '"' || *s == '\'')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == '"' || s[n - 1] == '\''))
		n--;
	if (n < 3 || n > 128)
		return false;
#define ENDS(lit) ends_lc(s, n, lit, sizeof lit - 1)
	bool yes;
	switch (lc((unsigned char)s[n - 1])) {
	case 'n': yes = ENDS("token") || ENDS("authorization"); break;
	case 's': yes = ENDS("credentials") || ENDS("_pass") || (n == 4 && ENDS("pass")); break;
	case 'l': yes = ENDS("credential"); break;
	case 'd': yes = ENDS("_pwd"); break;
	case 'e': yes = ENDS("cookie"); break;
	case 'y':
		yes = ENDS("privatekey") || ENDS("accesskey") || ENDS("signingkey") ||
			(n > 4 && ENDS("key") && name_sep((unsigned char)s[n - 4]));
		break;
	default: yes = false;
	}
	if (!yes && !psa_in(s, n > 4 ? n - 4 : 0))
		return false;   /* most names: no word below can start */
	/* the words that may sit anywhere start with p, s or a */
	for (size_t i = 0; i + 5 <= n && !yes; i++) {
		const unsigned char *w = (const unsigned char *)s + i;
		if (!wordfirst[w[0]])
			continue;
		unsigned char c = lc(w[0]);
		if (c == 'p')
			yes = lc(w[1]) == 'a' && lc(w[2]) == 's' && lc(w[3]) == 's' &&
				(lc(w[4]) == 'w' || lc(w[4]) == 'p');
		else if (c == 's')
			yes = lc(w[1]) == 'e' && lc(w[2]) == 'c' && lc(w[3]) == 'r' && lc(w[4]) == 'e';
		else if (c == 'a')
			yes = lc(w[1]) == 'p' && lc(w[2]) == 'i' &&
				(lc(w[3]) == 'k' ? lc(w[4]) == 'e' : (w[3] == '_' || w[3] == '-') &&
				lc(w[4]) == 'k');
	}
	if (!yes || (lc((unsigned char)s[0]) == 'n' && lc((unsigned char)s[1]) == 'o' &&
	    (s[2] == '-' || s[2] == '_')))
		return false;
	/* names of where a secret is, or of its properties */
	static const struct { const char *x; size_t l; } not[] = {
#define X(lit) {lit, sizeof lit - 1}
		X("file"), X("files"), X("path"), X("dir"), X("env"), X("stdin"), X("fd"),
		X("length"), X("len"), X("policy"), X("type"), X("name"), X("count"), X("id"),
		X("url"), X("uri"), X("prompt"), X("required"), X("hash"), X("field"), X("ref"),
#undef X
	};
	for (size_t k = 0; k < sizeof not / sizeof *not; k++) {
		size_t xl = not[k].l;
		if (n > xl + 1 && name_sep((unsigned char)s[n - xl - 1]) &&
		    ends_lc(s, n, not[k].x, xl))
			return false;
	}
	return true;
#undef ENDS
}

/* The end of a value that starts at v: a quoted value to its quote, else
 * to white space or a character that ends a word in shell, JSON or a URL
 * query. */
static size_t value_end(const char *s, size_t n, size_t v, size_t *start)
{
	*start = v;
	if (v < n && (s[v] == '"' || s[v] == '\'')) {
		char q = s[v++];
		*start = v;
		while (v < n && s[v] != q && s[v] != '\n')
			v++;
		return v;
	}
	while (v < n && !is_space((unsigned char)s[v]) && !strchr("\"'`;&|,)}]<>", s[v]))
		v++;
	return v;
}

/* A value that is not a secret but a reference to one or a literal. */
static bool harmless_value(const char *s, size_t n)
{
	static const char *const lits[] = {"true", "false", "null", "none", "nil", "undefined",
		"yes", "no", "0", "1", "required", "optional", "string", "str", "env", NULL};
	if (!n)
		return true;
	if (strchr("$%{([<@*", s[0]) || (n >= 2 && s[0] == '[' ))
		return true;
	for (const char *const *l = lits; *l; l++)
		if (strlen(*l) == n && iprefix(s, n, *l))
			return true;
	if (n == REDN && !memcmp(s, RED, REDN))
		return true;
	return false;
}
#ifdef JSCAN_SSE2
/* The ASCII letters and digits of v (0xff bytes).  Signed compares: bytes
 * from 0x80 are below every bound. */
static inline __m128i alnum16(__m128i v)
{
	const __m128i x = _mm_or_si128(v, _mm_set1_epi8(0x20));
	return _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x60)),
		_mm_cmplt_epi8(x, _mm_set1_epi8(0x7b))),
		_mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2f)),
		_mm_cmplt_epi8(v, _mm_set1_epi8(0x3a))));
}
#endif


/* The name that ends at e (exclusive): letters, digits, _ . - and
 * surrounding quotes; its start in *ns. */
static size_t name_before(const char *s, size_t from, size_t e, size_t *ns)
{
	size_t b = e;
	if (b > from && (s[b - 1] == '"' || s[b - 1] == '\''))
		b--;
#ifdef JSCAN_SSE2
	/* sixteen bytes a step back while all are namech (ids and paths
	 * before a colon are long) */
	while (b - from >= 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + b - 16));
		__m128i nm = _mm_or_si128(alnum16(v),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
			_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
			_mm_cmpeq_epi8(v, _mm_setzero_si128()))));
		unsigned not = ~(unsigned)_mm_movemask_epi8(nm) & 0xffff;
		if (!not) {
			b -= 16;
			continue;
		}
		/* the last byte that is none: the name starts after it */
		b = b - 16 + (unsigned)(31 - __builtin_clz(not)) + 1;
		goto named;
	}
#endif
	while (b > from && namech[(unsigned char)s[b - 1]])
		b--;
#ifdef JSCAN_SSE2
named:
#endif
	if (b > from && (s[b - 1] == '"' || s[b - 1] == '\''))
		b--;
	*ns = b;
	return e - b;
}

/* A byte that makes an '=' after it an operator's (==, !=, <=, +=, *=,
 * /=, ...): one of =!<>:+-* /%^&|~ or the NUL (as strchr of that set
 * finds its terminator) */
static inline bool op_byte(unsigned char c)
{
	switch (c) {
	case '=': case '!': case '<': case '>': case ':': case '+': case '-': case '*':
	case '/': case '%': case '^': case '&': case '|': case '~': case 0:
		return true;
	default:
		return false;
	}
}

/* NAME=VALUE, NAME = VALUE, "name": "value", name: value, --name=value,
 * Authorization: Bearer X.  sep is at i.  The span to hide in *vs, *ve. */
static bool assignment(const char *s, size_t n, size_t from, size_t i, size_t *vs, size_t *ve)
{
	char sep = s[i];
	if (sep == '=' && ((i + 1 < n && s[i + 1] == '=') ||
	    (i && op_byte((unsigned char)s[i - 1]))))
		return false;
	if (sep == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
		return false;   /* a URL */
	size_t e = i, spaced = 0;
	while (e > from && (s[e - 1] == ' ' || s[e - 1] == '\t')) {
		e--;
		spaced++;
	}
	size_t ns, nl = name_before(s, from, e, &ns);
	if (!nl || !secret_name(s + ns, nl))
		return false;
	size_t v = i + 1;
	if (sep == ':' || spaced)
		while (v < n && (s[v] == ' ' || s[v] == '\t'))
			v++;
	if (suffix_ci(s + ns, nl, "authorization") || suffix_ci(s + ns, nl, "authorization\"") ||
	    suffix_ci(s + ns, nl, "cookie")) {
		/* Authorization: Scheme credentials, to the end of the value */
		bool quoted = v < n && (s[v] == '"' || s[v] == '\'');
		char q = quoted ? s[v] : 0;
		if (quoted)
			v++;
		size_t w = v;
		while (w < n && is_alnum((unsigned char)s[w]))
			w++;
		if (w > v && w + 1 < n && s[w] == ' ' && !is_space((unsigned char)s[w + 1]))
			v = w + 1;      /* keep the scheme */
		size_t x = v;
		while (x < n && s[x] != '\n' && s[x] != '\r' &&
		    (quoted ? s[x] != q : (s[x] != '"' && s[x] != '\'')))
			x++;
		while (x > v && (s[x - 1] == ' ' || s[x - 1] == '\t'))
			x--;
		if (x == v)
			return false;
		*vs = v;
		*ve = x;
		return true;
	}
	size_t q = v < n && (s[v] == '"' || s[v] == '\'') ? v + 1 : v;
	if (q >= n || strchr("$%{([<@*", s[q]))
		return false;   /* a reference, before its end is looked for */
	size_t st, en = value_end(s, n, v, &st);
	if (harmless_value(s + st, en - st))
		return false;
	/* "name": value in prose ("the password: it ...") needs a value
	 * that looks like one */
	if (sep == ':' && en - st < 4)
		return false;
	if (sep == ':' && st == v && en - st < 12) {
		/* unquoted after a colon: a word of prose is not a password */
		bool plain = true;
		for (size_t k = st; k < en && plain; k++)
			plain = is_lower((unsigned char)s[k]) || (k == st && is_upper((unsigned char)s[k]));
		if (plain)
			return false;
	}
	*vs = st;
	*ve = en;
	return true;
}

/* -u user:pass, --user user:pass, -uuser:pass; --password X, --token X;
 * mysql -pPASS; -----BEGIN ... PRIVATE KEY----- body. */
static bool dash(const char *s, size_t n, size_t from, size_t i, size_t *vs, size_t *ve)
{
	const char *p = s + i;
	size_t m = n - i;
	if (prefix(p, m, "-----BEGIN ")) {
		size_t h = 11;
		while (h < m && p[h] != '\n' && !prefix(p + h, m - h, "-----"))
			h++;
		if (h >= m || p[h] == '\n' || !contains_ci(p, h, "private key"))
			return false;
		h += 5;
		size_t e = h;
		while (e < m && !prefix(p + e, m - e, "-----END"))
			e++;
		if (e == h)
			return false;
		*vs = i + h;
		*ve = i + e;
		return true;
	}
	if (m < 3 || (i > from && !is_space((unsigned char)s[i - 1]) && s[i - 1] != '"' &&
	    s[i - 1] != '\''))
		return false;
	if (p[1] != '-') {
		/* short options */
		if (p[1] == 'u' || p[1] == 'U') {
			size_t v = 2;
			if (v < m && p[v] == ' ')
				while (v < m && p[v] == ' ')
					v++;
			size_t st, en = value_end(s, n, i + v, &st);
			const char *c = memchr(s + st, ':', en - st);
			if (!c)
				return false;
			size_t cp = (size_t)(c - s);
			if (cp + 1 < en) {
				*vs = cp + 1;
				*ve = en;
			} else if (cp > st) {
				*vs = st;       /* a key as user, no password */
				*ve = cp;
			} else {
				return false;
			}
			return true;
		}
		if (p[1] == 'p' && !is_space((unsigned char)p[2])) {
			/* attached password of the mysql clients */
			size_t ls = i;
			size_t lim = i > 400 ? i - 400 : 0;
			if (lim < from)
				lim = from;
			while (ls > lim && s[ls - 1] != '\n')
				ls--;
			if (!contains_ci(s + ls, i - ls, "mysql") && !contains_ci(s + ls, i - ls, "mariadb"))
				return false;
			size_t st, en = value_end(s, n, i + 2, &st);
			if (en <= st)
				return false;
			*vs = st;
			*ve = en;
			return true;
		}
		return false;
	}
	/* --name value (--name=value is an assignment) */
	size_t e = 2;
	while (e < m && (is_alnum((unsigned char)p[e]) || p[e] == '-' || p[e] == '_'))
		e++;
	if (e >= m || p[e] != ' ')
		return false;
	bool user = (e == 6 && prefix(p, m, "--user")) || (e == 12 && prefix(p, m, "--proxy-user"));
	if (!user && !secret_name(p, e))
		return false;
	size_t v = e;
	while (v < m && p[v] == ' ')
		v++;
	if (v >= m || p[v] == '-')
		return false;
	size_t st, en = value_end(s, n, i + v, &st);
	if (user) {
		const char *c = memchr(s + st, ':', en - st);
		if (!c)
			return false;
		st = (size_t)(c - s) + 1;
	}
	if (harmless_value(s + st, en - st))
		return false;
	*vs = st;
	*ve = en;
	return true;
}

/* scheme://userinfo@ and, in labels, user:pass@ and e-mail addresses;
 * '@' is at i. */
static bool at_sign(const char *s, size_t n, size_t from, size_t i, int mode,
	size_t *vs, size_t *ve)
{
	size_t b = i;
	bool colon = false;
	while (b > from && !is_space((unsigned char)s[b - 1]) && !strchr("/@\"'<>()[]{},;`=", s[b - 1])) {
		b--;
		if (s[b] == ':')
			colon = true;
	}
	/* scheme://, or scheme:/ as a path normalised it */
	if (b < i && b >= 2 && s[b - 1] == '/' && (s[b - 2] == ':' ||
	    (b >= 3 && s[b - 2] == '/' && s[b - 3] == ':'))) {
		/* URL userinfo: hide it when it holds a password or a key */
		if (colon || i - b >= 16 || secret_len(s + b, i - b)) {
			*vs = b;
			*ve = i;
			return true;
		}
		return false;
	}
	if (mode != M_LABEL)
		return false;
	if (colon && b < i) {
		*vs = b;
		*ve = i;
		return true;
	}
	/* local@domain.tld */
	size_t l = i;
	while (l > from && (is_alnum((unsigned char)s[l - 1]) || strchr("._%+-", s[l - 1])))
		l--;
	if (l == i)
		return false;
	size_t d = i + 1, dot = 0;
	while (d < n && (is_alnum((unsigned char)s[d]) || s[d] == '.' || s[d] == '-')) {
		if (s[d] == '.')
			dot = d;
		d++;
	}
	while (d > i + 1 && (s[d - 1] == '.' || s[d - 1] == '-'))
		d--;
	if (!dot || dot <= i + 1 || dot >= d || d - dot - 1 < 2)
		return false;
	for (size_t k = dot + 1; k < d; k++)
		if (!((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z'))
			return false;
	*vs = l;
	*ve = d;
	return true;
}

/* A webhook URL's secret path: hooks.slack.com/services/..., discord.com/api/webhooks/... */
static bool webhook(const char *s, size_t n, size_t i, size_t *vs, size_t *ve)
{
	const char *p = s + i;
	size_t m = n - i, k;
	if (prefix(p, m, "hooks.slack.com/"))
		k = 16;
	else if (prefix(p, m, "discord.com/api/webhooks/"))
		k = 25;
	else if (prefix(p, m, "discordapp.com/api/webhooks/"))
		k = 28;
	else
		return false;
	if (k == 16) {
		if (prefix(p + k, m - k, "services/"))
			k += 9;
		else if (prefix(p + k, m - k, "workflows/") || prefix(p + k, m - k, "triggers/"))
			k += p[k] == 'w' ? 10 : 9;
		else
			return false;
	}
	size_t e = k;
	while (e < m && (is_alnum((unsigned char)p[e]) || strchr("/_-", p[e])))
		e++;
	if (e - k < 8)
		return false;
	*vs = i + k;
	*ve = i + e;
	return true;
}

/* Bearer TOKEN, Basic BASE64 outside a header. */
static bool scheme_token(const char *s, size_t n, size_t i, size_t *vs, size_t *ve)
{
	const char *p = s + i;
	size_t m = n - i, k;
	if (prefix(p, m, "Bearer ") || prefix(p, m, "bearer "))
		k = 7;
	else if (prefix(p, m, "Basic "))
		k = 6;
	else
		return false;
	size_t e = k;
	bool digit = false, sym = false;
	while (e < m && (is_alnum((unsigned char)p[e]) || strchr("-._~+/=", p[e]))) {
		digit |= is_digit((unsigned char)p[e]);
		sym |= !is_alnum((unsigned char)p[e]);
		e++;
	}
	if (e - k < 8 || (!digit && !sym && e - k < 24))
		return false;
	*vs = i + k;
	*ve = i + e;
	return true;
}

/* aws_secret_access_key VALUE, AWS_SECRET_ACCESS_KEY=..., "SecretAccessKey":
 * "...": the 40 characters of base64 after a name that ends so, also
 * separated by white space only (aws configure set). */
static bool aws_secret(const char *s, size_t n, size_t i, size_t *vs, size_t *ve)
{
	size_t e = i;
	while (e < n && (is_alnum((unsigned char)s[e]) || s[e] == '_'))
		e++;
	if (!suffix_ci(s + i, e - i, "secret_access_key") && !suffix_ci(s + i, e - i, "secretaccesskey"))
		return false;
	size_t v = e;
	while (v < n && v - e < 8 && strchr(" \t\"':=", s[v]))
		v++;
	size_t w = v;
	while (w < n && (is_alnum((unsigned char)s[w]) || s[w] == '/' || s[w] == '+'))
		w++;
	if (w - v < 30)
		return false;
	*vs = v;
	*ve = w;
	return true;
}

/* Labels: a run of letters and digits (with inner '-' and '_') that reads
 * like a random token.  Returns the run's end in *end either way. */
static bool random_run(const char *s, size_t n, size_t i, size_t *end)
{
	size_t e = i, L = 0, up = 0, lo = 0, dg = 0, hexl = 0, hexu = 0, changes = 0;
	int last = -1;
	for (; e < n; e++) {
		unsigned char c = (unsigned char)s[e];
		int cl;
		if (is_lower(c))
			cl = 0, lo++, hexl += c <= 'f';
		else if (is_upper(c))
			cl = 1, up++, hexu += c <= 'F';
		else if (is_digit(c))
			cl = 2, dg++, hexl++, hexu++;
		else if ((c == '-' || c == '_') && e + 1 < n && is_alnum((unsigned char)s[e + 1]) && e > i)
			continue;
		else
			break;
		/* upper then lower is a capitalised word, not a change */
		if (last >= 0 && cl != last && !(last == 1 && cl == 0))
			changes++;
		last = cl;
		L++;
	}
	*end = e;
	if (L < 20 || !dg || dg == L)
		return false;
	if (L >= 32 && (hexl == L || hexu == L))
		return true;    /* hex digest or UUID-like */
	if (up >= 2 && lo >= 2 && dg >= 2)
		return changes * 100 >= L * 30;
	if (!up && L >= 24 && dg * 6 >= L)
		return changes * 100 >= L * 25;
	/* a host name's label: lower case whatever the token was */
	if (!up && L >= 16 && dg >= 3 && e < n && s[e] == '.' && e + 1 < n &&
	    is_alnum((unsigned char)s[e + 1]))
		return changes * 100 >= L * 40;
	if (!lo && up >= 2 && dg * 6 >= L)
		return changes * 100 >= L * 25;
	return false;
}

/* --- skipping quiet text -------------------------------------------------
 * In records (M_JSON) a byte makes next_secret look closer only when it is
 * '@', '=', ':' or '-', or starts a word (a letter or digit after none)
 * that is "B" or "b" (scheme_token), or that begins with a byte of
 * longfirst a run of QUIET_RUN bytes or more of letters, digits and
 * "-_.=" (tokbyte): a known key (minkey), a webhook's host ("discord.com"
 * is the shortest) and an AWS secret's name need that many.  Every other byte is passed over by the loop without a
 * look: with SSE2 they are skipped sixteen at a time.  (Labels judge
 * every word's run of letters: no skipping there.) */
/* Which bytes of a text next_secret looks at in M_JSON: a bit for each
 * byte of a chunk of QCHUNK, found for the chunk in one pass.  Its windows
 * of 64 bytes are classified once each (the next one's classes are kept
 * for the runs of QUIET_RUN that go on into it). */
#define QCHUNK 4096
struct qclass {
	uint64_t alnum, tok, look, bb;  /* look: the bytes looked at in any case;
	                                 * bb: "B" and "b" */
};
struct quiet {
	const char *s;
	size_t n;
	size_t base, end;       /* the chunk: s[base..end); none when base == end */
	uint64_t hits[QCHUNK / 64];     /* bit j of word w: s[base + 64w + j] is
	                                 * looked at */
};

#ifdef JSCAN_SSE2
struct qblock {
	unsigned alnum, tok, look;      /* look: the bytes looked at in any case */
};

static inline struct qblock qclassify(const char *p)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i x = _mm_or_si128(v, _mm_set1_epi8(0x20));     /* lower case */
	__m128i alnum = alnum16(v);
	__m128i eq = _mm_cmpeq_epi8(v, _mm_set1_epi8('=')), dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
	__m128i tok = _mm_or_si128(_mm_or_si128(alnum, _mm_or_si128(eq, dash)),
		_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))));
	__m128i punct = _mm_or_si128(_mm_or_si128(eq, dash),
		_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
	struct qblock q;
	q.alnum = (unsigned)_mm_movemask_epi8(alnum);
	q.tok = (unsigned)_mm_movemask_epi8(tok);
	/* "B" and "b" are looked at when they start a word */
	q.look = (unsigned)_mm_movemask_epi8(punct) |
		(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('b'))) << 16;
	return q;
}

/* The classes of the 64 bytes at p, 16 a step */
static inline __attribute__((always_inline)) struct qclass qclass64(const char *p)
{
	struct qclass c = {0, 0, 0, 0};
	for (int k = 0; k < 4; k++) {
		struct qblock b = qclassify(p + 16 * k);
		c.alnum |= (uint64_t)b.alnum << 16 * k;
		c.tok |= (uint64_t)b.tok << 16 * k;
		c.look |= (uint64_t)(b.look & 0xffff) << 16 * k;
		c.bb |= (uint64_t)(b.look >> 16) << 16 * k;
	}
	return c;
}

/* The classes of s[at..at + 64): read in place or, near the end, copied
 * and followed by NULs, which start nothing and end every run as the end
 * does (past the end: none). */
static inline __attribute__((always_inline)) struct qclass qclass_at(const char *s, size_t n,
	size_t at, struct qclass (*cls)(const char *))
{
	struct qclass c = {0, 0, 0, 0};
	if (at >= n)
		return c;
	if (n - at >= 64)
		return cls(s + at);
	char t[64];
	memset(t, 0, sizeof t);
	memcpy(t, s + at, n - at);
	return cls(t);
}

/* The hits of the chunk from base (a multiple of QCHUNK), by cls. */
static inline __attribute__((always_inline)) void quiet_fill_by(struct quiet *q, size_t base,
	struct qclass (*cls)(const char *))
{
	const char *s = q->s;
	size_t n = q->n, left = n - base;
	size_t nw = left >= QCHUNK ? QCHUNK / 64 : (left + 63) / 64;
	struct qclass c = qclass_at(s, n, base, cls);
	uint64_t carry = base && is_alnum((unsigned char)s[base - 1]);
	for (size_t w = 0; w < nw; w++) {
		size_t at = base + 64 * w;
		struct qclass next = qclass_at(s, n, at + 64, cls);
		uint64_t start = c.alnum & ~(c.alnum << 1 | carry);
		/* the runs of QUIET_RUN (11) tokbytes, into the next
		 * window's first ten bytes: r:rh shifted right by k, as
		 * one word of 128 bits */
		uint64_t r = c.tok, rh = next.tok;
#define RUN(k) (r &= r >> (k) | rh << (64 - (k)), rh &= rh >> (k))
		RUN(1);         /* runs of 2 and more start here */
		RUN(2);         /* 4 */
		RUN(4);         /* 8 */
		RUN(3);         /* 11 (QUIET_RUN) */
#undef RUN
		uint64_t hit = c.look | (start & c.bb);
		/* the words of long runs: those whose first byte starts
		 * something */
		uint64_t cand = start & r & ~hit;
		for (uint64_t m = cand; m; m &= m - 1)
			if (!longfirst[(unsigned char)s[at + (size_t)__builtin_ctzll(m)]])
				cand &= ~(m & -m);
		q->hits[w] = hit | cand;
		carry = c.alnum >> 63;
		c = next;
	}
	q->base = base;
	q->end = base + 64 * nw;
}

static void quiet_fill_sse2(struct quiet *q, size_t base)
{
	quiet_fill_by(q, base, qclass64);
}

#if defined(__x86_64__) || defined(__i386__)
/* The same 32 bytes a step (AVX2) */
#define AVX2 __attribute__((target("avx2")))
static inline AVX2 uint64_t mask32(__m256i m)
{
	return (uint32_t)_mm256_movemask_epi8(m);
}

static inline __attribute__((always_inline)) AVX2 struct qclass qclass64_avx2(const char *p)
{
	struct qclass c = {0, 0, 0, 0};
	for (int k = 0; k < 2; k++) {
		const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
		const __m256i x = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
		/* letters and digits (signed compares: bytes from 0x80 are
		 * below every bound) */
		__m256i alnum = _mm256_or_si256(_mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x60)),
			_mm256_cmpgt_epi8(_mm256_set1_epi8(0x7b), x)),
			_mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x2f)),
			_mm256_cmpgt_epi8(_mm256_set1_epi8(0x3a), v)));
		__m256i eq = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('=')),
			dash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-'));
		__m256i tok = _mm256_or_si256(_mm256_or_si256(alnum, _mm256_or_si256(eq, dash)),
			_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')),
			_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'))));
		__m256i punct = _mm256_or_si256(_mm256_or_si256(eq, dash),
			_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('@')),
			_mm256_cmpeq_epi8(v, _mm256_set1_epi8(':'))));
		c.alnum |= mask32(alnum) << 32 * k;
		c.tok |= mask32(tok) << 32 * k;
		c.look |= mask32(punct) << 32 * k;
		c.bb |= mask32(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('b'))) << 32 * k;
	}
	return c;
}

static AVX2 void quiet_fill_avx2(struct quiet *q, size_t base)
{
	quiet_fill_by(q, base, qclass64_avx2);
}
#undef AVX2

static void quiet_fill(struct quiet *q, size_t base)
{
	static int cpu = -1;    /* the CPU's AVX2, looked up once */
	if (cpu < 0)
		cpu = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (cpu && privacy_avx2)
		quiet_fill_avx2(q, base);
	else
		quiet_fill_sse2(q, base);
}
#else
#define quiet_fill quiet_fill_sse2
#endif

/* The first byte at or after i (< n) that next_secret must look at in
 * M_JSON; n when none.  The last bytes too are judged by the block (in
 * the copy followed by NULs): most of a record's strings are shorter
 * than a block, and the loop's look at each byte costs more than one
 * classification. */
static size_t quiet_next(struct quiet *q, size_t i)
{
	for (;;) {
		if (i < q->base || i >= q->end)
			quiet_fill(q, i & ~(size_t)(QCHUNK - 1));
		size_t w = (i - q->base) >> 6, nw = (q->end - q->base) >> 6;
		uint64_t m = q->hits[w] >> (i & 63);
		if (m)
			return i + (size_t)__builtin_ctzll(m);
		while (++w < nw)
			if (q->hits[w])
				return q->base + 64 * w + (size_t)__builtin_ctzll(q->hits[w]);
		i = q->end;
		if (i >= q->n)
			return q->n;
	}
}
#endif

/* The next span to hide at or after i (nothing copied before from): its
 * start in *vs and end in *ve; false at the end of s. */
static bool next_secret(const char *s, size_t n, size_t from, size_t i, int mode,
	struct quiet *q, size_t *vs, size_t *ve)
{
	size_t gen = i;         /* label mode: runs before gen were judged */
	for (; i < n; i++) {
#ifdef JSCAN_SSE2
		if (mode == M_JSON && q && (i = quiet_next(q, i)) >= n)
			break;
#else
		(void)q;
#endif
		unsigned char c = (unsigned char)s[i], t = trig[c];
		if (!t)
			continue;
		if (t & T_WORD) {
			if (i && is_alnum((unsigned char)s[i - 1]))
				continue;
			/* the word, and whether the runs a known key or an AWS
			 * secret's name would fill are long enough: most words
			 * are too short for either */
			size_t w = i + 1, tok, aw;
			while (w < n && (trig[(unsigned char)s[w]] & T_WORD))
				w++;
			size_t l;
			if (keystart[c]) {
				for (tok = w; tok < n && tok - i < minkey && tokbyte[(unsigned char)s[tok]]; tok++)
					;
				if (tok - i >= minkey && (l = secret_len(s + i, n - i))) {
					*vs = i;
					*ve = i + l;
					return true;
				}
			}
			if ((c == 'h' || c == 'd') && webhook(s, n, i, vs, ve))
				return true;
			if ((c == 'B' || c == 'b') && scheme_token(s, n, i, vs, ve))
				return true;
			if (c == 'a' || c == 'A' || c == 'S') {
				for (aw = w; aw < n && aw - i < AWS_NAME_MIN &&
				    ((trig[(unsigned char)s[aw]] & T_WORD) || s[aw] == '_'); aw++)
					;
				if (aw - i >= AWS_NAME_MIN && aws_secret(s, n, i, vs, ve))
					return true;
			}
			if (mode == M_LABEL && i >= gen && (i == 0 || s[i - 1] != '-' || i < 2 ||
			    !is_alnum((unsigned char)s[i - 2]))) {
				if (random_run(s, n, i, &gen)) {
					*vs = i;
					*ve = gen;
					return true;
				}
			}
			/* the rest of the word starts nothing */
			i = w - 1;
			continue;
		}
		if (t & (T_EQ | T_COLON)) {
			if (assignment(s, n, from, i, vs, ve))
				return true;
		} else if (t & T_DASH) {
			if (dash(s, n, from, i, vs, ve))
				return true;
		} else if (t & T_AT) {
			if (at_sign(s, n, from, i, mode, vs, ve))
				return true;
		}
	}
	return false;
}

bool privacy_noskip;
bool privacy_avx2 = true;

static void redact_to(struct sbuf *b, const char *s, size_t n, int mode, bool json)
{
	init();
	size_t from = 0, at = 0, vs, ve;
	struct quiet q, *qp = privacy_noskip ? NULL : &q;
	q.s = s;        /* not the hits: filled before they are read */
	q.n = n;
	q.base = q.end = 0;
	while (next_secret(s, n, from, at, mode, qp, &vs, &ve)) {
		if (vs < from)
			vs = from;
		if (ve <= vs) {
			at = vs + 1;
			continue;
		}
		if (json)
			sb_json_body(b, s + from, vs - from);
		else
			sb_add(b, s + from, vs - from);
		sb_add(b, RED, REDN);
		from = at = ve;
	}
	if (json)
		sb_json_body(b, s + from, n - from);
	else
		sb_add(b, s + from, n - from);
}

void redact(struct sbuf *b, const char *s, size_t n)
{
	sb_reset(b);
	sb_grow(b, n);
	redact_to(b, s, n, M_LABEL, false);
}

/* --- short texts seen before ---------------------------------------------
 * Records repeat the same short strings over and over (a session's cwd,
 * the prompt and parent ids, a tool's process chain and argv): what
 * redact_to wrote for one is kept, by a hash of its bytes and mode, in a
 * few sets of two slots (the one used last stays, the other is replaced),
 * each holding the text and its JSON body.  A text is compared byte for
 * byte before its kept body is used: the output is the one redact_to
 * gives (a pure function of the bytes and the mode). */
#define MEMO_SETS 128           /* a power of 2 */
#define MEMO_BYTES 184          /* text and body together */
static _Thread_local struct memo {
	uint64_t h;             /* 0: empty */
	uint32_t n, out;        /* text's length, body's */
	char buf[MEMO_BYTES + 16];   /* the text, then the body; 16 to copy by */
} memo[MEMO_SETS][2];
static _Thread_local unsigned char memo_old[MEMO_SETS];   /* the slot to replace */

/* Short moves and compares (n <= 64) without the library's calls: loads
 * and stores that overlap. */
static inline __attribute__((always_inline)) uint64_t ld8(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline __attribute__((always_inline)) uint32_t ld4(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* d[0..n) = s[0..n) for n < 16 */
static inline __attribute__((always_inline)) void copy15(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		uint64_t a = ld8(s), z = ld8(s + n - 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		uint32_t a = ld4(s), z = ld4(s + n - 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &z, 4);
	} else if (n) {
		char a = s[0], m = s[n / 2], z = s[n - 1];
		d[0] = a;
		d[n / 2] = m;
		d[n - 1] = z;
	}
}

/* d[0..n) = s[0..n) for n <= 64 */
static inline __attribute__((always_inline, unused)) void copy64(char *d, const char *s, size_t n)
{
	if (n < 16) {
		copy15(d, s, n);
		return;
	}
	char t[64];
	/* every load before a store: d and s may be the same bytes' copies */
	for (size_t i = 0; i + 16 < n; i += 16)
		memcpy(t + i, s + i, 16);
	memcpy(t + n - 16, s + n - 16, 16);
	for (size_t i = 0; i + 16 < n; i += 16)
		memcpy(d + i, t + i, 16);
	memcpy(d + n - 16, t + n - 16, 16);
}

/* a[0..n) == b[0..n) for n <= MEMO_BYTES */
static inline __attribute__((always_inline)) bool same(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		uint64_t x = 0;
		size_t i = 0;
		for (; i + 8 < n; i += 8)
			x |= ld8(a + i) ^ ld8(b + i);
		return !(x | (ld8(a + n - 8) ^ ld8(b + n - 8)));
	}
	if (n >= 4)
		return ld4(a) == ld4(b) && ld4(a + n - 4) == ld4(b + n - 4);
	return !n || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* A slot's hash: the first, middle and last 8 bytes and the length are
 * enough to spread the texts records repeat (ids that differ in their
 * last digits, paths in their last name); the bytes are compared after. */
static inline uint64_t memo_hash(const char *s, size_t n, int mode)
{
	uint64_t a = 0, m = 0, z = 0;
	if (n >= 8) {
		a = ld8(s);
		m = ld8(s + n / 2 - 4);
		z = ld8(s + n - 8);
	} else if (n >= 4) {
		a = ld4(s);
		z = ld4(s + n - 4);
	} else if (n) {
		a = (unsigned char)s[0] | (unsigned)(unsigned char)s[n / 2] << 8 |
			(unsigned)(unsigned char)s[n - 1] << 16;
	}
	uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (m * 0xc2b2ae3d27d4eb4fULL) ^
		(z * 0xff51afd7ed558ccdULL) ^ ((uint64_t)n << 1 | (uint64_t)mode << 40);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h | 1;
}

#ifdef JSCAN_SSE2
/* The texts of records that redact_to writes as they are: none of the
 * bytes that sb_json_body escapes (a quote, a backslash, bytes below 0x20
 * and from 0x80), no '@', '=' or "'", no word whose first byte is "b" or "B",
 * and where next_secret looks at a byte (quiet_fill's classes) it finds
 * nothing, by the first tests of its own: a '-' after a byte that is no
 * space and not before another '-' (dash), a ':' whose name before is no
 * secret's (assignment: name_before, secret_name), a word of longfirst
 * that starts a run of QUIET_RUN tokbytes but too short a run for a key
 * or an AWS secret's name and not a webhook's host.  Ids are such texts
 * ("aider-20260101T000003-0eb4c00f:l3", "history-cursor:t12"): each new,
 * so the memo does not hold them.  For n <= 64. */
static _Thread_local struct {
	size_t n;               /* 0: none */
	char s[64];
} lastname;
static inline bool plain_text(const char *s, size_t n)
{
	init();
	char t[16];
	const char *p = s;
	if (n < 16) {
		memset(t, 0, sizeof t);
		copy15(t, s, n);
		p = t;
	}
	uint64_t tok = 0, al = 0, bb = 0, stop = 0, look = 0;
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
		low = _mm_set1_epi8(0x20);
	for (size_t i = 0; ; i += 16) {
		/* the last block is the last 16 bytes: one may overlap */
		size_t at = i + 16 <= n || n < 16 ? i : n - 16;
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + at));
		const __m128i x = _mm_or_si128(v, _mm_set1_epi8(0x20));     /* lower case */
		__m128i alnum = alnum16(v);
		__m128i dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
		__m128i tk = _mm_or_si128(_mm_or_si128(alnum, dash),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
			_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))));
		/* and "'": a name before ':' and an option after it take it
		 * in (name_before, dash), which the tests below do not */
		__m128i bad = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('=')),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
			_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')))),
			_mm_or_si128(_mm_cmpeq_epi8(v, quote),
			_mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmplt_epi8(v, low))));
		bb |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('b'))) << at;
		al |= (uint64_t)(unsigned)_mm_movemask_epi8(alnum) << at;
		tok |= (uint64_t)(unsigned)_mm_movemask_epi8(tk) << at;
		stop |= (uint64_t)(unsigned)_mm_movemask_epi8(bad) << at;
		look |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(dash,
			_mm_cmpeq_epi8(v, _mm_set1_epi8(':')))) << at;
		if (at + 16 >= n)
			break;
	}
	if (n < 64) {
		/* the NULs after a short text's copy are no bytes of it */
		tok &= ((uint64_t)1 << n) - 1;
		stop &= ((uint64_t)1 << n) - 1;
	}
	uint64_t start = al & ~(al << 1);       /* the first bytes of words */
	if (stop | (bb & start))
		return false;   /* "B" and "b" are looked at when they start a word */
	/* dash's and assignment's first tests, with from 0 (nothing hidden) */
	for (uint64_t w = look; w; w &= w - 1) {
		size_t i = (size_t)__builtin_ctzll(w);
		if (s[i] == '-') {
			if (i + 1 < n && s[i + 1] == '-')
				return false;   /* "-----BEGIN " may start here */
			if (n - i >= 3 && (!i || s[i - 1] == ' '))
				return false;   /* an option */
			continue;
		}
		if (i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
			continue;       /* a URL */
		size_t e = i;
		while (e && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		/* name_before's name: the tokbytes here are its bytes (no
		 * quote, '=' or NUL is in the text) */
		uint64_t none = ~tok & (((uint64_t)1 << e) - 1);
		size_t ns = none ? (size_t)(64 - __builtin_clzll(none)) : 0, nl = e - ns;
		if (nl < 3)
			continue;       /* too short for secret_name ("l3" in "...:l3:t4") */
		/* the long name judged last, when it was no secret's (ids
		 * repeat their session's; the short names between, "l10" in
		 * "...:l10:t10", cost secret_name little and do not replace it) */
		if (nl == lastname.n && same(lastname.s, s + ns, nl))
			continue;
		if (secret_name(s + ns, nl))
			return false;
		if (nl > 7) {
			lastname.n = nl;
			memcpy(lastname.s, s + ns, nl);
		}
	}
	tok &= tok >> 1;
	tok &= tok >> 2;
	tok &= tok >> 4;
	tok &= tok >> 3;        /* a run of QUIET_RUN (11) starts here */
	/* a word so with a byte of longfirst: next_secret's tests of it,
	 * up to the first that may find something */
	for (uint64_t w = tok & start; w; w &= w - 1) {
		size_t i = (size_t)__builtin_ctzll(w), k;
		unsigned char c = (unsigned char)s[i];
		if (!longfirst[c])
			continue;
		if (keystart[c]) {
			for (k = i; k < n && k - i < minkey && tokbyte[(unsigned char)s[k]]; k++)
				;
			if (k - i >= minkey)
				return false;
		}
		if ((c == 'h' && prefix(s + i, n - i, "hooks.slack.com/")) ||
		    (c == 'd' && prefix(s + i, n - i, "discord")))
			return false;
		if (c == 'a' || c == 'A' || c == 'S') {
			for (k = i; k < n && k - i < AWS_NAME_MIN &&
			    (is_alnum((unsigned char)s[k]) || s[k] == '_'); k++)
				;
			if (k - i >= AWS_NAME_MIN)
				return false;
		}
	}
	return true;
}
#endif

#ifdef JSCAN_SSE2
/* --- ids put together ----------------------------------------------------
 * Adapters make most ids of a head and counters: "<session>:l3",
 * "<session>:l3:t1", "toolu_01#2".  Each is new, so the memo misses it and
 * plain_text judges its head again, for every record.  A head judged once
 * is kept with its verdict, and an id that is a kept head and a tail of
 * counters is written as it is.
 *
 * A tail: one or more pieces, each a separator (':' or '#') and a counter,
 * a lower-case letter other than 'b' or none, then 1 to 9 digits (so at
 * most 10 bytes).  Of a tail's bytes none is a stop of plain_text (escaped,
 * '@', '='), none a tokbyte but the counters', and ':' and '#' are no
 * name's bytes.
 *
 * Claim: let H be a text with plain_text(H ":0") (H "colon-clean"), T a
 * tail and |H T| <= 64; then plain_text(H T), so redact_to writes H T as
 * it is.  Each test of plain_text on H T, against the same on H ":0":
 * - stops: H's are the same bytes; T has none.
 * - a word starting with "b" or "B": in H the same (a word's start depends
 *   on the byte before only); in T a counter's letter is not 'b'.
 * - a '-' in H at i: the byte after is H's or a separator (':' in H ":0"):
 *   no '-' either way; "n - i >= 3" holds in H ":0" for every i in H, so
 *   there the dash passed by its byte before (i > 0, no space), which is
 *   the same byte in H T.
 * - a ':' in H at i: a URL needs "//" after it; the bytes after are H's,
 *   or a separator, which is no '/' in either text, so the same URL test
 *   result; the name before reads back, within H: the same name, judged
 *   no secret's in H ":0" (or equal to lastname, which is kept only when
 *   so judged).
 * - a ':' in T right after H: its name is H's last run of name bytes, the
 *   name of the ':' after H in H ":0": no secret's.  A ':' later in T: its
 *   name is the counter before it (separators end names), a letter other
 *   than 'b' and digits, which ends in a digit (secret_name's last-byte
 *   test says no) and has no letter after its first byte (none of the
 *   words p..., s..., a... it looks for can start); shorter than 3 bytes
 *   it is not looked at.
 * - runs of QUIET_RUN tokbytes: a run that starts in H ends within H in
 *   both (a separator and ':' are no tokbytes), so the same runs; the
 *   tests of their first byte read the run (the same), or compare
 *   "hooks.slack.com/" and "discord": a literal that reaches past H meets
 *   ':' or '#' there, which neither has, and fails in both.  A counter is
 *   at most 10 bytes: no run of QUIET_RUN starts in T.
 * Heads learned from a plain text of the same shape, H followed by a tail
 * that starts with ':' are colon-clean: plain_text(H T) held, and each test
 * above on H ":0" is one of those on H T with the same outcome (the '0'
 * starts no run, is no 'b').  A whole text s that plain_text took may be
 * followed by a tail that starts with '#' when no '-' in its last two
 * bytes starts an option (at 0 or after a space): without a ':' after it,
 * H ":0"'s name test is not needed, and the dash test is the one that
 * "n - i >= 3" could change.  The unit test (tests/unit/redact.c) holds
 * this to the look at every byte. */
static _Thread_local struct head {
	size_t n;               /* 0: none */
	bool colon;             /* colon-clean: a tail may start with ':' */
	char s[64];
} heads[2];             /* [0]: the last head before a tail, [1]: the last plain text */

/* Is t[0..m) a tail, with a first separator ':' allowed when colon? */
static inline __attribute__((always_inline)) bool id_tail(const char *t, size_t m, bool colon)
{
	if (t[0] != '#' && !(t[0] == ':' && colon))
		return false;
	size_t i = 1;
	for (;;) {
		if (i < m && is_lower((unsigned char)t[i]) && t[i] != 'b')
			i++;
		size_t d = i;
		while (i < m && is_digit((unsigned char)t[i]))
			i++;
		if (i == d || i - d > 9)
			return false;
		if (i == m)
			return true;
		if (t[i] != ':' && t[i] != '#')
			return false;
		i++;
	}
}

/* Is s[0..n) (n <= 64) a kept head and a tail? */
static inline __attribute__((always_inline)) bool id_composed(const char *s, size_t n)
{
	for (int k = 0; k < 2; k++) {
		const struct head *h = &heads[k];
		size_t l = h->n;
		if (l && l < n && (s[l] == ':' || s[l] == '#') && same(h->s, s, l) &&
		    id_tail(s + l, n - l, h->colon))
			return true;
	}
	return false;
}

/* s[0..n) (n <= 64) was found plain: keep its head before a tail that
 * starts with ':', and s itself for tails that start with '#'. */
static void id_learn(const char *s, size_t n)
{
	/* the tail read back from the end: the first byte of its first
	 * ':' piece */
	size_t i = n, j = 0;
	while (i) {
		size_t e = i;
		while (i && e - i < 9 && is_digit((unsigned char)s[i - 1]))
			i--;
		if (i == e || (i && is_digit((unsigned char)s[i - 1])))
			break;
		if (i && is_lower((unsigned char)s[i - 1]) && s[i - 1] != 'b')
			i--;
		if (!i || (s[i - 1] != ':' && s[i - 1] != '#'))
			break;
		i--;
		if (s[i] == ':')
			j = i;
	}
	if (j) {
		heads[0].n = j;
		heads[0].colon = true;
		memcpy(heads[0].s, s, j);
	}
	bool opt = (n >= 1 && s[n - 1] == '-' && (n == 1 || s[n - 2] == ' ')) ||
		(n >= 2 && s[n - 2] == '-' && (n == 2 || s[n - 3] == ' '));
	if (!opt) {
		heads[1].n = n;
		heads[1].colon = false;
		memcpy(heads[1].s, s, n);
	}
}
#endif

/* Texts the memo does not keep: long ones, and all under privacy_noskip. */
static __attribute__((noinline)) void redact_long(struct sbuf *b, const char *s, size_t n, int mode)
{
	sb_addc(b, '"');
	redact_to(b, s, n, mode, true);
	sb_addc(b, '"');
}

/* A text the memo does not hold: redacted and put in the slot of set
 * used least lately. */
static __attribute__((noinline)) void memo_miss(struct sbuf *b, const char *s, size_t n, int mode,
	uint64_t h, unsigned set)
{
	struct memo *m = &memo[set][memo_old[set]];
	sb_addc(b, '"');
	size_t at = b->len;
#ifdef JSCAN_SSE2
	if (mode == M_JSON && n <= 64 && plain_text(s, n)) {
		/* what redact_to would write: the text as it is */
		id_learn(s, n);
		if (b->len + n + 2 > b->cap)
			sb_grow(b, n + 1);
		copy64(b->p + b->len, s, n);
		b->len += n;
	} else
#endif
		redact_to(b, s, n, mode, true);
	size_t out = b->len - at;
	if (n + out <= MEMO_BYTES) {
		memo_old[set] ^= 1;
		m->h = h;
		m->n = (uint32_t)n;
		m->out = (uint32_t)out;
		memcpy(m->buf, s, n);
		memcpy(m->buf + n, b->p + at, out);
	} else {
		m->h = 0;
	}
	sb_addc(b, '"');
}

/* The JSON string of s redacted, quotes included: the memo's answer
 * here, the rest in the two above. */
static inline __attribute__((always_inline)) void redact_json(struct sbuf *b, const char *s,
	size_t n, int mode)
{
	if (n > MEMO_BYTES / 2 || privacy_noskip) {
		redact_long(b, s, n, mode);
		return;
	}
#ifdef JSCAN_SSE2
	if (mode == M_JSON && n <= 64 && id_composed(s, n)) {
		/* what redact_to would write: the text as it is */
		if (b->len + n + 3 > b->cap)
			sb_grow(b, n + 2);
		char *p = b->p + b->len;
		*p++ = '"';
		if (n < 16) {
			copy15(p, s, n);
		} else {
			for (size_t i = 0; i + 16 < n; i += 16)
				memcpy(p + i, s + i, 16);
			memcpy(p + n - 16, s + n - 16, 16);
		}
		p[n] = '"';
		p[n + 1] = 0;
		b->len += n + 2;
		return;
	}
#endif
	uint64_t h = memo_hash(s, n, mode);
	unsigned set = (unsigned)(h >> 20) & (MEMO_SETS - 1);
	for (int w = 0; w < 2; w++) {
		struct memo *m = &memo[set][w];
		if (m->h == h && m->n == n && same(m->buf, s, n)) {
			memo_old[set] = (unsigned char)!w;
			size_t out = m->out;
			/* copied 16 bytes a step: room for the last step's excess */
			if (b->len + out + 19 > b->cap)
				sb_grow(b, out + 18);
			char *p = b->p + b->len;
			*p++ = '"';
			const char *q = m->buf + n;
			for (size_t i = 0; i < out; i += 16)
				memcpy(p + i, q + i, 16);
			p += out;
			*p++ = '"';
			*p = 0;
			b->len += out + 2;
			return;
		}
	}
	memo_miss(b, s, n, mode, h, set);
}

bool privacy_id_composed(const char *s, size_t n)
{
#ifdef JSCAN_SSE2
	return n <= 64 && id_composed(s, n);
#else
	(void)s;
	(void)n;
	return false;
#endif
}

void sb_json_str_redacted(struct sbuf *b, const char *s, size_t n)
{
	redact_json(b, s, n, M_JSON);
}

void sb_json_label_redacted(struct sbuf *b, const char *s, size_t n)
{
	redact_json(b, s, n, M_LABEL);
}

/* --- argv ------------------------------------------------------------------ */

static bool name_in(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (name[0] == (*set)[0] && !strcmp(name, *set))   /* most differ at once */
			return true;
	return false;
}

/* The program's short options whose value is free text, and its long ones
 * beyond the common set. */
static const char *text_shorts(const char *prog)
{
	static const char *const vcs[] = {"git", "hg", "svn", "jj", "bzr", "fossil", "cvs",
		"sl", "npm", "pnpm", "yarn", "docker", "podman", NULL};
	static const char *const code_c[] = {"python", "python2", "python3", "sh", "bash",
		"zsh", "dash", "ksh", "fish", "busybox", "pwsh", "powershell", "cmd", NULL};
	static const char *const code_e[] = {"node", "nodejs", "perl", "ruby", "deno", "bun",
		"osascript", "Rscript", NULL};
	if (name_in(prog, vcs))
		return "m";
	if (!strncmp(prog, "python", 6) || name_in(prog, code_c))
		return "c";
	if (name_in(prog, code_e))
		return "e";
	if (!strcmp(prog, "php"))
		return "r";
	if (!strcmp(prog, "gh") || !strcmp(prog, "glab"))
		return "bt";
	if (!strcmp(prog, "curl"))
		return "d";
	if (!strcmp(prog, "jq"))
		return "";
	return "";
}

static bool text_long(const char *opt, size_t n, const char *prog)
{
	static const char *const longs[] = {"message", "body", "title", "notes", "subject",
		"description", "comment", "text", "prompt", "eval", "command", "data", "data-raw",
		"data-binary", "data-urlencode", "json", "content", "input", "query", "script", NULL};
	(void)prog;
	for (const char *const *l = longs; *l; l++)
		if (strlen(*l) == n && !memcmp(*l, opt, n))
			return true;
	return false;
}

/* Programs that set a named value from the next word. */
static bool config_prog(const char *prog)
{
	static const char *const set[] = {"aws", "git", "npm", "pnpm", "yarn", "gcloud", "az",
		"heroku", "vault", "op", "doppler", "pip", "pip3", "poetry", "conda", "twine",
		"kubectl", "dotnet", "cargo", "composer", "firebase", "vercel", "netlify", NULL};
	return name_in(prog, set);
}

static bool is_mysql(const char *prog)
{
	return !strncmp(prog, "mysql", 5) || !strncmp(prog, "mariadb", 7);
}

void sb_json_argv_redacted(struct sbuf *b, const char *const *v, int n, bool notext)
{
	static const char txt[] = "[text]";
	const char *prog = n > 0 && v[0] ? path_base(v[0]) : "";
	/* what only the free-text rules need, and what only a plain word
	 * after a secret's name needs: looked up once, when needed */
	const char *shorts = notext ? text_shorts(prog) : "";
	bool echo = notext && (!strcmp(prog, "echo") || !strcmp(prog, "printf"));
	int config = -1;        /* config_prog(prog), once known */
	bool opts = true;       /* before "--" */
	sb_addc(b, '[');
	for (int i = 0; i < n; i++) {
		const char *a = v[i] ? v[i] : "", *prev = i ? v[i - 1] : NULL;
		size_t l = strlen(a);
		if (i)
			sb_addc(b, ',');
		/* the value of -u/--user, a password option, mysql -pPASS */
		if (prev && prev[0] == '-' && (!strcmp(prev, "-u") || !strcmp(prev, "--user") ||
		    !strcmp(prev, "-U") || !strcmp(prev, "--proxy-user")) && strchr(a, ':')) {
			const char *c = strchr(a, ':');
			sb_addc(b, '"');
			if (c[1]) {
				sb_json_body(b, a, (size_t)(c - a) + 1);
				sb_add(b, RED, REDN);
			} else {
				sb_add(b, RED, REDN);
				sb_addc(b, ':');
			}
			sb_addc(b, '"');
			continue;
		}
		if (prev && prev[0] == '-' && prev[1] == '-' && !strchr(prev, '=') &&
		    secret_name(prev, strlen(prev)) && a[0] != '-') {
			sb_json_str(b, RED, REDN);
			continue;
		}
		if (prev && prev[0] != '-' && (suffix_ci(prev, strlen(prev), "secret_access_key") ||
		    (config < 0 ? (config = config_prog(prog)) : config)) &&
		    !strchr(prev, '=') && secret_name(prev, strlen(prev))) {
			/* aws configure set aws_secret_access_key X, git config K X */
			sb_json_str(b, RED, REDN);
			continue;
		}
		if (prev && prev[0] == '-' && ((!strcmp(prev, "-p") && (!strcmp(prog, "sshpass") ||
		    (n > 1 && !strcmp(v[1], "login")))) ||
		    (!strcmp(prev, "-a") && !strcmp(prog, "redis-cli")))) {
			/* sshpass -p, docker login -p, redis-cli -a */
			sb_json_str(b, RED, REDN);
			continue;
		}
		/* mysql -pPASS, and the same attached form of sshpass and docker login */
		if (i && a[0] == '-' && a[1] == 'p' && a[2] && (is_mysql(prog) ||
		    !strcmp(prog, "sshpass") || (n > 1 && !strcmp(v[1], "login")))) {
			sb_json_str(b, "-p" RED, 2 + REDN);
			continue;
		}
		if (!strcmp(a, "--"))
			opts = false;
		if (notext && i) {
			bool text = memchr(a, '\n', l) || strpbrk(a, " \t\r");
			if (!text && echo && (a[0] != '-' || !opts))
				text = true;
			if (!text && prev && opts && prev[0] == '-' && prev[1] != '-' && prev[1] &&
			    strchr(shorts, prev[strlen(prev) - 1]) && *shorts)
				text = true;    /* -m MSG, -am MSG, -c CODE */
			if (!text && prev && opts && prev[0] == '-' && prev[1] == '-' &&
			    !strchr(prev, '=') && text_long(prev + 2, strlen(prev + 2), prog))
				text = true;
			if (opts && a[0] == '-' && a[1] == '-') {
				const char *eq = strchr(a, '=');
				if (eq && (text_long(a + 2, (size_t)(eq - a - 2), prog) || text)) {
					sb_addc(b, '"');
					sb_json_body(b, a, (size_t)(eq - a) + 1);
					sb_adds(b, txt);
					sb_addc(b, '"');
					continue;
				}
			} else if (opts && a[0] == '-' && a[1] && a[2] && *shorts && strchr(shorts, a[1])) {
				/* -mMSG */
				sb_addc(b, '"');
				sb_add(b, a, 2);
				sb_adds(b, txt);
				sb_addc(b, '"');
				continue;
			}
			if (text) {
				sb_json_str(b, txt, sizeof txt - 1);
				continue;
			}
		}
		sb_json_str_redacted(b, a, l);
	}
	sb_addc(b, ']');
}
