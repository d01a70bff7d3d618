/* SPDX-License-Identifier: MIT */
/* tap.h: TAP output for the C unit tests of common/. */
#ifndef AP_TAP_H
#define AP_TAP_H
#include <stdio.h>
#include <stdint.h>
#include <string.h>
static int tap_n, tap_fail;
#define ok(cond, ...) do { tap_n++; int c_ = !!(cond); \
	printf("%sok %d - ", c_ ? "" : "not ", tap_n); printf(__VA_ARGS__); printf("\n"); \
	if (!c_) { tap_fail++; printf("#   at %s:%d\n", __FILE__, __LINE__); } } while (0)
#define is_str(got, want, ...) do { const char *g_ = (got), *w_ = (want); \
	ok(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, __VA_ARGS__); \
	if (!(g_ && w_ ? !strcmp(g_, w_) : g_ == w_)) printf("#   got: '%s'\n#  want: '%s'\n", \
		g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)
#define is_int(got, want, ...) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	ok(g_ == w_, __VA_ARGS__); if (g_ != w_) printf("#   got: %lld\n#  want: %lld\n", g_, w_); \
	} while (0)
/* The next of a test's pseudo-random numbers (xorshift64): the same
 * sequence on every run for a given seed in *s. */
static inline uint64_t tap_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
/* Bytes a test makes unreadable around a text, so that a read past its
 * end stops under ASan (make check SAN=1); no-ops otherwise. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif
static inline int tap_done(void) { printf("1..%d\n", tap_n); return tap_fail != 0; }
#endif
