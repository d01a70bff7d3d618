/* SPDX-License-Identifier: MIT */
/* files-from.c: --files-from (operands_from_file, input.c) on any list:
 * NUL- or newline-separated, CRLF, empty names, with and without
 * operands given beside it; every operand must come back whole and
 * non-empty, the ones given first.  Then the number parsers the options
 * use (parse_i64, parse_f64) on each name. */
#include <stdio.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	int first = fuzz_selector(&data, &n);
	if (first < 0)
		return 0;
	unsigned sel = (unsigned)first;
	int fd = fuzz_fd(data, n);
	char path[32];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *given[] = {"a.jsonl", "-", "b c"};
	int ngiven = sel % 4;
	struct operands o;
	operands_init(&o, ngiven, ngiven ? given : NULL);
	int before = o.n;
	bool dash = o.n == 1 && !strcmp(o.v[0], "-") && !ngiven;
	if (operands_from_file(&o, path) == 0) {
		int skip = dash ? 0 : before;
		if (o.n < skip)
			abort();
		for (int i = 0; i < skip; i++)
			if (strcmp(o.v[i], given[i]))
				abort();
		for (int i = 0; i < o.n; i++) {
			if (!o.v[i] || !*o.v[i])
				abort();
			int64_t iv;
			double dv;
			(void)parse_i64(o.v[i], -5, INT64_MAX, &iv);
			(void)parse_f64(o.v[i], 0, 100, &dv);
		}
	}
	operands_free(&o);
	close(fd);
	return 0;
}
