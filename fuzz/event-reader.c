/* SPDX-License-Identifier: MIT */
/* event-reader.c: agent-tag's and agent-stack's input: each line parsed
 * and read back as a record with ev_read, written again with ev_write
 * (the round trip agent-tag makes), and the written line read once more. */
#include "fuzz.h"
#include "event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct jdoc d, d2;
	static struct sbuf b;
	fuzz_quiet();
	char *all = fuzz_str(data, n);
	for (size_t i = 0; i <= n; ) {
		char *nl = memchr(all + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (all + i)) : n - i;
		char *line = xstrndup(all + i, len);
		struct event e;
		const char *why = NULL;
		if (jparse(&d, line, len) == 0) {
			if (ev_read(&d, &e, &why) == 0) {
				for (unsigned fl = 0; fl <= EVW_NOTEXT; fl++) {
					sb_reset(&b);
					ev_write(&b, &e, fl);
					if (!b.len || b.p[b.len - 1] != '\n')
						abort();
					/* what we write we must read */
					if (jparse(&d2, b.p, b.len - 1) != 0)
						abort();
					struct event e2;
					if (ev_read(&d2, &e2, &why) != 0)
						abort();
				}
			} else if (!why) {
				abort();
			}
		}
		free(line);
		if (!nl)
			break;
		i += len + 1;
	}
	free(all);
	return 0;
}
