/* SPDX-License-Identifier: MIT */
/* shell.c: the shell analyser on any command line.  The first byte
 * picks the entry point and the outer chain; the rest is the text
 * (for shell_parse_argv, NUL-separated words). */
#include "fuzz.h"
#include "shell/shell.h"

static const char *const outers[][2] = {
	{"bash", NULL}, {"codex", "bash"}, {"gemini", "sh"}, {"zsh", NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct shell sh;
	static int init;
	if (!init) {
		fuzz_quiet();
		shell_init(&sh);
		init = 1;
	}
	if (!n)
		return 0;
	unsigned sel = data[0];
	char *s = fuzz_str(data + 1, n - 1);
	size_t len = n - 1;
	const char *const *outer = outers[sel & 3];
	int nouter = outer[1] ? 2 : 1;
	const char *cwd = sel & 4 ? "/home/u/proj" : sel & 8 ? "rel/dir" : NULL;
	switch ((sel >> 4) & 3) {
	case 0:
	case 1:
		shell_parse(&sh, s, len, outer, nouter, cwd);
		break;
	case 2: {
		const char *argv[64];
		int argc = 0;
		for (size_t i = 0; i <= len && argc < 63; ) {
			argv[argc++] = s + i;
			i += strlen(s + i) + 1;
		}
		argv[argc] = NULL;
		shell_parse_argv(&sh, argv, argc, outer, nouter, cwd);
		break;
	}
	case 3: {
		struct shell_fx *fx = NULL;
		int nfx = 0;
		shell_patch(&sh, s, len, cwd, &fx, &nfx);
		char host[256];
		int port;
		(void)url_domain(s, host, sizeof host, &port);
		(void)remote_domain(s, host, sizeof host);
		(void)url_domain(s, host, 8, NULL);
		break;
	}
	}
	/* read back everything, as effects.c does */
	for (int i = 0; i < sh.ncmd; i++) {
		const struct shell_cmd *c = &sh.cmd[i];
		for (int j = 0; j < c->argc; j++)
			(void)strlen(c->argv[j]);
		for (int j = 0; j < c->nprocess; j++)
			(void)strlen(c->process[j]);
		(void)shell_class(c->argv, c->argc);
		(void)shell_class_rank(c->class);
		for (int j = 0; j < c->nfx; j++)
			if (c->fx[j].path)
				(void)strlen(c->fx[j].path);
	}
	shell_reset(&sh);
	free(s);
	return 0;
}
