/* SPDX-License-Identifier: MIT */
/* shpatch.c: the patch envelope, a multi-file patch format of its own:
 *
 *   *** Begin Patch
 *   *** Add File: PATH        then the new file's lines, each "+..."
 *   *** Update File: PATH     then hunks ("@@ ...", " ", "-", "+" lines)
 *   *** Move to: NEWPATH      (optional, right after Update File)
 *   *** Delete File: PATH
 *   *** End Patch
 *
 * Agents send it as a tool's input, or through the shell as the only
 * operand of a command or as a here-document on its stdin: the agent's
 * harness intercepts that command and applies the patch.  Which command
 * names a harness intercepts is the agent's business (common/agents/);
 * the analyser goes by the format: a program it knows nothing else of,
 * given a text that begins with the Begin Patch line, writes the files
 * the envelope names. */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "shellint.h"
#include "util.h"

static const char begin[] = "*** Begin Patch";

bool sh_is_envelope(const char *s, size_t n)
{
	const char *e = s + n;
	while (s < e && (sh_is_blank(*s) || *s == '\n'))
		s++;
	if (e - s >= 2 && s[0] == '<' && s[1] == '<') {
		/* <<'EOF' ... EOF around it, as a here-document would be */
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		if (!nl)
			return false;
		s = nl + 1;
	}
	size_t bl = sizeof begin - 1;
	return (size_t)(e - s) >= bl && !memcmp(s, begin, bl);
}

const char *sh_patch_text(const char *const *argv, int argc, const struct shell_redir *rd,
	int nrd, size_t *len)
{
	const char *text;
	if (argc == 2) {
		text = argv[1];
		*len = strlen(text);
	} else if (argc == 1 && rd) {
		text = sh_heredoc_body(rd, nrd, len);
	} else {
		return NULL;
	}
	if (!text || !sh_is_envelope(text, *len))
		return NULL;
	const char *name = path_base(argv[0]);
	if (!strcmp(name, "echo") || !strcmp(name, "printf") || sh_class_known(argv[0]))
		return NULL;
	return text;
}

static const char *patch_path(struct shell *sh, const char *s, const char *e, const char *cwd)
{
	while (s < e && sh_is_blank(*s))
		s++;
	while (e > s && sh_is_blank(e[-1]))
		e--;
	if (s == e)
		return NULL;
	char *p = shell_strdup(sh, s, (size_t)(e - s));
	return sh_join(sh, cwd, p);
}

int shell_patch(struct shell *sh, const char *text, size_t len, const char *cwd,
	struct shell_fx **fx, int *nfx)
{
	struct vec v = {.p = NULL};
	const char *p = text, *end = text + len;
	cwd = cwd ? shell_path(sh, cwd, NULL) : NULL;
	struct shell_fx *last = NULL;
	int lastn = -1;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		static const char *const marks[] = {"*** Add File:", "*** Update File:",
			"*** Delete File:", "*** Move to:"};
		for (int m = 0; m < 4; m++) {
			size_t ml = strlen(marks[m]);
			if ((size_t)(e - p) < ml || memcmp(p, marks[m], ml))
				continue;
			const char *path = patch_path(sh, p + ml, e, cwd);
			if (!path)
				break;
			if (m == 3) {
				if (last && lastn == v.n - 1 && !strcmp(last->effect, "write")) {
					last->effect = "rename";
					last->to = path;
				}
				break;
			}
			sh_add_fx(&v, m == 2 ? "delete" : "write", path, NULL, NULL, -1);
			last = &((struct shell_fx *)v.p)[v.n - 1];
			lastn = m == 1 ? v.n - 1 : -1;
			break;
		}
		p = e < end ? e + 1 : end;
	}
	int n = v.n;
	if (n) {
		struct shell_fx *a = shell_alloc(sh, sizeof *a * (*nfx + n));
		if (*nfx)
			memcpy(a, *fx, sizeof *a * *nfx);
		memcpy(a + *nfx, v.p, sizeof *a * n);
		*fx = a;
		*nfx += n;
	}
	free(v.p);
	return n;
}
