/* SPDX-License-Identifier: MIT */
/* shopts.c: options of a command read the way getopt and GNU's
 * getopt_long read them, so that the operands (the files, hosts and
 * subcommands the analyser looks for) are told from option arguments. */
#include <string.h>
#include "shellint.h"

static int letter(unsigned char c) { return c < 128 ? c : 0; }

static const struct lopt *find_lopt(const struct lopt *lo, const char *s, size_t n)
{
	for (; lo && lo->name; lo++)
		if (strlen(lo->name) == n && !memcmp(lo->name, s, n))
			return lo;
	return NULL;
}

int sh_getopts(const char *const *argv, int argc, int from, const char *sarg,
	const char *att, const struct lopt *lo, struct opts *o, int *ops)
{
	int nops = 0;
	bool dashdash = false;
	memset(o, 0, sizeof *o);
	for (int j = from; j < argc; j++) {
		const char *a = argv[j];
		if (dashdash || a[0] != '-' || !a[1]) {
			if (!ops)
				return j;
			ops[nops++] = j;
			continue;
		}
		if (a[1] == '-') {
			if (!a[2]) {
				dashdash = true;
				if (!ops)
					return j + 1 < argc ? j + 1 : argc;
				continue;
			}
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			const struct lopt *l = find_lopt(lo, a + 2, n);
			if (!l)
				continue;
			o->seen[letter(l->c)] = true;
			if (eq) {
				o->arg[letter(l->c)] = eq + 1;
			} else if (l->nargs > 0) {
				if (j + 1 < argc)
					o->arg[letter(l->c)] = argv[j + 1];
				j += l->nargs;
			}
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			int k = letter(*c);
			o->seen[k] = true;
			if (att && *c && strchr(att, *c)) {
				o->arg[k] = c[1] ? c + 1 : NULL;
				break;
			}
			if (sarg && *c && strchr(sarg, *c)) {
				if (c[1])
					o->arg[k] = c + 1;
				else if (j + 1 < argc)
					o->arg[k] = argv[++j];
				break;
			}
		}
	}
	return ops ? nops : argc;
}
