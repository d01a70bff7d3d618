/* SPDX-License-Identifier: MIT */
/* replay.c: main() for a fuzz target built without libFuzzer: each
 * operand is a saved input run once through LLVMFuzzerTestOneInput.
 * tests/81-regress.t runs the crash inputs kept in tests/fuzz-regress/
 * this way under the normal and the sanitizer builds. */
#include <stdio.h>
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static void run(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *p = xmalloc(cap);
	for (;;) {
		if (n == cap)
			p = xrealloc(p, cap *= 2);
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0) {
			perror(path);
			exit(2);
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	/* an exact-size copy, so that the sanitizers see reads past the end */
	uint8_t *q = xmalloc(n ? n : 1);
	memcpy(q, p, n);
	free(p);
	LLVMFuzzerTestOneInput(q, n);
	free(q);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
