/* privacy.c: secrets that look like keys never reach any output. */
#include <string.h>
#include "event.h"

static inline bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
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

size_t secret_len(const char *p, size_t n)
{
	size_t r;
	switch (p[0]) {
	case 's':
		if (prefix(p, n, "sk-")) {
			/* sk-ant-..., sk-proj-..., plain sk-... */
			r = run(p, n, 3, "-_");
			if (r >= 20)
				return 3 + r;
		}
		break;
	case 'g':
		if (prefix(p, n, "github_pat_") && (r = run(p, n, 11, "_")) >= 20)
			return 11 + r;
		if (n > 4 && p[1] == 'h' && strchr("pousr", p[2]) && p[3] == '_' &&
		    (r = run(p, n, 4, NULL)) >= 20)
			return 4 + r;
		if (prefix(p, n, "glpat-") && (r = run(p, n, 6, "-_")) >= 20)
			return 6 + r;
		break;
	case 'A':
		if (prefix(p, n, "AKIA") || prefix(p, n, "ASIA")) {
			r = run(p, n, 4, NULL);
			if (r == 16)
				return 20;
		}
		if (prefix(p, n, "AIza") && (r = run(p, n, 4, "-_")) >= 30)
			return 4 + r;
		break;
	case 'e':
		if (prefix(p, n, "eyJ")) {
			/* header.payload.signature, base64url */
			size_t a = run(p, n, 0, "-_");
			if (a < 10 || a >= n || p[a] != '.')
				break;
			size_t b = run(p, n, a + 1, "-_");
			if (b < 10 || a + 1 + b >= n || p[a + 1 + b] != '.')
				break;
			size_t c = run(p, n, a + 2 + b, "-_");
			if (c >= 10)
				return a + b + c + 2;
		}
		break;
	case 'x':
		if (n > 5 && p[1] == 'o' && p[2] == 'x' && strchr("abpr", p[3]) && p[4] == '-' &&
		    (r = run(p, n, 5, "-")) >= 10)
			return 5 + r;
		break;
	}
	return 0;
}

/* Where the next secret at or after i starts (its length in *len), or n. */
static size_t next_secret(const char *s, size_t n, size_t i, size_t *len)
{
	for (; i < n; i++) {
		char c = s[i];
		if (c != 's' && c != 'g' && c != 'A' && c != 'e' && c != 'x')
			continue;
		/* a key starts a word; '_' separates words in identifiers
		 * (mcp__ghp_...), '-' does not (task-...) */
		if (i && (is_alnum((unsigned char)s[i - 1]) || s[i - 1] == '-' ||
		    (s[i - 1] == '_' && !(i > 1 && s[i - 2] == '_'))))
			continue;
		if ((*len = secret_len(s + i, n - i)))
			return i;
	}
	return n;
}

void redact(struct sbuf *b, const char *s, size_t n)
{
	sb_reset(b);
	sb_grow(b, n);
	size_t from = 0, i, l;
	while ((i = next_secret(s, n, from, &l)) < n) {
		sb_add(b, s + from, i - from);
		sb_add(b, "[REDACTED]", 10);
		from = i + l;
	}
	sb_add(b, s + from, n - from);
}

void sb_json_str_redacted(struct sbuf *b, const char *s, size_t n)
{
	size_t from = 0, i, l;
	sb_addc(b, '"');
	while ((i = next_secret(s, n, from, &l)) < n) {
		sb_json_body(b, s + from, i - from);
		sb_add(b, "[REDACTED]", 10);
		from = i + l;
	}
	sb_json_body(b, s + from, n - from);
	sb_addc(b, '"');
}
