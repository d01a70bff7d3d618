/* SPDX-License-Identifier: MIT */
/* lineio.h: reading NDJSON and folded input a line at a time, in bounded
 * memory, with diagnostics that name the file and line. */
#ifndef AP_LINEIO_H
#define AP_LINEIO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LR_MAXLINE_DEFAULT ((size_t)256 << 20)   /* 256 MiB */
/* A line still going after LR_GIVEUP times the limit ends the input: it
 * has no end in sight (/dev/zero) and skipping it would never finish. */
#define LR_GIVEUP 4
#define LR_NWARN 12

struct lreader {
	const char *name;     /* as given, "-" shown as "(stdin)" */
	int fd;
	char *buf;
	size_t cap, beg, end;
	uint64_t lineno;      /* the line last returned, counting from 1 */
	uint64_t offset;      /* byte offset of that line */
	uint64_t bytes;       /* bytes read so far */
	size_t maxline;       /* longer lines are skipped with a diagnostic */
	int64_t size;         /* a regular file read from its start: its size
	                       * when opened (a read that ends there is the
	                       * last), else -1 */
	const char *map;      /* lr_map: the file's pages, read-only */
	size_t mpos, msize, mstart, mfreed;
	bool eof;
	bool partial;         /* the line last returned had no newline */
	bool failed;          /* a read error ended the file */
	/* Repeated diagnostics: the first of each message is printed, the rest
	 * counted and summed up by lr_close(). */
	struct { const char *key; uint64_t first, count; char msg[160]; } warn[LR_NWARN];
	unsigned long nwarn;  /* all diagnostics given for this file */
	bool quiet;           /* a first pass: nothing said, nothing counted */
};

/* Open path ("-" is standard input).  On failure print a diagnostic and
 * return -1. */
int lr_open(struct lreader *r, const char *path);
void lr_fdopen(struct lreader *r, int fd, const char *name);
/* Read the regular file open as fd from its start (its offset must be 0),
 * of size bytes when it was stat'ed: no fstat, and no read to see the end
 * when one reaches that size.  The reader closes fd. */
void lr_open_file(struct lreader *r, int fd, const char *name, int64_t size);
/* Read a copy of the bytes p[0..n) as if they were a file called name
 * (no descriptor: lr_map declines it).  For tests and fuzz targets. */
void lr_open_mem(struct lreader *r, const void *p, size_t n, const char *name);
/* The next line, without its newline and NUL-terminated (it may contain
 * NULs too): 1 when there is one, 0 at the end.  Blank lines are returned
 * as well; callers skip them.  Over-long lines (over maxline bytes, mapped
 * or read) are reported and skipped; one that runs on past LR_GIVEUP times
 * the limit is reported and ends the input. */
int lr_next(struct lreader *r, char **line, size_t *len);
/* Read a regular file through a read-only mapping instead of read(2):
 * lines then point into the file's pages and stay valid until lr_close;
 * they are not NUL-terminated and must not be written.  The byte after a
 * complete line (r->partial false) is its newline, or the carriage return
 * of a CRLF.  1 when mapped; 0 when the input is not a regular file, or is
 * empty, and reading goes on with read(2).  A file that shrinks while
 * mapped ends the program with a diagnostic and status 2.  Not together
 * with lr_slurp. */
int lr_map(struct lreader *r);
/* r, which has returned no line yet, goes on over m's mapping of the
 * same file (lr_map'ed from its start, no line read from it): when the
 * bytes r has read so far are the mapping's first and the byte after the
 * last line is readable (the file ends with a newline, or not on a page's
 * end), 1, and the mapping is r's (lines as lr_map gives them, m keeps no
 * mapping); else 0 and nothing changes.  For a reader that read the file
 * once already through m. */
int lr_adopt_map(struct lreader *r, struct lreader *m);
/* Give back the mapped pages wholly before p (lines before p are done). */
void lr_unmap_before(struct lreader *r, const char *p);
/* A second pass over the mapping: lr_unmap_before gives back the pages
 * read again, from the mapping's start. */
static inline void lr_unmap_rewind(struct lreader *r)
{
	r->mfreed = 0;
}
/* The whole lines already at hand after the line last returned, for a
 * reader that splits them itself: *p and their length, up to and
 * including the last of their newlines, each line at most maxline bytes;
 * 0 when no whole line is at hand (lr_next then reads more, or says why
 * there is none).  Nothing is read and nothing consumed; the bytes stay
 * valid until the next call on r, and are not NUL-terminated. */
size_t lr_lines(struct lreader *r, const char **p);
/* Consume the first n bytes of lr_lines' answer, which end with a
 * newline and hold k lines: the last of them is the line last returned
 * (lineno, offset) as if lr_next had returned each. */
void lr_skip(struct lreader *r, size_t n, uint64_t k);
/* lr_next without the lines that hold only blanks. */
int lr_next_nonblank(struct lreader *r, char **line, size_t *len);
/* A line of spaces, tabs and carriage returns only: what lr_next_nonblank
 * and agent-tag's pipe reader pass over. */
static inline bool lr_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}
/* Up to n bytes ahead of the next line without consuming them. */
size_t lr_peek(struct lreader *r, size_t n, const char **p);
/* The rest of the input in one piece (at most max bytes, else -1 with a
 * diagnostic); the memory belongs to the reader. */
int lr_slurp(struct lreader *r, size_t max, char **p, size_t *len);
/* The rest of the input in one piece, as lr_slurp gives it, for a reader
 * of whole documents.  A regular file read from its start is mapped (m,
 * through a second descriptor), not copied: a document is often
 * megabytes, and reading it into the heap costs more than parsing it (the
 * copy and the faults of a buffer as large as the file).  The mapping is
 * taken only when it holds the very bytes r has already seen, and not
 * when the file ends on a page's end (the byte after the text must be
 * readable); else, as for a pipe, the text is read with lr_slurp, which
 * also says when it is too large.  0, or -1 when there is no text; when
 * m->map is set, lr_close(m) when done with the text. */
int lr_doc(struct lreader *r, struct lreader *m, size_t max, const char **p, size_t *n);
/* "prog: file:line: message" for the current line.  key identifies the kind
 * of problem: repeats of one key print once and are counted.  Counts as bad
 * input (diag_errors) unless it is a note (lr_note). */
void lr_warn(struct lreader *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lr_note(struct lreader *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The warning for a line over the limit: skipped bytes long, or still going
 * past LR_GIVEUP times the limit (gave_up: the rest of the input is not
 * read).  For readers of their own that keep lr_next's messages. */
void lr_warn_toolong(struct lreader *r, uint64_t skipped, bool gave_up);
/* Print the counts of repeated diagnostics and release the reader. */
void lr_close(struct lreader *r);
#endif
