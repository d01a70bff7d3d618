/* SPDX-License-Identifier: MIT */
/* agent-events: session files in, agent-event(5) NDJSON out. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "agents/events.h"
#include "cli.h"

static const char usage[] =
	"usage: agent-events [--agent agent] [--files-from file] [--jobs n]\n"
	"                    [--select program] [--since time] [--until time]\n"
	"                    [--no-text] [file ...]\n"
	"       agent-events --detect [file ...]\n"
	"       agent-events -h | -V\n";

/* The agents' names come from agent_list (make_help). */
static const char help_fmt[] =
	"Read agent session files and write agent-event(5) records.\n"
	"\n"
	"  -a, --agent AGENT         read every file as %s\n"
	"  -f, --files-from FILE     the session files' paths, one a line or\n"
	"                            NUL-separated (- is standard input)\n"
	"  -j, --jobs N              read with N threads (default: the online\n"
	"                            CPUs); the output is the same for any N\n"
	"  -s, --select PROGRAM      keep the records a jq PROGRAM selects\n"
	"      --since TIME          only records at or after TIME\n"
	"      --until TIME          only records before TIME\n"
	"      --no-text             leave the prompt and response text out\n"
	"      --detect              print each file's agent (name, title, path)\n"
	"                            and exit\n"
	"  -h, --help                print this help and exit\n"
	"  -V, --version             print the version and exit\n";

static struct cli cli = {usage, NULL};

static void make_help(void)
{
	struct sbuf h = {0};
	sb_printf(&h, help_fmt, agent_names(", ", " or "));
	cli.help = h.p;
}

/* --- the order files are read in ------------------------------------------
 *
 * Records are attributed as they stream, so the files of one session
 * group are read together: the session's own file, then its resume
 * copies and subagent transcripts, oldest first.  Groups go oldest first.
 * A file's group and age come from its head (AGENT_SNIFF_SIZE), not its
 * place in the arguments, so any order of the same files gives the same
 * output. */
struct infile {
	const char *path;
	char *group;            /* the parent session's id, or the path */
	int64_t ts, gts;        /* the file's first time, its group's oldest */
	int sub;                /* 0 the session's own file, 1 a subagent's */
	int pos;                /* place among the operands */
	bool scanned;           /* a regular file whose head was read */
	int64_t size;           /* its size then */
	int fd;                 /* the file, open since its head was read, or
	                         * -1: its turn opens it by name */
	/* the agent its head's read sniffed, kept for its turn when the file
	 * had not changed for some time then (head_kept) */
	const struct agent *agent;
	bool kept;
	struct timespec ctim;   /* its change time before the head was read */
};

/* --- a file's head: the session it names and its first time ---------------
 *
 * A file's group and time keys are its agent's (struct agent), sniffed as
 * its turn will sniff it; those of a file no agent knows are every
 * agent's.  Each set is looked for in one pass over the head, each key
 * once: the distinct keys, in agent order. */
struct hkey {
	const char *k;
	size_t n;
	bool time;              /* a time key */
	int group;              /* its rank among the group keys (head_group
	                         * takes the first found), or -1 */
};
#define HKEYS_MAX 32
struct hkeys {
	struct hkey k[HKEYS_MAX];
	int n;
	size_t max;             /* the longest */
};
static struct hkeys keys_all;   /* every agent's, for a file of none */
static struct hkeys *keys_of;   /* each agent's, by agent_index */

static void hkey_add(struct hkeys *s, const char *k, bool time)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->k[i].k, k)) {
			s->k[i].time |= time;
			return;
		}
	if (s->n == HKEYS_MAX)
		die(2, "more than %d group and time keys", HKEYS_MAX);     /* a programming error */
	s->k[s->n++] = (struct hkey){k, strlen(k), time, -1};
	if (s->k[s->n - 1].n > s->max)
		s->max = s->k[s->n - 1].n;
}

/* The keys of the agents a[0..n): their time keys and group keys, the
 * group keys ranked agents in turn, each one's keys in turn. */
static void hkeys_set(struct hkeys *s, const struct agent *const *a, int n)
{
	int rank = 0;
	for (int i = 0; i < n; i++) {
		for (const char *const *k = a[i]->time_keys; k && *k; k++)
			hkey_add(s, *k, true);
		for (const char *const *k = a[i]->group_keys; k && *k; k++)
			hkey_add(s, *k, false);
	}
	for (int i = 0; i < n; i++)
		for (const char *const *k = a[i]->group_keys; k && *k; k++)
			for (int j = 0; j < s->n; j++)
				if (!strcmp(s->k[j].k, *k) && s->k[j].group < 0)
					s->k[j].group = rank++;
}

static void hkeys_init(void)
{
	int n = 0;
	while (agent_list[n])
		n++;
	hkeys_set(&keys_all, agent_list, n);
	keys_of = xcalloc((size_t)n, sizeof *keys_of);
	for (int i = 0; i < n; i++)
		hkeys_set(&keys_of[i], agent_list + i, 1);
}

/* What the head holds under each key: its first "key": "string" (a value
 * of 1 to 200 bytes, no escapes), and for a time key its first "key":
 * NUMBER of 13 digits (milliseconds since the epoch) or 10 (seconds), as
 * some agents write times. */
struct hhit {
	const char *v;
	size_t vn;
	int64_t ms;             /* TS_NONE until found */
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The key k matched at p (p[-1] is a quote) in the head ending at e.
 * When more of the head may follow (!last), false where the end cut
 * what it looked at, and nothing is taken from it: the bytes after might
 * tell otherwise.  (No quote follows such a cut, so no match after it in
 * the same bytes was taken either.) */
static bool head_hit(const struct hkey *k, struct hhit *hit, const char *p, const char *e, bool last)
{
	const char *q = p + k->n;
	if (q >= e)
		return false;
	if (*q != '"')
		return true;
	if (k->time && hit->ms == TS_NONE) {
		const char *r = q + 1;
		while (r < e && (*r == ' ' || *r == '\n' || *r == '\r' || *r == '\t' || *r == ':'))
			r++;
		int64_t v = 0;
		int d = 0;
		while (r < e && *r >= '0' && *r <= '9' && d < 14)
			v = v * 10 + (*r++ - '0'), d++;
		if (r >= e && !last)
			return false;
		if (d == 13 || d == 10)
			hit->ms = d == 10 ? v * 1000 : v;
	}
	if (hit->v)
		return true;
	for (q++; q < e && is_ws(*q); q++)
		;
	if (q >= e)
		return false;
	if (*q != ':')
		return true;
	for (q++; q < e && is_ws(*q); q++)
		;
	if (q >= e)
		return false;
	if (*q != '"')
		return true;
	const char *v = ++q;
	while (q < e && *q != '"' && *q != '\\' && q - v < 200)
		q++;
	if (q >= e)
		return false;
	if (*q == '"' && q > v) {
		hit->v = v;
		hit->vn = (size_t)(q - v);
	}
	return true;
}

/* One head's scan, resumed when more of the head is read: each key is
 * looked for until its string is found. */
struct hscan {
	const struct hkeys *keys;
	struct hhit *hit;
	int want[HKEYS_MAX], left;
	size_t next;            /* where the next key may start */
	unsigned char first[256];       /* first bytes of the keys wanted */
	/* their first two bytes, for head_quotes32's test: nset pairs, up to
	 * HSET (the last repeated in the places after), or more (or a key
	 * of one byte: HSET + 1) */
#define HSET 4
	unsigned char set[HSET][2];
	int nset;
};

static void hscan_first(struct hscan *sc)
{
	memset(sc->first, 0, sizeof sc->first);
	sc->nset = 0;
	for (int w = 0; w < sc->left; w++) {
		const struct hkey *k = &sc->keys->k[sc->want[w]];
		sc->first[(unsigned char)k->k[0]] = 1;
		if (k->n < 2) {
			sc->nset = HSET + 1;
			continue;
		}
		int i = 0;
		while (i < sc->nset && i < HSET &&
		    (sc->set[i][0] != (unsigned char)k->k[0] || sc->set[i][1] != (unsigned char)k->k[1]))
			i++;
		if (i < sc->nset)
			continue;       /* a pair there already (or too many to tell) */
		if (sc->nset < HSET) {
			sc->set[sc->nset][0] = (unsigned char)k->k[0];
			sc->set[sc->nset][1] = (unsigned char)k->k[1];
		}
		sc->nset++;
	}
	for (int i = sc->nset; i < HSET; i++) {
		sc->set[i][0] = sc->nset ? sc->set[sc->nset - 1][0] : '"';
		sc->set[i][1] = sc->nset ? sc->set[sc->nset - 1][1] : '"';
	}
}

static void hscan_init(struct hscan *sc, const struct hkeys *keys, struct hhit *hit)
{
	sc->keys = keys;
	sc->hit = hit;
	sc->left = keys->n;
	for (int i = 0; i < keys->n; i++) {
		hit[i] = (struct hhit){NULL, 0, TS_NONE};
		sc->want[i] = i;
	}
	sc->next = 1;
	hscan_first(sc);
}

/* Try the candidate key start p against the keys wanted (the caller
 * saw p[-1] is a quote); *again: where the next scan starts over. */
static void head_try(struct hscan *sc, const char *h, const char *p, const char *e, bool last,
	size_t *again)
{
	const struct hkey *keys = sc->keys->k;
	for (int w = 0; w < sc->left; w++) {
		int k = sc->want[w];
		if (*p != keys[k].k[0])
			continue;
		if ((size_t)(e - p) <= keys[k].n) {
			if ((size_t)(p - h) < *again)
				*again = (size_t)(p - h);
			continue;
		}
		/* head_hit takes nothing from a key not closed by a quote */
		if (p[keys[k].n] != '"' || memcmp(p, keys[k].k, keys[k].n))
			continue;
		if (!head_hit(&keys[k], &sc->hit[k], p, e, last) && (size_t)(p - h) < *again)
			*again = (size_t)(p - h);
		if (sc->hit[k].v) {
			sc->want[w] = sc->want[--sc->left];
			/* head_group takes this key's string before that of
			 * any group key after it: those that are no time key
			 * need not be found */
			if (keys[k].group >= 0)
				for (int x = 0; x < sc->left; x++) {
					const struct hkey *o = &keys[sc->want[x]];
					if (!o->time && o->group > keys[k].group)
						sc->want[x--] = sc->want[--sc->left];
				}
			hscan_first(sc);
			return;
		}
	}
}

#if defined(JSCAN_SSE2) && (defined(__x86_64__) || defined(__i386__))
#define HEAD_AVX2 1
#include <immintrin.h>
/* head_scan's first steps with AVX2: 32 places a step, a quote at q
 * with the two bytes after it the first two of a key wanted (up to HSET
 * pairs, each compared), so that only those quotes are looked at (some
 * agents' heads have a quote every ten bytes or so, and a "c" or "s"
 * after many).  The quotes are those the steps after would take, in the same
 * order, less some that can start no key wanted (head_try finds none
 * there); where it stops (a key wanted might not fit, or more pairs
 * than HSET) they go on.  The byte after each quote found is looked up in first[]
 * again: a key found in the step may have left the set. */
static __attribute__((target("avx2"))) size_t head_quotes32(struct hscan *sc, const char *h,
	size_t n, bool last, size_t q, size_t *again)
{
	const char *e = h + n;
	const __m256i quote = _mm256_set1_epi8('"');
	/* the quotes it passes over are never so near the end that a key
	 * wanted would not fit (head_try's *again) */
	size_t stop = sc->keys->max + 34;
	while (sc->left && sc->nset <= HSET && q + stop <= n) {
		int left = sc->left;
#define PAIR(i) _mm256_set1_epi8((char)sc->set[i][0]), _mm256_set1_epi8((char)sc->set[i][1])
		const __m256i f0[2] = {PAIR(0)}, f1[2] = {PAIR(1)}, f2[2] = {PAIR(2)}, f3[2] = {PAIR(3)};
#undef PAIR
		while (q + stop <= n) {
			__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(h + q));
			__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(h + q + 1));
			__m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(h + q + 2));
#define HAS(i) _mm256_and_si256(_mm256_cmpeq_epi8(b, f##i[0]), _mm256_cmpeq_epi8(c, f##i[1]))
			__m256i k = _mm256_or_si256(_mm256_or_si256(HAS(0), HAS(1)),
				_mm256_or_si256(HAS(2), HAS(3)));
#undef HAS
			unsigned bits = (unsigned)_mm256_movemask_epi8(
				_mm256_and_si256(_mm256_cmpeq_epi8(a, quote), k));
			size_t at = q;
			q += 32;
			for (; bits && sc->left; bits &= bits - 1) {
				size_t i = at + (size_t)__builtin_ctz(bits) + 1;
				if (sc->first[(unsigned char)h[i]])
					head_try(sc, h, h + i, e, last, again);
			}
			if (sc->left != left)
				break;  /* a key found: the set again */
		}
	}
	return q;
}
#endif

/* Scan h[sc->next..n), the whole head when last; true when each key
 * has its string.  Where the end cut a match, the next call starts
 * again.  A key starts after a quote: the quotes are found 32 bytes a
 * step where SSE2 is, and the byte after each is looked up among the
 * first bytes of the keys wanted (a head holds a quote every ten to
 * thirty bytes: fewer steps than testing every byte against every key
 * wanted); with AVX2, head_quotes32 takes the first steps.  (head_avx2:
 * tests set it false for the steps without.) */
static bool head_avx2 = true;

static bool head_scan(struct hscan *sc, const char *h, size_t n, bool last)
{
	const char *e = h + n;
	size_t again = n, q = sc->next - 1;     /* a quote at q, a key at q + 1 */
#ifdef HEAD_AVX2
	if (head_avx2 && __builtin_cpu_supports("avx2"))
		q = head_quotes32(sc, h, n, last, q, &again);
#else
	(void)head_avx2;
#endif
#ifdef JSCAN_SSE2
	const __m128i quote = _mm_set1_epi8('"');
	for (; sc->left && q + 32 <= n; q += 32) {
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(h + q)), quote)) |
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(h + q + 16)), quote)) << 16;
		for (; bits && sc->left; bits &= bits - 1) {
			size_t i = q + (size_t)__builtin_ctz(bits) + 1;
			if (i < n && sc->first[(unsigned char)h[i]])
				head_try(sc, h, h + i, e, last, &again);
		}
	}
#endif
	for (; sc->left && q + 1 < n; q++)
		if (h[q] == '"' && sc->first[(unsigned char)h[q + 1]])
			head_try(sc, h, h + q + 1, e, last, &again);
	sc->next = again ? again : 1;   /* an empty head: from its start */
	return !sc->left;
}

/* A file's head is read in steps, as far as its agent and its keys ask:
 * HEAD_FIRST bytes first (the sniffs of some formats decide from the
 * first lines, and most files name their session and first time in
 * their first line), the rest of the 64 KiB when the sniff or a key
 * wants more.  Reads are at offsets from 0, leaving the file where its
 * turn reads it from.  read_head reads p[*have..want); true when the head is whole:
 * AGENT_SNIFF_SIZE bytes, or the file's end (a read that reaches the
 * size the file had is the last). */
#define HEAD_FIRST ((size_t)4 << 10)

static bool read_head(int fd, char *p, size_t *have, size_t want, int64_t size)
{
	size_t n = *have;
	bool end = (int64_t)n >= size;  /* no byte past the size it had */
	while (n < want && !end) {
		ssize_t k = pread(fd, p + n, want - n, (off_t)n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			end = true;
		else if ((int64_t)(n += (size_t)k) == size)
			end = true;
	}
	*have = n;
	return end || n == AGENT_SNIFF_SIZE;
}

/* Make the descriptor table hold n more descriptors now, while the
 * process has one thread.  The kernel grows it by doubling as
 * descriptors are opened, and in a process of more than one thread each
 * growth first waits for an RCU grace period (milliseconds): the head
 * threads, keeping a descriptor a file, waited 5 times for 2,000 files,
 * 0.05 s in all (three times the heads' reading).  A descriptor duplicated
 * to the top and closed again grows it once; a table never shrinks. */
static void fds_grow(int n)
{
	if (n <= 64)
		return;         /* the table's first size */
	for (int fd = 0; fd < 3; fd++) {
		int top = fcntl(fd, F_DUPFD_CLOEXEC, n + 32);
		if (top >= 0) {
			close(top);
			return;
		}
		if (errno != EBADF)
			return;         /* over the limit: it grows as it goes */
	}
}

/* How many more files may stay open from their head's read to their
 * turn: as many as the limit on descriptors allows, less a quarter of it
 * (at least 256) for what else is opened, and no more than the files or
 * FDS_MAX (each open file holds some kernel memory, and its inode). */
#define FDS_MAX 16384
static int fds_left;

static void fds_init(int n)
{
	struct rlimit rl;
	rlim_t lim = 1024;
	if (!getrlimit(RLIMIT_NOFILE, &rl))
		lim = rl.rlim_cur;
	rlim_t keep = lim / 4 > 256 ? lim / 4 : 256;
	lim = lim > keep ? lim - keep : 0;
	if (lim > FDS_MAX)
		lim = FDS_MAX;
	fds_left = lim < (rlim_t)n ? (int)lim : n;
	fds_grow(fds_left);
}

/* The earliest time in the head under the time keys: a key's string
 * value when it has one, else its number. */
static int64_t head_ts(const struct hkeys *keys, const struct hhit *hit)
{
	int64_t best = TS_NONE;
	for (int k = 0; k < keys->n; k++) {
		if (!keys->k[k].time)
			continue;
		int64_t t = hit[k].v ? ts_parse(hit[k].v, strnlen(hit[k].v, hit[k].vn)) : hit[k].ms;
		if (t != TS_NONE && (best == TS_NONE || t < best))
			best = t;
	}
	return best;
}

/* The session the head names, under the first-ranked group key found. */
static char *head_group(const struct hkeys *keys, const struct hhit *hit)
{
	int best = -1;
	for (int k = 0; k < keys->n; k++)
		if (keys->k[k].group >= 0 && hit[k].v &&
		    (best < 0 || keys->k[k].group < keys->k[best].group))
			best = k;
	return best < 0 ? NULL : xstrndup(hit[best].v, hit[best].vn);
}

/* Is path named as a subagent's file by some agent?  *parent: the
 * parent session's id when the path names it. */
static int subagent(const char *path, char **parent)
{
	int sub = 0;
	for (const struct agent *const *a = agent_list; *a; a++) {
		char *p = NULL;
		if ((*a)->subagent && (*a)->subagent(path, &p)) {
			sub = 1;
			if (p && !*parent)
				*parent = p;
			else
				free(p);
		}
	}
	return sub;
}

static bool companion(const char *path);

static const struct agent *order_force;        /* --agent */

/* Is the agent a file's head was sniffed as still its agent at its turn?
 * When its head's bytes are the same, and they are when its change time
 * (which every write, truncation and change of times sets to the clock's
 * time, and which no call can set back) and size are.  But a write in
 * the same tick of the clock as the time seen leaves that time as it was
 * (the file systems keep times of a tick, up to seconds on some): the
 * agent is kept only for a file whose change time was at least
 * QUIET_SECS before the heads were read (as git trusts an index entry
 * only when it is older than the index: "racy git"), and a file written
 * to since is sniffed again.  (A network file system that caches a
 * file's attributes may show a change late, as it shows its bytes: a
 * file rewritten in place there, to the same size, while it waits for
 * its turn, may be read as what it was.) */
#define QUIET_SECS 2
static struct timespec order_start;
static long quiet_secs = QUIET_SECS;    /* AGENTPPROF_TEST_QUIET: the tests' */

static bool quiet_since(const struct timespec *c)
{
	return c->tv_sec + quiet_secs < order_start.tv_sec;
}

static bool head_kept(const struct infile *f)
{
	struct stat st;
	return f->kept && !fstat(f->fd, &st) && st.st_size == f->size &&
		st.st_ctim.tv_sec == f->ctim.tv_sec && st.st_ctim.tv_nsec == f->ctim.tv_nsec;
}

static void scan(struct infile *f, bool head, char *h)
{
	const char *path = f->path;
	struct stat st;
	char *parent = NULL;
	f->ts = TS_NONE;
	f->fd = -1;
	f->sub = subagent(path, &parent);
	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(parent);
		return;         /* stdin, a pipe: read once, where it stands */
	}
	f->scanned = true;
	f->size = (int64_t)st.st_size;
	f->group = parent;
	if (!head)
		return;         /* one file: no order to find */
	/* an unreadable file is reported when its turn comes */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat fs;
	bool quiet = !fstat(fd, &fs) && fs.st_ino == st.st_ino && fs.st_dev == st.st_dev &&
		fs.st_size == st.st_size && quiet_since(&fs.st_ctim);
	/* its agent, as its turn will sniff the same bytes: from the head's
	 * start when that tells (agent_sniff_part), else from all of it */
	size_t n = 0;
	bool whole = read_head(fd, h, &n, HEAD_FIRST, f->size);
	const struct agent *a = order_force;
	bool exact = false;     /* a's sniff is the one its turn would make */
	if (!a) {
		bool more = true;
		if (!whole)
			a = agent_sniff_part(h, n, path, &more);
		if (more) {
			if (!whole)
				whole = read_head(fd, h, &n, AGENT_SNIFF_SIZE, f->size);
			a = agent_sniff(h, n, path);
			exact = n == (f->size < (int64_t)AGENT_SNIFF_SIZE ? (size_t)f->size : AGENT_SNIFF_SIZE);
		} else {
			exact = true;
		}
	}
	/* its keys (every agent's for a file of none), read for until each
	 * has its answer or the head ends */
	const struct hkeys *keys = a ? &keys_of[agent_index(a)] : &keys_all;
	struct hhit hit[HKEYS_MAX];
	struct hscan sc;
	hscan_init(&sc, keys, hit);
	while (!head_scan(&sc, h, n, whole) && !whole)
		whole = read_head(fd, h, &n, AGENT_SNIFF_SIZE, f->size);
	/* kept for its turn, unless another file's reader reads it; its
	 * agent with it, when the sniff had all the head there was */
	if (!companion(path) && __atomic_sub_fetch(&fds_left, 1, __ATOMIC_RELAXED) >= 0) {
		f->fd = fd;
		if (quiet && exact) {
			f->kept = true;
			f->agent = a;
			f->ctim = fs.st_ctim;
		}
	} else {
		close(fd);
	}
	f->ts = head_ts(keys, hit);
	if (!f->group)
		f->group = head_group(keys, hit);
}

static int by_group(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;
	if (!x->group || !y->group)
		return x->group ? -1 : y->group ? 1 : x->pos - y->pos;
	int c = strcmp(x->group, y->group);
	return c ? c : x->pos - y->pos;
}

static int cmp_ts(int64_t a, int64_t b)
{
	if (a == b)
		return 0;
	if (a == TS_NONE || b == TS_NONE)
		return a == TS_NONE ? 1 : -1;
	return a < b ? -1 : 1;
}

static int by_order(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;
	if (!x->group || !y->group)
		return x->group ? -1 : y->group ? 1 : x->pos - y->pos;
	int c;
	if ((c = cmp_ts(x->gts, y->gts)) || (c = strcmp(x->group, y->group)))
		return c;
	if (x->sub != y->sub)
		return x->sub - y->sub;
	if ((c = cmp_ts(x->ts, y->ts)) || (c = strcmp(x->path, y->path)))
		return c;
	return x->pos - y->pos;
}

/* A file some agent reads with another (a subagent's metadata beside
 * its transcript) is not read on its own. */
static bool companion(const char *path)
{
	for (const struct agent *const *a = agent_list; *a; a++)
		if ((*a)->companion && (*a)->companion(path))
			return true;
	return false;
}

/* The heads of many files are read by jobs threads at once, each file's
 * into its own infile.  The sniffs keep what they parse per thread
 * (agent_sniff): a thread started for the heads, its work done, waits
 * for the end of the process, as the readers' do, its state still its
 * own (a thread that ended would leave it lost). */
static struct {
	struct infile *f;
	int n, next;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int done;               /* threads whose work is done */
} heads = {.lock = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *head_worker(void *arg)
{
	char *h = xmalloc(AGENT_SNIFF_SIZE);
	for (int i; (i = __atomic_fetch_add(&heads.next, 1, __ATOMIC_RELAXED)) < heads.n;)
		scan(&heads.f[i], true, h);
	free(h);
	if (!arg)
		return NULL;    /* the main thread's share */
	pthread_mutex_lock(&heads.lock);
	heads.done++;
	pthread_cond_broadcast(&heads.cv);
	for (;;)
		pthread_cond_wait(&heads.cv, &heads.lock);
}

static struct infile *order_files(int n, char **v, int jobs, const struct agent *force)
{
	order_force = force;
	clock_gettime(CLOCK_REALTIME, &order_start);
	static const char *once;
	const char *q = env_once("AGENTPPROF_TEST_QUIET", &once);
	if (q)
		quiet_secs = strtol(q, NULL, 10);
	struct infile *f = xcalloc((size_t)n + 1, sizeof *f);
	hkeys_init();
	fds_init(n);
	for (int i = 0; i < n; i++) {
		f[i].path = v[i];
		f[i].pos = i;
		f[i].fd = -1;
	}
	if (n < 2) {
		for (int i = 0; i < n; i++)
			scan(&f[i], false, NULL);    /* one file: no order to find */
	} else {
		heads.f = f;
		heads.n = n;
		heads.next = 0;
		if (jobs > n / 16)
			jobs = n / 16;  /* a thread is worth some files */
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		int started = 0;
		for (int t = 0; t < jobs - 1; t++) {
			pthread_t th;
			if (!pthread_create(&th, &at, head_worker, &heads))
				started++;
		}
		pthread_attr_destroy(&at);
		head_worker(NULL);
		pthread_mutex_lock(&heads.lock);
		while (heads.done < started)
			pthread_cond_wait(&heads.cv, &heads.lock);
		pthread_mutex_unlock(&heads.lock);
	}
	for (int i = 0; i < n; i++)
		if (f[i].scanned && !f[i].group)
			f[i].group = xstrdup(v[i]);
	qsort(f, (size_t)n, sizeof *f, by_group);
	for (int i = 0, j; i < n; i = j) {
		int64_t g = f[i].ts;
		for (j = i + 1; j < n && f[i].group && f[j].group && !strcmp(f[i].group, f[j].group); j++)
			if (cmp_ts(f[j].ts, g) < 0)
				g = f[j].ts;
		for (int k = i; k < j; k++)
			f[k].gts = g;
	}
	qsort(f, (size_t)n, sizeof *f, by_order);
	return f;
}

/* Read one file; false (and nothing read) when c reads ahead and the
 * file's agent cannot (its turn must come).  A file left open by its
 * head's read is read through that descriptor (then closed: a second
 * reading opens it by name). */
static bool one_file(struct ev_ctx *c, struct infile *f, const struct agent *force)
{
	struct lreader r;
	const char *path = f->path;
	char *file = NULL;
	const struct agent *sniffed = NULL;
	bool kept = false;
	if (f->fd >= 0) {
		if ((kept = head_kept(f)))
			sniffed = f->agent;
		lr_open_file(&r, f->fd, path, f->size);
		f->fd = -1;
	} else {
		/* FILE#ID: one session of a database (agent-sessions(1)); the
		 * file name lives until the reader is closed (it names its
		 * diagnostics) */
		const char *sid;
		file = agent_path_split(path, &sid);
		if (lr_open(&r, file ? file : path) < 0) {
			free(file);
			return true;
		}
	}
	const char *head;
	size_t n = lr_peek(&r, AGENT_SNIFF_SIZE, &head);
	const struct agent *a = force ? force : kept ? sniffed : agent_sniff(head, n, file ? file : path);
	if (c->spec && a && !a->parallel) {
		lr_close(&r);
		free(file);
		return false;
	}
	if (!n && r.failed) {
		/* the read error is said; a directory is no "unknown format" */
	} else if (!n && !strcmp(path, "-")) {
		diag_at(r.name, 0, "no input: standard input is empty; give session files as "
			"operands, or their list with --files-from "
			"(agent-sessions | agent-events --files-from -)");
		diag_errors++;
	} else if (!n) {
		diag_at(r.name, 0, "empty file");
		diag_errors++;
	} else if (!a) {
		diag_at(r.name, 0, "not a %s session (unknown format)", agent_titles());
		diag_errors++;
	} else {
		a->run(c, &r, path);
		ev_file_done(c);
	}
	lr_close(&r);
	free(file);
	out_maybe_flush();
	return true;
}

/* --- reading ahead with threads (-j) ----------------------------------------
 *
 * Output is written in the order above, and a file's records depend on
 * what the files before it left in the run's context (the calls and tool
 * ids seen, links, marks, the git host): reading in order is the
 * reference.  The main thread reads a file in order when its turn comes
 * and no worker took it; worker threads (one fewer than the jobs) read the
 * files after the one being written, and so does the main thread while
 * the one being written is a worker's (never more threads at work than
 * jobs: on two cores, a third contends with them), each with a context
 * of its own that journals what it looked for and did
 * not find, into a buffer of their own (records and messages).  When a
 * file's turn comes, the main thread checks the journal against the run's
 * context (ev_ctx_merge): when nothing the file looked for was there, its
 * reading in order would have been the same, and its buffer is written and
 * its tables merged; otherwise (a resumed session copying calls another
 * file had) it is read again, in order.  So the output is the same bytes
 * for any number of threads.  Memory stays bounded: files over PAR_MAX
 * are read in order, streaming, and workers hold at most AHEAD_MAX bytes
 * of files beyond the one being written per thread, or AHEAD_MIN, and at
 * most FILES_AHEAD files per thread.  A file's slot (its context and
 * buffers) is used again for a file after it. */
#define PAR_MAX ((int64_t)16 << 20)
#define AHEAD_MAX ((int64_t)4 << 20)
#define AHEAD_MIN ((int64_t)16 << 20)
#define FILES_AHEAD 32

struct slot {
	bool ahead;             /* read, pending its turn */
	struct ev_ctx c;
	struct sbuf out, msgs;
	struct diag_capture cap;
	unsigned long errors;
	struct slot *next;      /* in the pool */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct infile *files;
	struct slot **slots;    /* by file, once read until written */
	struct slot *pool;      /* slots written, to be used again */
	int n;
	int next;               /* the next file a worker may take */
	int turn;               /* the file being written */
	int64_t held;           /* bytes of the files taken and not written */
	int64_t ahead;          /* the most held */
	int files_ahead;        /* the most files taken past the turn */
	const struct ev_ctx *run;
	const struct agent *force;
} par = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static bool par_ok(const struct infile *f)
{
	return f->scanned && f->size <= PAR_MAX && !companion(f->path);
}

/* A slot for a file read ahead: one written before, with its tables and
 * buffers (their pages are in memory already: on virtual machines a page
 * faulted in costs as much as parsing tens of kilobytes), or a new one. */
static struct slot *slot_get(void)
{
	pthread_mutex_lock(&par.mu);
	struct slot *s = par.pool;
	if (s)
		par.pool = s->next;
	pthread_mutex_unlock(&par.mu);
	if (s) {
		ev_ctx_reset(&s->c);
		sb_reset(&s->out);
		sb_reset(&s->msgs);
		s->cap.n = 0;
	} else {
		s = xcalloc(1, sizeof *s);
		ev_ctx_init(&s->c);
	}
	s->ahead = false;
	s->errors = 0;
	return s;
}

/* Read file f ahead into a slot of its own: a worker does, and the main
 * thread while the file being written is a worker's.  The thread's
 * stdout_sb and diag_errors are its own again after. */
static struct slot *read_ahead(struct infile *f)
{
	struct slot *s = slot_get();
	struct sbuf out = stdout_sb;
	unsigned long errors = diag_errors;
	s->c.wflags = par.run->wflags;
	s->c.since = par.run->since;
	s->c.until = par.run->until;
	ev_ctx_spec(&s->c);
	s->cap.msgs = &s->msgs;
	diag_capture = &s->cap;
	diag_errors = 0;
	stdout_sb = s->out;
	s->ahead = one_file(&s->c, f, par.force);
	ev_ctx_spec(NULL);
	diag_capture = NULL;
	s->errors = diag_errors;
	s->out = stdout_sb;
	stdout_sb = out;
	diag_errors = errors;
	return s;
}

/* With par.mu held: the next file a thread may read ahead of turn,
 * claimed (-1 when none may be now); *none: no file is left to take. */
static int claim(bool *none)
{
	while (par.next < par.n && !par_ok(&par.files[par.next]))
		par.next++;
	*none = par.next >= par.n;
	if (*none)
		return -1;
	int i = par.next;
	const struct infile *f = &par.files[i];
	if (i > par.turn && ((par.held && par.held + f->size > par.ahead) ||
	    i - par.turn > par.files_ahead))
		return -1;
	par.next++;
	par.held += f->size;
	return i;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&par.mu);
	for (;;) {
		bool none;
		int i = claim(&none);
		if (i < 0) {
			/* no file to take now, or none left: then wait for the
			 * end of the process */
			pthread_cond_wait(&par.cv, &par.mu);
			continue;
		}
		pthread_mutex_unlock(&par.mu);
		struct slot *s = read_ahead(&par.files[i]);
		pthread_mutex_lock(&par.mu);
		par.slots[i] = s;       /* read */
		pthread_cond_broadcast(&par.cv);
	}
	return NULL;
}

/* --- the records of files read ahead, written as they are -------------------
 *
 * A slot's records are not copied into stdout_sb: its buffer is taken
 * whole into a queue (the slot gets an empty one), and the queue is
 * written with one writev once it holds as much as stdout_sb is written
 * at (out_maybe_flush).  Order: stdout_sb's records go into the queue
 * before a slot's, and the queue is written before the main thread
 * writes anything else, records or messages (before a file read in
 * order, a slot's replay with messages, and the end). */
#define OUTQ_BYTES ((size_t)1 << 18)
#define OUTQ_MAX 64

static struct {
	struct sbuf v[OUTQ_MAX];
	int n;
	size_t bytes;
	struct sbuf *spare;     /* written buffers, to be used again */
	int nspare;
} outq;

/* Move b's records into the queue; b gets an empty buffer. */
static void outq_take(struct sbuf *b)
{
	outq.v[outq.n++] = *b;
	outq.bytes += b->len;
	*b = outq.nspare ? outq.spare[--outq.nspare] : (struct sbuf){0};
}

static void outq_flush(void)
{
	struct iovec iov[OUTQ_MAX];
	int n = 0;
	for (int i = 0; i < outq.n; i++)
		if (outq.v[i].len)
			iov[n++] = (struct iovec){outq.v[i].p, outq.v[i].len};
	if (n)
		signal(SIGPIPE, SIG_IGN);       /* as out_flush */
	writev_all(1, iov, n);
	if (outq.n) {
		outq.spare = xrealloc(outq.spare, sizeof *outq.spare * (size_t)(outq.nspare + outq.n));
		for (int i = 0; i < outq.n; i++) {
			sb_reset(&outq.v[i]);
			outq.spare[outq.nspare++] = outq.v[i];
		}
	}
	outq.n = 0;
	outq.bytes = 0;
}

/* The records a slot read ahead, after those before it. */
static void replay(struct slot *s)
{
	if (s->cap.n) {
		outq_flush();
		diag_replay(&s->cap, s->out.p, s->out.len);
	} else if (s->out.len) {
		if (stdout_sb.len)
			outq_take(&stdout_sb);
		outq_take(&s->out);
		if (outq.bytes >= OUTQ_BYTES || outq.n > OUTQ_MAX - 2)
			outq_flush();
	}
	diag_errors += s->errors;
	out_maybe_flush();
}

/* Every file in order, read by jobs threads: the main thread reads the
 * file whose turn it is when no worker took it, in order, and reads ahead
 * too while it waits for a worker's. */
static void read_all(struct ev_ctx *c, struct infile *files, int n, const struct agent *force,
	int jobs)
{
	int ahead = 0;
	for (int i = 0; i < n; i++)
		ahead += par_ok(&files[i]);
	if (jobs > ahead)
		jobs = ahead;
	if (jobs < 2) {
		for (int i = 0; i < n; i++)
			if (!companion(files[i].path))
				one_file(c, &files[i], force);
		return;
	}

	agent_titles();         /* made once, before the threads use it */
	par.files = files;
	par.n = n;
	par.slots = xcalloc((size_t)n, sizeof *par.slots);
	par.run = c;
	par.force = force;
	par.ahead = AHEAD_MAX * jobs > AHEAD_MIN ? AHEAD_MAX * jobs : AHEAD_MIN;
	par.files_ahead = FILES_AHEAD * jobs;
	for (int t = 0; t < jobs - 1; t++) {
		pthread_t th;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &at, worker, NULL))
			die(2, "cannot start a thread: %s", strerror(errno));
		pthread_attr_destroy(&at);
	}
	for (int i = 0; i < n; i++) {
		bool par_file = par_ok(&files[i]), mine = !par_file;
		struct slot *s = NULL;
		if (par_file) {
			pthread_mutex_lock(&par.mu);
			for (;;) {
				if ((s = par.slots[i]))
					break;
				bool none;
				int k = claim(&none);
				if (k == i) {
					mine = true;    /* no worker took it: read it in order */
					break;
				}
				if (k < 0) {
					pthread_cond_wait(&par.cv, &par.mu);
					continue;
				}
				/* file i is a worker's: read one after it meanwhile */
				pthread_mutex_unlock(&par.mu);
				struct slot *a = read_ahead(&files[k]);
				pthread_mutex_lock(&par.mu);
				par.slots[k] = a;
			}
			pthread_mutex_unlock(&par.mu);
		}
		if (mine) {
			if (!companion(files[i].path)) {
				outq_flush();
				one_file(c, &files[i], force);
			}
		} else if (s->ahead && ev_ctx_merge(c, &s->c)) {
			replay(s);
		} else {
			outq_flush();
			one_file(c, &files[i], force);
		}
		pthread_mutex_lock(&par.mu);
		if (s) {
			s->next = par.pool;
			par.pool = s;
			par.slots[i] = NULL;
		}
		par.turn = i + 1;
		if (par_file)
			par.held -= files[i].size;
		pthread_cond_broadcast(&par.cv);
		pthread_mutex_unlock(&par.mu);
	}
	outq_flush();
	/* the workers wait for the end of the process */
	free(par.slots);
	par.slots = NULL;
}

/* --detect: the agent whose file it is, as agent-events would read it
 * (agent-tag and agent-stack ask this of input that holds no records). */
static void detect(const char *path, const struct agent *force)
{
	struct lreader r;
	if (lr_open(&r, path) < 0)
		return;
	const char *head;
	size_t n = lr_peek(&r, AGENT_SNIFF_SIZE, &head);
	const struct agent *a = force ? force : n ? agent_sniff(head, n, path) : NULL;
	sb_printf(&stdout_sb, "%s\t%s\t%s\n", a ? a->name : "-", a ? a->title : "-", r.name);
	if (!a)
		diag_errors++;
	lr_close(&r);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"agent", required_argument, NULL, 'a'},
		{"files-from", required_argument, NULL, 'f'},
		{"jobs", required_argument, NULL, 'j'},
		{"select", required_argument, NULL, 's'},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"no-text", no_argument, NULL, 'n'},
		{"detect", no_argument, NULL, 'D'},
		CLI_LONGOPTS
	};
	struct ev_ctx c;
	const struct agent *force = NULL;
	const char *files_from = NULL, *program = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ch, jobs = cpus > 0 ? (int)(cpus < 256 ? cpus : 256) : 1;
	bool detect_only = false;

	diag_init(argv[0]);
	make_help();
	ev_ctx_init(&c);
	while ((ch = getopt_long(argc, argv, "a:f:j:s:" CLI_SHORTOPTS, opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (!(force = agent_find(optarg, strlen(optarg))))
				die(2, "unknown agent '%s' (%s)", optarg, agent_names(", ", ", "));
			break;
		case 'f': files_from = optarg; break;
		case 'j': jobs = (int)cli_i64("--jobs", "a number of threads from 1 to 256", optarg, 1, 256); break;
		case 's': program = optarg; break;
		case 'S':
		case 'U': {
			int64_t t = ts_parse_user(optarg);
			if (t == TS_NONE)
				die(2, "--%s: not a time: %s", ch == 'S' ? "since" : "until", optarg);
			*(ch == 'S' ? &c.since : &c.until) = t;
			break;
		}
		case 'n': c.wflags |= EVW_NOTEXT; break;
		case 'D': detect_only = true; break;
		default: cli_default(&cli, ch);
		}
	}
	struct operands ops;
	if (files_from) {
		ops.v = argv + optind;
		ops.n = argc - optind;
		ops.owned = false;
		/* a list that is no list, or holds no names with nothing
		 * beside it, is a failure before any output */
		int rc = operands_from_file(&ops, files_from);
		if (rc > 0 && !ops.n)
			diag_warn("no session files to read: the list is empty; whatever wrote it "
				"found none (agent-sessions alone shows what it finds, and agent-"
				"sessions --help where it looks)");
		if (rc < 0 || (rc > 0 && !ops.n))
			return 2;
		if (rc > 0)
			diag_errors++;
	} else {
		operands_init(&ops, argc - optind, argv + optind);
	}
	if (detect_only) {
		for (int i = 0; i < ops.n; i++)
			detect(ops.v[i], force);
		out_flush();
		operands_free(&ops);
		return diag_errors ? 1 : 0;
	}
	if (program) {
		c.select = select_compile(program);
		c.select_match = select_match;
		jobs = 1;       /* libjq 1.6 is not thread-safe */
	}
	struct infile *files = order_files(ops.n, ops.v, jobs, force);
	read_all(&c, files, ops.n, force, jobs);
	for (int i = 0; i < ops.n; i++) {
		free(files[i].group);
		if (files[i].fd >= 0)
			close(files[i].fd);     /* none is left: read_all reads all */
	}
	free(files);
	out_flush();
	operands_free(&ops);
	select_free(c.select);
	ev_ctx_free(&c);
	effects_done();
	return diag_errors ? 1 : 0;
}
