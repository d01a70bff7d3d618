/* SPDX-License-Identifier: MIT */
/* tagrules.c: agent-tag's rule file loader (YAML) and --tag-rule specs,
 * then the rules matched against text.  The first byte picks the entry
 * point. */
#include <stdio.h>
#include "fuzz.h"
#include "tag/tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	struct trules t;
	struct sbuf err = {0};
	memset(&t, 0, sizeof t);
	char *s = fuzz_str(data, n);
	switch (sel & 3) {
	case 0: {
		char path[32];
		int fd = fuzz_fd(data, n);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		tr_load_yaml(&t, path, &err);
		close(fd);
		break;
	}
	case 1:
		tr_add_spec(&t, s, &err);
		break;
	case 2:
		tr_add(&t, TK_ALL, "fuzz", s, "fuzz", &err);
		break;
	case 3: {
		struct sbuf b = {0};
		tag_clean(&b, s, n, sel & 4);
		(void)tag_sentence(s, n);
		sb_free(&b);
		break;
	}
	}
	if (t.n) {
		static const char text[] = "fix the failing test in src/a.c, then commit";
		tr_match(&t, 0, t.n, TK_PROMPT, TM_ALL, text, sizeof text - 1);
		tr_match(&t, 0, t.n, TK_LLM, TM_PART, s, n);
		for (int i = 0; i < t.n; i++)
			(void)tr_catchall(&t, &t.v[i]);
	}
	tr_free(&t);
	sb_free(&err);
	free(s);
	return 0;
}
