/* SPDX-License-Identifier: MIT */
/* util.h: diagnostics, allocation, growable strings, hashing, time. */
#ifndef AP_UTIL_H
#define AP_UTIL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* diag.c: "prog: message" on stderr.  diag_errors counts what was reported as
 * bad input, so main() can return 1 when anything was.  Each thread has its
 * own count (a program that reads with threads adds them up). */
extern const char *progname;
extern _Thread_local unsigned long diag_errors;
/* A thread that works ahead of the output (agent-events -j) captures what
 * it would print: its stdout stays in its stdout_sb (out_flush and
 * out_maybe_flush leave it there) and its messages go to msgs, each after
 * the bytes of stdout_sb that preceded it (at: stdout_sb.len then), so
 * that both can be written later as if they had been written at once.
 * die() is never captured. */
struct diag_capture {
	struct sbuf *msgs;      /* the messages, each "prog: ...\n" */
	size_t *at, *end;       /* per message: stdout_sb.len, its end in msgs */
	size_t n, cap;
};
extern _Thread_local struct diag_capture *diag_capture;
/* Write what was captured: stdout from out[0..n) and the messages, in
 * their order.  The messages' arrays are emptied, not freed. */
void diag_replay(struct diag_capture *cap, const char *out, size_t n);
void diag_init(const char *argv0);
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_at(const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* getenv(name) looked up once per *once, for the tests' knobs
 * (AGENTPPROF_TEST_...) asked on every file or line; threads may ask at
 * once and find the same.  *once starts NULL. */
const char *env_once(const char *name, const char **once);
/* Is p in a segment of the program mapped without write permission (its
 * code, its string literals and other read-only data)?  Bytes there stay
 * what they are while the program runs. */
bool read_only_addr(const void *p);
/* An interval [*lo, *hi) that holds every such address (*lo > *hi when
 * there is none): what is outside is not read-only. */
void read_only_span(uintptr_t *lo, uintptr_t *hi);
/* Make room for one more element in array p of n used, cap allocated. */
#define GROW(p, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 64; \
		(p) = xrealloc((p), (cap) * sizeof *(p)); \
	} \
} while (0)

/* sbuf.c: a growable byte string, always NUL-terminated. */
struct sbuf {
	char *p;
	size_t len, cap;
};
void sb_grow(struct sbuf *b, size_t extra);
static inline void sb_reset(struct sbuf *b) { b->len = 0; if (b->p) b->p[0] = 0; }
void sb_add(struct sbuf *b, const void *s, size_t n);
void sb_adds(struct sbuf *b, const char *s);
static inline void sb_addc(struct sbuf *b, char c)
{
	if (b->len + 2 > b->cap) sb_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_addi(struct sbuf *b, int64_t v);
/* Length (1-4) of the valid UTF-8 sequence at s, 0 when it is invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
size_t utf8_valid_len(const char *s, size_t n);
/* JSON string literal with quotes; invalid UTF-8 becomes U+FFFD. */
void sb_json_str(struct sbuf *b, const char *s, size_t n);
/* The same without the quotes. */
void sb_json_body(struct sbuf *b, const char *s, size_t n);
void sb_free(struct sbuf *b);
/* Write everything to fd; on EPIPE exit quietly as a filter should. */
void write_all(int fd, const void *p, size_t n);
/* The same for v[0..n), in order (v is changed); any number of pieces. */
struct iovec;
void writev_all(int fd, struct iovec *v, int n);
/* Standard output, buffered: out_flush() when done, or before exit. */
extern _Thread_local struct sbuf stdout_sb;
void out_maybe_flush(void);
void out_flush(void);

/* hash.c: 64-bit string hash and an open-addressing map of hashes to
 * integers.  Keys are kept only as their 64-bit hash: at a million keys the
 * chance of any collision is about 3e-8. */
uint64_t hash64(const void *p, size_t n, uint64_t seed);
struct hslot {
	uint64_t key;     /* 0 = empty slot (hash 0 is remapped to 1) */
	int64_t val;
};
struct hmap {
	struct hslot *s;  /* key and value side by side: one cache line a probe */
	size_t n, cap;
};
/* Returns a pointer to the value for key, inserting *ins with value 0 when
 * absent; *ins (may be NULL) says whether it was inserted. */
int64_t *hm_put(struct hmap *m, uint64_t key, bool *ins);
int64_t *hm_get(const struct hmap *m, uint64_t key);
void hm_free(struct hmap *m);
/* Empty the map; a large table is given back rather than wiped. */
void hm_clear(struct hmap *m);
/* Grow the table now to what n keys need (as hm_put would grow it). */
void hm_reserve(struct hmap *m, size_t n);
/* A hint that key will be looked up soon: its first slot is fetched. */
static inline void hm_prefetch(const struct hmap *m, uint64_t key)
{
	if (m->cap)     /* slot(): key & mask, 0 as 1 */
		__builtin_prefetch(&m->s[(key ? key : 1) & (m->cap - 1)], 1);
}

/* A set of such hashes, for tables whose values go unused: 8 bytes a
 * slot where a map takes 16.  Keys are remapped as hm_put's (0 is 1: a
 * set and a map agree on every key). */
struct hset {
	uint64_t *s;      /* 0 = empty slot */
	size_t n, cap;
};
/* Insert key; false when it was there already. */
bool hs_put(struct hset *m, uint64_t key);
bool hs_has(const struct hset *m, uint64_t key);
/* Every key of src put into dst (src unchanged). */
void hs_add(struct hset *dst, const struct hset *src);
void hs_reserve(struct hset *m, size_t n);
void hs_free(struct hset *m);
void hs_clear(struct hset *m);
static inline void hs_prefetch(const struct hset *m, uint64_t key)
{
	if (m->cap)
		__builtin_prefetch(&m->s[(key ? key : 1) & (m->cap - 1)], 1);
}

/* timefmt.c: timestamps are int64 milliseconds since the epoch, UTC;
 * TS_NONE means unknown. */
#define TS_NONE INT64_MIN
/* RFC 3339 / ISO 8601 ("2025-01-02T03:04:05.678Z", offsets, no fraction,
 * a space for T) or a plain date; TS_NONE when it is neither. */
int64_t ts_parse(const char *s, size_t n);
/* Is p[0..24) YYYY-MM-DDTHH:MM:SS.mmmZ, every Y M D H S m a digit (any
 * values)?  ts_parse's fast path, and Codex's reader's: three words, each
 * with its separators compared and its digits tested as 0x30-0x39 both
 * before and after adding 6 to every byte (no byte that passes the other
 * tests carries into the next). */
static inline __attribute__((always_inline)) bool ts_form24(const char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	static const uint64_t dig[3] = {0x00FFFF00FFFFFFFFULL, 0xFFFF00FFFF00FFFFULL,
		0x00FFFFFF00FFFF00ULL};
	static const uint64_t sep[3] = {0x2D00002D00000000ULL, 0x00003A0000540000ULL,
		0x5A0000002E00003AULL};
	const uint64_t ones = 0x0101010101010101ULL, hi = ones * 0xF0, zero = ones * '0',
		six = ones * 6;
	uint64_t bad = 0;
#pragma GCC unroll 3
	for (int i = 0; i < 3; i++) {
		uint64_t w;
		memcpy(&w, p + 8 * i, 8);
		bad |= ((w & ~dig[i]) ^ sep[i]) | ((w & dig[i] & hi) ^ (zero & dig[i])) |
		    (((w + six) & dig[i] & hi) ^ (zero & dig[i]));
	}
	return !bad;
#else
	static const char f[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	for (int i = 0; i < 24; i++)
		if (f[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != f[i])
			return false;
	return true;
#endif
}
/* Like ts_parse, plus relative spans for command lines: "90m", "36h", "7d"
 * before now, and epoch seconds "@1700000000". */
int64_t ts_parse_user(const char *s);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (25 bytes with the NUL). */
void ts_format(int64_t ms, char out[25]);

/* input.c: the operands every filter takes: none or "-" is stdin. */
struct operands {
	char **v;
	int n;
	bool owned;
};
/* argv after getopt; with no operands, one "-". */
void operands_init(struct operands *o, int argc, char **argv);
/* Append the paths in file (--files-from: one per line, or NUL-separated;
 * "-" is stdin), read with names_* below, so each name is bounded, and at
 * most 256 MiB of names in all.  0; 1 when the list held no names; -1 when
 * it could not be read or is no list of files (/dev/zero, a directory, an
 * endless name, too many names): nothing is appended then.  Each case is
 * reported. */
int operands_from_file(struct operands *o, const char *file);
/* A list of file names read in bounded pieces: one a line, or
 * NUL-separated when a NUL comes within the first PATH_MAX bytes.  Blank
 * entries and a CR before the newline are dropped; a name longer than
 * PATH_MAX - 1 bytes, or one holding a NUL, is reported as file:entry and
 * skipped; 4096 empty entries in a row (/dev/zero) end the list with a
 * message.  Those count in diag_errors. */
struct namelist {
	const char *file, *name;  /* as given; "(stdin)" for "-" */
	int fd;
	char *buf;
	size_t beg, end, cap;
	int sep;                  /* '\n' or 0 */
	uint64_t entry;           /* the entry last read, from 1 */
	uint64_t names;           /* names returned */
	bool eof, failed;         /* failed: a read error (reported) */
};
/* Open the list; a directory or a file that cannot be opened or read is
 * reported and gives -1. */
int names_open(struct namelist *l, const char *file);
int names_fill(struct namelist *l);
/* The next name, NUL-terminated, valid until the next call: 1, or 0 at
 * the end of the list. */
int names_next(struct namelist *l, char **name);
void names_close(struct namelist *l);
void operands_free(struct operands *o);

/* a + b, stopping at the int64 limits instead of wrapping: weights are
 * sums of what hostile input may say */
static inline int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
}

/* a[0..n) == b[0..n) for n < 64, by word loads that overlap within both
 * (the library's memcmp is a call for most lengths) */
static inline __attribute__((always_inline)) bool mem_eq_short(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		uint64_t x = 0, u, v;
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&u, a + i, 8);
			memcpy(&v, b + i, 8);
			x |= u ^ v;
		}
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return !(x | (u ^ v));
	}
	if (n >= 4) {
		uint32_t u, v, y, z;
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		memcpy(&y, a + n - 4, 4);
		memcpy(&z, b + n - 4, 4);
		return u == v && y == z;
	}
	return !n || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* p[0..n) == lit[0..n) for a constant n: up to 16 bytes in two loads */
static inline __attribute__((always_inline)) bool mem_eq_n(const char *p, const char *lit, size_t n)
{
	return n > 16 ? !memcmp(p, lit, n) : mem_eq_short(p, lit, n);
}

/* qsort(3) that is given no NULL base: qsort(NULL, 0, ...) is undefined
 * behaviour (the pointer must be valid even for no elements), and empty
 * arrays are often still NULL. */
void sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* number parsing with range checks, for options */
bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out);
bool parse_f64(const char *s, double lo, double hi, double *out);
#endif
