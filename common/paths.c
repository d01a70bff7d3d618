/* SPDX-License-Identifier: MIT */
/* paths.c: project-relative path groups, external buckets, host names. */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "event.h"      /* redact */

/* "C:\x\y" and "\\server\x" are Windows paths: slashes turned, the drive
 * dropped, so "C:\Users\me" reads as "/Users/me". */
static const char *unwin(struct sbuf *t, const char *p)
{
	bool drive = ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z' && p[1] == ':' &&
		(p[2] == '\\' || p[2] == '/'));
	if (!drive && !(p[0] == '\\' && p[1] == '\\'))
		return p;
	sb_reset(t);
	for (const char *q = drive ? p + 2 : p + 1; *q; q++)
		sb_addc(t, *q == '\\' ? '/' : *q);
	return t->p;
}

/* The home directory a path lives in, for "~": "/home/me" of cwd
 * "/home/me/src", else "/home/~". */
static size_t home_of(const char *cwd, const char **home)
{
	static const char *roots[] = {"/home/", "/Users/"};
	if (cwd) {
		for (size_t i = 0; i < 2; i++) {
			size_t l = strlen(roots[i]);
			if (!strncmp(cwd, roots[i], l) && cwd[l] && cwd[l] != '/') {
				const char *e = strchr(cwd + l, '/');
				*home = cwd;
				return e ? (size_t)(e - cwd) : strlen(cwd);
			}
		}
		if (!strncmp(cwd, "/root", 5) && (!cwd[5] || cwd[5] == '/')) {
			*home = cwd;
			return 5;
		}
	}
	*home = "/home/~";
	return 7;
}

/* Does "~" + s begin with a user name the shell would expand (POSIX
 * portable: letters, digits, '.', '_', '-', not first '-')?  "~$x.docx",
 * an Office lock file, is a file named so. */
static bool tilde_user(const char *s)
{
	size_t i = 0;
	if (*s == '-')
		return false;
	for (; s[i] && s[i] != '/'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return i > 0;
}

/* Append one component, folding "." and "..".  base is where the path
 * starts in b (a ".." never climbs past it). */
static bool push(struct sbuf *b, size_t base, bool abs, const char *c, size_t n)
{
	if (!n || (n == 1 && c[0] == '.'))
		return true;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		char *s = b->p + base, *e = b->p + b->len;
		char *q = e;
		while (q > s && q[-1] != '/')
			q--;
		if (q == e)     /* nothing to climb out of */
			return abs;
		b->len = (size_t)(q - b->p);
		if (b->len > base && b->p[b->len - 1] == '/' && (b->len - 1 > base || !abs))
			b->len--;
		b->p[b->len] = 0;
		return true;
	}
	if (b->len > base && b->p[b->len - 1] != '/')
		sb_addc(b, '/');
	sb_add(b, c, n);
	return true;
}

static bool add_parts(struct sbuf *b, size_t base, bool abs, const char *p)
{
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!push(b, base, abs, p, n))
			return false;
		p += n;
		if (*p)
			p++;
	}
	return true;
}

bool path_norm(struct sbuf *b, const char *path, const char *cwd)
{
	static _Thread_local struct sbuf tp, tc;
	size_t base = b->len;
	path = unwin(&tp, path);
	if (cwd)
		cwd = unwin(&tc, cwd);
	bool abs = path[0] == '/' || path[0] == '~' || (cwd && cwd[0] == '/');
	if (!b->p) {    /* b->p is a string even when nothing is added */
		sb_grow(b, 1);
		b->p[b->len] = 0;
	}
	if (abs)
		sb_addc(b, '/');
	if (path[0] == '~' && (!path[1] || path[1] == '/')) {
		const char *home;
		size_t hl = home_of(cwd, &home);
		char *h = xstrndup(home, hl);
		add_parts(b, base, true, h);
		free(h);
		path++;
	} else if (path[0] == '~' && tilde_user(path + 1)) {
		/* ~user/...: that user's home, the cwd's when it is theirs,
		 * else "/home/~" (the name never becomes a component) */
		size_t ul = strcspn(path + 1, "/");
		const char *home;
		size_t hl = home_of(cwd, &home);
		if (!(hl > ul && home[hl - ul - 1] == '/' && !memcmp(home + hl - ul, path + 1, ul)))
			home = "/home/~", hl = 7;
		char *h = xstrndup(home, hl);
		add_parts(b, base, true, h);
		free(h);
		path += 1 + ul;
	} else if (path[0] != '/' && cwd && cwd[0] == '/') {
		add_parts(b, base, true, cwd);
	}
	return add_parts(b, base, abs, path);
}

const char *path_base(const char *path)
{
	const char *s = path, *last = path;
	for (; *s; s++)
		if ((*s == '/' || *s == '\\') && s[1])
			last = s + 1;
	return last;
}

static bool in(const char *c, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && !memcmp(*set, c, n))
			return true;
	return false;
}

const char *path_bucket(const char *abs)
{
	static const char *const homes[] = {"home", "Users", NULL};
	static const char *const sys[] = {"usr", "etc", "lib", "lib32", "lib64", "libx32",
		"opt", "bin", "sbin", "var", "boot", "srv", "run", "nix", "snap", "gnu",
		"Library", "System", "Applications", "private", NULL};
	static const char *const dev[] = {"dev", "proc", "sys", NULL};
	const char *c[4] = {0};
	size_t n[4] = {0};
	const char *p = abs;
	for (int i = 0; i < 4 && *p; i++) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		c[i] = p;
		while (*p && *p != '/')
			p++;
		n[i] = (size_t)(p - c[i]);
	}
#define IS(i, lit) (c[i] && n[i] == sizeof lit - 1 && !memcmp(c[i], lit, n[i]))
	if (!c[0])
		return "external/other";
	int h = -1;   /* index of the first component inside a home directory */
	if (in(c[0], n[0], homes))
		h = 2;
	else if (IS(0, "root"))
		h = 1;
	if (h >= 0) {
		if (IS(h, ".claude") || (IS(h, ".config") && h < 3 && IS(h + 1, "claude")))
			return "external/claude";
		if (IS(h, ".codex"))
			return "external/codex";
		if (IS(h, ".gemini"))
			return "external/gemini";
		return "external/home";
	}
	if (IS(0, "tmp") || (IS(0, "var") && (IS(1, "tmp") || IS(1, "folders"))) ||
	    (IS(0, "private") && (IS(1, "tmp") || (IS(1, "var") && (IS(2, "tmp") || IS(2, "folders"))))))
		return "external/tmp";
	if (in(c[0], n[0], dev))
		return "external/dev";
	if (in(c[0], n[0], sys))
		return "external/system";
	return "external/other";
#undef IS
}

void path_group(struct sbuf *b, const char *path, const char *root, const char *cwd, int depth)
{
	static _Thread_local struct sbuf p, r;
	sb_reset(&p);
	sb_reset(&r);
	if (!path || !*path) {
		sb_adds(b, "none");
		return;
	}
	if (!path_norm(&p, path, cwd ? cwd : root)) {
		sb_adds(b, "external/other");
		return;
	}
	const char *rel = NULL;
	if (!p.len) {
		rel = "";               /* "." or "a/..": the root (p may be unallocated) */
	} else if (p.p[0] != '/') {
		/* relative and nothing to anchor it to: taken as inside the
		 * project */
		rel = p.p;
	} else if (root && *root && path_norm(&r, root, NULL) && r.p[0] == '/') {
		size_t rl = r.len == 1 ? 0 : r.len;   /* root "/" holds everything */
		if (!strcmp(p.p, r.p))
			rel = "";
		else if (!strncmp(p.p, r.p, rl) && p.p[rl] == '/')
			rel = p.p + rl + 1;
	}
	if (!rel) {
		sb_adds(b, path_bucket(p.p));
		return;
	}
	if (!*rel) {
		sb_addc(b, '.');
		return;
	}
	const char *e = rel;
	for (int i = 0; i < depth && e; i++) {
		e = strchr(e, '/');
		if (e && i + 1 < depth)
			e++;
	}
	sb_add(b, rel, e ? (size_t)(e - rel) : strlen(rel));
}

/* Is the normalised absolute path p a home directory: /home/U, /Users/U,
 * /root, /var/root, /var/home/U, /usr/home/U, /export/home/U,
 * /mnt/C/Users/U (WSL), or "~" (path_norm's /home/~)? */
static bool is_home(const char *p)
{
	static const char *const roots[] = {"/home/", "/Users/", "/var/home/", "/usr/home/",
		"/export/home/", NULL};
	if (!strcmp(p, "/root") || !strcmp(p, "/var/root"))
		return true;
	for (const char *const *r = roots; *r; r++) {
		size_t l = strlen(*r);
		if (!strncmp(p, *r, l) && p[l] && !strchr(p + l, '/'))
			return true;
	}
	/* WSL: the Windows profile under /mnt/<drive>/Users/U */
	if (!strncmp(p, "/mnt/", 5) && p[5] && p[6] == '/' && !strncmp(p + 7, "Users/", 6) &&
	    p[13] && !strchr(p + 13, '/'))
		return true;
	return false;
}

char *path_project(const char *cwd)
{
	if (!cwd || !*cwd)
		return NULL;
	/* "~" and "~user" are somebody's home */
	if (cwd[0] == '~' && !strchr(cwd, '/') && !strchr(cwd, '\\'))
		return xstrdup("home");
	struct sbuf n = {0};
	char *r = NULL;
	if (path_norm(&n, cwd, NULL) && n.p && n.p[0] == '/') {
		if (is_home(n.p))
			r = xstrdup("home");
		else if (n.len > 1)
			r = xstrdup(path_base(n.p));
	}
	if (!r) {
		const char *b = path_base(cwd);
		size_t l = strcspn(b, "/\\");
		r = l ? xstrndup(b, l) : NULL;
	}
	if (r) {
		/* the name goes to reports as it is: no secret in it */
		redact(&n, r, strlen(r));
		free(r);
		r = xstrndup(n.p, n.len);
	}
	sb_free(&n);
	return r;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n > l && !memcmp(s + n - l, suf, l);
}

static bool ipv4_quad(const char *s, unsigned a[4]);

/* An IPv4 address into a[4] as the resolver reads it (inet_aton): a dotted
 * quad, or fewer parts with the last one filling the rest ("10.1" is
 * 10.0.0.1, "127.1" loopback, "2130706433" 127.0.0.1), each part decimal,
 * 0x hex or 0 octal.  False when it is none. */
static bool ipv4(const char *s, unsigned a[4])
{
	if (ipv4_quad(s, a))
		return true;
	unsigned long part[4];
	int np = 0;
	const char *q = s;
	for (;;) {
		if (np == 4 || *q < '0' || *q > '9')
			return false;
		int base = 10;
		if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
			base = 16;
			q += 2;
		} else if (q[0] == '0' && q[1] >= '0' && q[1] <= '9') {
			base = 8;
		}
		unsigned long v = 0;
		int d = 0;
		for (;; q++, d++) {
			int x = *q >= '0' && *q <= '9' ? *q - '0' :
				base == 16 && (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f' ? (*q | 0x20) - 'a' + 10 : -1;
			if (x < 0 || x >= base)
				break;
			v = v * (unsigned long)base + (unsigned long)x;
			if (v > 0xffffffffUL)
				return false;
		}
		if (!d && base != 16)
			return false;
		part[np++] = v;
		if (*q == 0)
			break;
		if (*q++ != '.')
			return false;
	}
	unsigned long lim[4] = {0xffffffffUL, 0xffffffUL, 0xffffUL, 0xffUL};
	for (int i = 0; i < np - 1; i++)
		if (part[i] > 255)
			return false;
	if (part[np - 1] > lim[np - 1])
		return false;
	unsigned long v = part[np - 1];
	for (int i = 0; i < np - 1; i++)
		v |= part[i] << (8 * (3 - i));
	for (int i = 0; i < 4; i++)
		a[i] = (unsigned)(v >> (8 * (3 - i))) & 0xff;
	return true;
}

/* Dotted quad into a[4]; false when it is not one. */
static bool ipv4_quad(const char *s, unsigned a[4])
{
	for (int i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned v = 0;
		int d = 0;
		while (*s >= '0' && *s <= '9' && d < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			d++;
		}
		if (v > 255 || d > 3)
			return false;
		a[i] = v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	return *s == 0;
}

/* The host in lower case without brackets or a trailing dot. */
static char *host_norm(const char *host)
{
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	while (n && host[n - 1] == '.')
		n--;
	char *h = xstrndup(host, n);
	for (char *q = h; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q += 'a' - 'A';
	return h;
}

static bool loopback(const char *h)
{
	unsigned a[4];
	size_t n = strlen(h);
	return !strcmp(h, "localhost") || ends_with(h, n, ".localhost") || !strcmp(h, "::1") ||
		!strcmp(h, "0:0:0:0:0:0:0:1") || (ipv4(h, a) && a[0] == 127) ||
		(!strncmp(h, "::ffff:", 7) && ipv4(h + 7, a) && a[0] == 127);
}

static bool private(const char *h)
{
	unsigned a[4];
	size_t n = strlen(h);
	if (ipv4(h, a) || (!strncmp(h, "::ffff:", 7) && ipv4(h + 7, a)))
		return a[0] == 10 || (a[0] == 172 && a[1] >= 16 && a[1] <= 31) ||
			(a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) ||
			(a[0] == 100 && a[1] >= 64 && a[1] <= 127) || a[0] == 0;
	if (strchr(h, ':'))     /* IPv6: unique local fc00::/7, link local fe80::/10 */
		return (h[0] == 'f' && (h[1] == 'c' || h[1] == 'd')) ||
			(!strncmp(h, "fe", 2) && strchr("89ab", h[2]) && h[2]);
	if (!strchr(h, '.'))
		return true;    /* single label: an intranet or container name */
	return ends_with(h, n, ".local") || ends_with(h, n, ".internal") || ends_with(h, n, ".lan") ||
		ends_with(h, n, ".localdomain") || ends_with(h, n, ".home.arpa") ||
		ends_with(h, n, ".intranet") || ends_with(h, n, ".corp");
}

bool host_is_loopback(const char *host)
{
	char *h = host_norm(host);
	bool r = loopback(h);
	free(h);
	return r;
}

bool host_is_private(const char *host)
{
	char *h = host_norm(host);
	bool r = !loopback(h) && private(h);
	free(h);
	return r;
}

void host_group(struct sbuf *b, const char *host, int64_t port)
{
	if (!host || !*host) {
		sb_adds(b, "none");
		return;
	}
	char *h = host_norm(host);
	if (loopback(h)) {
		sb_adds(b, strchr(h, ':') ? "[" : "");
		sb_adds(b, h);
		sb_adds(b, strchr(h, ':') ? "]" : "");
		if (port > 0 && port < 65536) {
			sb_addc(b, ':');
			sb_addi(b, port);
		}
	} else if (private(h)) {
		sb_adds(b, "private");
	} else {
		sb_adds(b, *h ? h : "none");
	}
	free(h);
}
