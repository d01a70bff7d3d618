/* SPDX-License-Identifier: MIT */
/* shnet.c: the network side of a command.  Hosts come out of URLs
 * ("https://user@Host:port/x"), scp/git remotes ("git@host:path") and
 * bare operands of curl, ssh, ping, nc...; package managers reach their
 * default registry (or the index given on the command line), git its
 * remote.  Domains are lower case; a port is kept for loopback hosts
 * only; a label that looks like a key becomes redacted.invalid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"       /* secret_len */
#include "paths.h"
#include "shellint.h"
#include "util.h"

static bool host_ok(const char *h, size_t n)
{
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (!(sh_is_name(c) || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static bool set_host(const char *h, size_t n, bool v6, char *dst, size_t cap, int *port,
	const char *ps, size_t pn)
{
	if (v6) {
		if (!n || strspn(h, "0123456789abcdefABCDEF:.") < n)
			return false;
	} else {
		while (n && h[n - 1] == '.')
			n--;
		if (!host_ok(h, n))
			return false;
	}
	/* A key used as a host label (https://AKIA...example.com) would
	 * leave as a lower-case domain that no redaction recognises. */
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || h[i - 1] == '.') && secret_len(h + i, n - i)) {
			h = "redacted.invalid";
			n = strlen(h);
			break;
		}
	if (n + 1 > cap)
		return false;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] | 0x20 : h[i]);
	dst[n] = 0;
	if (port) {
		*port = -1;
		if (pn && pn <= 5 && strspn(ps, "0123456789") >= pn && host_is_loopback(dst)) {
			int v = 0;
			for (size_t i = 0; i < pn; i++)
				v = v * 10 + (ps[i] - '0');
			if (v > 0 && v < 65536)
				*port = v;
		}
	}
	return true;
}

/* host[:port] at s up to the first of "/?#" (or a character that cannot
 * be in an authority), after any user@. */
static bool authority(const char *s, char *dst, size_t cap, int *port)
{
	size_t n = strcspn(s, "/?#\"'<>` \t\n\\,;|)");
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	if (s[0] == '[') {
		const char *e = memchr(s, ']', n);
		if (!e)
			return false;
		const char *ps = e + 1;
		size_t pn = ps < s + n && *ps == ':' ? (size_t)(s + n - ps - 1) : 0;
		return set_host(s + 1, (size_t)(e - s - 1), true, dst, cap, port, ps + 1, pn);
	}
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;
	size_t pn = colon ? n - hn - 1 : 0;
	if (colon && strspn(colon + 1, "0123456789") != pn)
		return false;
	return set_host(s, hn, false, dst, cap, port, colon ? colon + 1 : NULL, pn);
}

bool url_domain(const char *s, char *dst, size_t cap, int *port)
{
	if (port)
		*port = -1;
	if (!s || !sh_is_name1((unsigned char)*s))
		return false;
	const char *p = s;
	while (sh_is_name((unsigned char)*p) || *p == '+' || *p == '.' || *p == '-')
		p++;
	if (strncmp(p, "://", 3))
		return false;
	p += 3;
	if (!strncmp(s, "file:", 5))
		return false;
	return authority(p, dst, cap, port);
}

bool remote_domain(const char *s, char *dst, size_t cap)
{
	if (!s || strstr(s, "://"))
		return false;
	const char *colon = strchr(s, ':');
	if (!colon || memchr(s, '/', (size_t)(colon - s)))
		return false;
	const char *h = s;
	const char *at = memchr(s, '@', (size_t)(colon - s));
	if (at)
		h = at + 1;
	size_t n = (size_t)(colon - h);
	if (n < 2)      /* C:\x is a drive, not a host */
		return false;
	return set_host(h, n, false, dst, cap, NULL, NULL, 0);
}

/* A bare host operand of curl, ping, ssh...: "example.com", "user@h",
 * "localhost:8080/x", "10.0.0.1".  Needs a dot and a letter top label,
 * or localhost, or an IPv4 address. */
static bool bare_host(const char *s, char *dst, size_t cap, int *port)
{
	if (!s || s[0] == '-' || s[0] == '/' || s[0] == '.')
		return false;
	if (!authority(s, dst, cap, port))
		return false;
	if (!strcmp(dst, "localhost"))
		return true;
	const char *dot = strrchr(dst, '.');
	if (!dot || !dot[1])
		return false;
	if (strspn(dst, "0123456789.") == strlen(dst))
		return true;
	size_t tl = strlen(dot + 1);
	for (size_t i = 0; i < tl; i++)
		if (!((dot[1 + i] | 0x20) >= 'a' && (dot[1 + i] | 0x20) <= 'z'))
			return false;
	return tl >= 2;
}

/* An ssh-style destination: ssh://[user@]host[:port] or [user@]host. */
static bool bare_or_remote(const char *w, char *dst, size_t cap, int *port)
{
	if (url_domain(w, dst, cap, port))
		return true;
	*port = -1;
	if (w[0] == '-' || strchr(w, '/') || !authority(w, dst, cap, NULL))
		return false;
	return strspn(dst, "0123456789") != strlen(dst);
}

static const char *const ssh_sarg = "BbcDEeFIiJLlmOoPpQRSWw";

static void net_add(struct shell *sh, struct vec *fx, const char *host, int port)
{
	for (int i = 0; i < fx->n; i++) {
		struct shell_fx *f = &((struct shell_fx *)fx->p)[i];
		if (f->domain && !strcmp(f->domain, host) && f->port == port)
			return;
	}
	sh_add_fx(fx, "net", NULL, NULL, shell_strdup(sh, host, strlen(host)), port);
}

/* The default registry a package manager fetches from for argv, or
 * NULL when the subcommand does not fetch. */
static const char *registry(const char *const *a, int n)
{
	static const char *const pip_sub[] = {"install", "download", "wheel", NULL};
	static const char *const npm_sub[] = {"install", "i", "in", "ci", "add", "update", "up",
		"upgrade", "isntall", NULL};
	static const char *const cargo_sub[] = {"install", "add", "fetch", "update", "vendor", NULL};
	static const char *const py_sub[] = {"install", "add", "update", "lock", "sync", "upgrade", NULL};
	static const char *const gem_sub[] = {"install", "update", NULL};
	static const char *const apt_sub[] = {"install", "update", "upgrade", "dist-upgrade",
		"full-upgrade", "source", "download", "build-dep", "reinstall", "makecache", NULL};
	static const char *const brew_sub[] = {"install", "upgrade", "update", "reinstall", "fetch", NULL};
	if (n < 2 && strcmp(path_base(a[0]), "yarn") && strcmp(path_base(a[0]), "bundle"))
		return NULL;
	char name[64];
	snprintf(name, sizeof name, "%s", path_base(a[0]));
	size_t l = strlen(name);
	while (l && ((name[l - 1] >= '0' && name[l - 1] <= '9') || name[l - 1] == '.'))
		name[--l] = 0;
	const char *s = n > 1 ? a[1] : "";
	if (!strcmp(name, "python") && n > 3 && !strcmp(s, "-m"))
		return registry(a + 2, n - 2);
	if (!strcmp(name, "pip"))
		return sh_has(pip_sub, s) ? "pypi.org" : NULL;
	if (!strcmp(name, "uv"))
		return (!strcmp(s, "pip") && n > 2 && sh_has(pip_sub, a[2])) || sh_has(py_sub, s) ||
			(!strcmp(s, "tool") && n > 2 && !strcmp(a[2], "install")) ? "pypi.org" : NULL;
	if (!strcmp(name, "poetry") || !strcmp(name, "pdm") || !strcmp(name, "pipenv"))
		return sh_has(py_sub, s) ? "pypi.org" : NULL;
	if (!strcmp(name, "npm") || !strcmp(name, "pnpm") || !strcmp(name, "bun"))
		return sh_has(npm_sub, s) ? "registry.npmjs.org" : NULL;
	if (!strcmp(name, "yarn"))
		return n == 1 || sh_has(npm_sub, s) ? "registry.yarnpkg.com" : NULL;
	if (!strcmp(name, "cargo"))
		return sh_has(cargo_sub, s) ? "crates.io" : NULL;
	if (!strcmp(name, "go"))
		return !strcmp(s, "get") || !strcmp(s, "install") || (!strcmp(s, "mod") && n > 2 &&
			(!strcmp(a[2], "download") || !strcmp(a[2], "tidy"))) ? "proxy.golang.org" : NULL;
	if (!strcmp(name, "gem"))
		return sh_has(gem_sub, s) ? "rubygems.org" : NULL;
	if (!strcmp(name, "bundle") || !strcmp(name, "bundler"))
		return n == 1 || sh_has(gem_sub, s) ? "rubygems.org" : NULL;
	if (!strcmp(name, "composer"))
		return !strcmp(s, "install") || !strcmp(s, "require") || !strcmp(s, "update") ?
			"repo.packagist.org" : NULL;
	if (!strcmp(name, "brew"))
		return sh_has(brew_sub, s) ? "formulae.brew.sh" : NULL;
	if (!strcmp(name, "conda") || !strcmp(name, "mamba") || !strcmp(name, "micromamba"))
		return !strcmp(s, "install") || !strcmp(s, "create") || !strcmp(s, "update") ?
			"conda.anaconda.org" : NULL;
	if (!strcmp(name, "apk"))
		return !strcmp(s, "add") || !strcmp(s, "update") || !strcmp(s, "upgrade") ?
			"dl-cdn.alpinelinux.org" : NULL;
	if (!strcmp(name, "apt") || !strcmp(name, "apt-get") || !strcmp(name, "aptitude"))
		return sh_has(apt_sub, s) ? "apt.invalid" : NULL;
	if (!strcmp(name, "dnf") || !strcmp(name, "yum") || !strcmp(name, "zypper"))
		return sh_has(apt_sub, s) || !strcmp(s, "in") ? (name[0] == 'd' ? "dnf.invalid" :
			name[0] == 'y' ? "yum.invalid" : "zypper.invalid") : NULL;
	if (!strcmp(name, "pacman"))
		return !strncmp(s, "-S", 2) || !strncmp(s, "-U", 2) ? "pacman.invalid" : NULL;
	return NULL;
}

void sh_net_fx(struct shell *sh, struct shell_cmd *c, struct vec *fx)
{
	const char *const *a = (const char *const *)c->argv;
	int n = c->argc;
	const char *name = path_base(a[0]);
	const char *cls = c->class;
	char host[256];
	int port;
	bool isnet = !strcmp(cls, "net"), git = !strcmp(name, "git");
	if (!isnet && !git && strcmp(cls, "install") && strcmp(cls, "vcs"))
		return;
	/* URLs anywhere in the words (git: only where it goes out, below) */
	bool index = false;
	for (int j = 1; j < n && !git; j++) {
		const char *w = a[j];
		const char *u = strstr(w, "://");
		if (u) {
			/* git+https://..., --index-url=https://... */
			const char *s = u;
			while (s > w && (sh_is_name((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '-'))
				s--;
			if (url_domain(s, host, sizeof host, &port))
				net_add(sh, fx, host, port);
		}
		if (!strncmp(w, "--index", 7) || !strncmp(w, "--registry", 10) ||
		    !strcmp(w, "-i") || !strncmp(w, "--default-index", 15))
			index = true;
	}
	if (!strcmp(cls, "install")) {
		const char *r = index ? NULL : registry(a, n);
		if (r)
			net_add(sh, fx, r, -1);
		return;
	}
	if (git) {
		static const char *const nets[] = {"push", "pull", "fetch", "clone", "ls-remote",
			"archive", NULL};
		struct opts o;
		int s = sh_getopts(a, n, 1, "Cc", NULL, NULL, &o, NULL);
		if (s >= n || !sh_has(nets, a[s]))
			return;
		int *ops = xmalloc(sizeof *ops * (n + 1));
		int m = sh_getopts(a, n, s + 1, "bocjuj", NULL, (const struct lopt[]){{"depth", 2, 1},
			{"branch", 'b', 1}, {"origin", 'o', 1}, {"reference", 2, 1},
			{"separate-git-dir", 2, 1}, {"upload-pack", 'u', 1}, {"config", 'c', 1},
			{"jobs", 'j', 1}, {"shallow-since", 2, 1}, {"filter", 2, 1}, {0}}, &o, ops);
		bool found = false;
		const char *url = NULL;
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (url_domain(w, host, sizeof host, &port) || remote_domain(w, host, sizeof host)) {
				if (!strstr(w, "://"))
					port = -1;
				net_add(sh, fx, host, port);
				found = true;
				if (!url)
					url = w;
			}
		}
		for (int i = 0; i < fx->n; i++)
			found |= ((struct shell_fx *)fx->p)[i].domain != NULL;
		if (!found && strcmp(a[s], "clone"))
			net_add(sh, fx, "git.invalid", -1);
		if (!strcmp(a[s], "clone") && url) {
			/* the new working tree */
			const char *dst = NULL;
			for (int i = 0; i < m; i++)
				if (a[ops[i]] != url)
					dst = a[ops[i]];
			if (dst) {
				sh_file_fx(sh, fx, "write", c->dir, dst);
			} else {
				const char *b = path_base(url);
				const char *colon = strrchr(b, ':');
				if (colon)
					b = colon + 1;
				size_t l = strlen(b);
				if (l > 4 && !strcmp(b + l - 4, ".git"))
					l -= 4;
				if (l)
					sh_file_fx(sh, fx, "write", c->dir, shell_strdup(sh, b, l));
			}
		}
		free(ops);
		return;
	}
	if (!strcmp(name, "gh") || !strcmp(name, "glab")) {
		net_add(sh, fx, name[1] == 'h' ? "api.github.com" : "gitlab.com", -1);
		return;
	}
	if (!isnet)
		return;
	/* hosts as operands */
	int *ops = xmalloc(sizeof *ops * (n + 1));
	struct opts o;
	int m;
	if (!strcmp(name, "ssh") || !strcmp(name, "mosh") || !strcmp(name, "autossh")) {
		m = sh_getopts(a, n, 1, ssh_sarg, NULL, NULL, &o, ops);
		if (m && bare_or_remote(a[ops[0]], host, sizeof host, &port))
			net_add(sh, fx, host, port);
	} else if (!strcmp(name, "scp") || !strcmp(name, "sftp") || !strcmp(name, "rsync")) {
		m = sh_getopts(a, n, 1, !strcmp(name, "rsync") ? "efBT" : "cFiJloPS", NULL,
			(const struct lopt[]){{"rsh", 'e', 1}, {"exclude", 2, 1}, {"include", 2, 1},
			{"filter", 'f', 1}, {0}}, &o, ops);
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (remote_domain(w, host, sizeof host))
				net_add(sh, fx, host, -1);
			else if (!strcmp(name, "sftp") && bare_or_remote(w, host, sizeof host, &port))
				net_add(sh, fx, host, port);
		}
	} else {
		static const struct lopt lo_curl[] = {{"data", 'd', 1}, {"data-raw", 'd', 1},
			{"data-binary", 'd', 1}, {"data-urlencode", 'd', 1}, {"header", 'H', 1},
			{"output", 'o', 1}, {"request", 'X', 1}, {"user", 'u', 1}, {"user-agent", 'A', 1},
			{"cookie", 'b', 1}, {"cookie-jar", 'c', 1}, {"form", 'F', 1}, {"max-time", 'm', 1},
			{"connect-timeout", 2, 1}, {"proxy", 'x', 1}, {"referer", 'e', 1},
			{"upload-file", 'T', 1}, {"write-dst", 'w', 1}, {"retry", 2, 1}, {"cacert", 2, 1},
			{"cert", 'E', 1}, {"key", 2, 1}, {"config", 'K', 1}, {"range", 'r', 1},
			{"resolve", 2, 1}, {"output-dir", 2, 1}, {"json", 2, 1}, {"output-document", 'O', 1},
			{"directory-prefix", 'P', 1}, {"tries", 't', 1}, {"timeout", 'T', 1},
			{"user-agent", 'U', 1}, {"method", 2, 1}, {"body-data", 2, 1}, {0}};
		const char *sarg = !strcmp(name, "curl") ? "AbcCdDeEFHKmoPQrTuUwxXyYz" :
			!strcmp(name, "wget") ? "OoaAeIlPQtTUwXDRB" :
			!strncmp(name, "ping", 4) ? "cisItwWlpQST" : !strcmp(name, "nc") ||
			!strcmp(name, "ncat") || !strcmp(name, "netcat") ? "psiwqXxIOTV" : "";
		m = sh_getopts(a, n, 1, sarg, NULL, lo_curl, &o, ops);
		for (int i = 0; i < m; i++) {
			const char *w = a[ops[i]];
			if (!strstr(w, "://") && bare_host(w, host, sizeof host, &port))
				net_add(sh, fx, host, port);
			if (!strcmp(name, "nc") || !strcmp(name, "ncat") || !strncmp(name, "ping", 4))
				break;  /* the rest are ports or nothing */
		}
		if (!strcmp(name, "curl") && o.arg['o'])
			sh_file_fx(sh, fx, "write", c->dir, o.arg['o']);
		if (!strcmp(name, "wget") && o.arg['O'])
			sh_file_fx(sh, fx, "write", c->dir, o.arg['O']);
	}
	free(ops);
}
