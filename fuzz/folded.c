/* SPDX-License-Identifier: MIT */
/* folded.c: folded_parse with one and two count columns, then every
 * frame of the stack through folded_frame. */
#include "fuzz.h"
#include "folded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	/* line by line, as the programs read it */
	char *all = fuzz_str(data, n);
	for (size_t i = 0; i <= n; ) {
		char *nl = memchr(all + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (all + i)) : n - i;
		for (int maxc = 1; maxc <= 2; maxc++) {
			char *copy = xmalloc(len + 1);
			memcpy(copy, all + i, len);
			copy[len] = 0;
			struct folded_line fl;
			const char *why = NULL;
			int r = folded_parse(copy, len, maxc, &fl, &why);
			if (r < 0 && !why)
				abort();
			if (r == 0) {
				if (fl.ncounts < 1 || fl.ncounts > maxc || fl.stacklen > len ||
				    fl.stack < copy || fl.stack + fl.stacklen > copy + len)
					abort();
				for (int k = 0; k < fl.ncounts; k++)
					if (fl.counts[k] < 0)
						abort();
				const char *f = fl.stack, *e = fl.stack + fl.stacklen, *fs;
				size_t fn, total = 0;
				while (folded_frame(&f, e, &fs, &fn)) {
					if (fs < fl.stack || fs + fn > e)
						abort();
					total += fn + 1;
				}
				if (total > fl.stacklen + 1)
					abort();
			}
			free(copy);
		}
		if (!nl)
			break;
		i += len + 1;
	}
	free(all);
	return 0;
}
