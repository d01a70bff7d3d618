/* SPDX-License-Identifier: MIT */
/* sqlitedb.c: agents' SQLite histories, opened read-only and, when no
 * write-ahead log is beside them, immutable (sqlitedb.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sessions.h"
#include "sqlitedb.h"
#include "util.h"

bool sdb_magic(const char *p, size_t n)
{
	return n >= 16 && !memcmp(p, "SQLite format 3", 16);
}

/* "file:" URI of path: '%', '?' and '#' escaped, a relative path kept
 * relative. */
static char *uri_of(const char *path, bool immutable)
{
	struct sbuf b = {0};
	sb_adds(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			sb_printf(&b, "%%%02X", (unsigned char)*p);
		else
			sb_addc(&b, *p);
	}
	sb_adds(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	return b.p;
}

static bool has_wal(const char *path)
{
	struct stat st;
	size_t n = strlen(path);
	char *w = xmalloc(n + 5);
	memcpy(w, path, n);
	memcpy(w + n, "-wal", 5);
	bool r = !stat(w, &st) && st.st_size > 0;
	free(w);
	return r;
}

static int try_open(struct sdb *s, const char *path, bool immutable)
{
	char *uri = uri_of(path, immutable);
	/* NOMUTEX: a connection is used by one thread at a time (each file
	 * opens its own), so it needs no lock of its own; SQLite's serialized
	 * default took two around each call, a tenth of the instructions of
	 * reading a database's rows */
	int rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc == SQLITE_OK) {
		/* a writer holding the database: wait a moment, then say so */
		sqlite3_busy_timeout(s->db, 2000);
		/* the first read finds out whether it is a database at all */
		rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK && s->db) {
		sqlite3_close(s->db);
		s->db = NULL;
	}
	return rc;
}

static const char *why_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB: return "not a SQLite database (or an encrypted one)";
	case SQLITE_CORRUPT: return "a malformed SQLite database";
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return "the SQLite database is locked by its writer";
	case SQLITE_CANTOPEN: return "cannot open the SQLite database";
	case SQLITE_NOMEM: return "out of memory opening the SQLite database";
	default: return sqlite3_errstr(rc);
	}
}

int sdb_open(struct sdb *s, const char *path, const char **why)
{
	memset(s, 0, sizeof *s);
	s->name = path;
	struct stat st;
	if (stat(path, &st)) {
		*why = strerror(errno);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
		return -1;
	}
	int rc;
	if (has_wal(path)) {
		rc = try_open(s, path, false);
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOTADB && (rc & 0xff) != SQLITE_CORRUPT) {
			rc = try_open(s, path, true);
			s->nowal = rc == SQLITE_OK;
		}
	} else {
		rc = try_open(s, path, true);
	}
	if (rc != SQLITE_OK) {
		*why = why_of(rc);
		return -1;
	}
	return 0;
}

void sdb_close(struct sdb *s)
{
	if (s->db)
		sqlite3_close(s->db);
	s->db = NULL;
}

static void report(struct sdb *s, int rc)
{
	if (s->failed)
		return;
	s->failed = true;
	diag_at(s->name, 0, "%s (SQLite: %s)", why_of(rc), sqlite3_errmsg(s->db));
	diag_errors++;
}

sqlite3_stmt *sdb_prepare(struct sdb *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		report(s, rc);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* The plan of sql: does a step of it say want (NULL: anything), and
 * none of them sort? */
static bool plan(struct sdb *s, const char *sql, const char *want)
{
	struct sbuf q = {0};
	sb_adds(&q, "EXPLAIN QUERY PLAN ");
	sb_adds(&q, sql);
	sqlite3_stmt *st = NULL;
	bool sorts = true, found = !want;
	if (sqlite3_prepare_v2(s->db, q.p, -1, &st, NULL) == SQLITE_OK) {
		sorts = false;
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 3);
			if (t && strstr(t, "TEMP B-TREE"))
				sorts = true;
			if (t && want && strstr(t, want))
				found = true;
		}
		if (rc != SQLITE_DONE)
			sorts = true;
	}
	sqlite3_finalize(st);
	sb_free(&q);
	return found && !sorts;
}

bool sdb_sorts(struct sdb *s, const char *sql)
{
	return !plan(s, sql, NULL);
}

bool sdb_plan_uses(struct sdb *s, const char *sql, const char *want)
{
	return plan(s, sql, want);
}

bool sdb_row(struct sdb *s, sqlite3_stmt *st)
{
	if (!st)
		return false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		report(s, rc);
	return false;
}

/* (sqlite3_column_text is NULL for a NULL: no sqlite3_column_type
 * before it, a call into SQLite less for each column of each row) */
const char *sdb_text(sqlite3_stmt *st, int i, size_t *n)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	if (n)
		*n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	return t;
}

static int64_t int_of(sqlite3_stmt *st, int i, int t, int64_t dflt)
{
	if (t == SQLITE_INTEGER)
		return sqlite3_column_int64(st, i);
	if (t == SQLITE_FLOAT)
		return (int64_t)sqlite3_column_double(st, i);
	return dflt;
}

int64_t sdb_int(sqlite3_stmt *st, int i, int64_t dflt)
{
	return int_of(st, i, sqlite3_column_type(st, i), dflt);
}

int64_t sdb_time(sqlite3_stmt *st, int i)
{
	int t = sqlite3_column_type(st, i);
	if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
		int64_t v = int_of(st, i, t, 0);
		if (v <= 0)
			return TS_NONE;
		return v < INT64_C(100000000000) ? v * 1000 : v;
	}
	size_t n;
	const char *s = sdb_text(st, i, &n);
	if (!s || !n)
		return TS_NONE;
	/* SQLite's CURRENT_TIMESTAMP is UTC without a zone */
	char buf[64];
	if (n < sizeof buf - 1 && n == 19 && s[4] == '-' && s[10] == ' ') {
		memcpy(buf, s, n);
		buf[n] = 'Z';
		return ts_parse(buf, n + 1);
	}
	return ts_parse(s, n);
}

bool sdb_has(struct sdb *s, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	const char *sql = column ?
		"SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2" :
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return false;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (column)
		sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	bool r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return r;
}

const char *sdb_tables(const char *path)
{
	static char *last, *tables;
	if (last && !strcmp(last, path))
		return tables;
	free(last);
	free(tables);
	last = xstrdup(path);
	struct sbuf b = {0};
	struct sdb s;
	const char *why;
	if (!sdb_open(&s, path, &why)) {
		sb_adds(&b, "");
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(s.db, "SELECT name FROM sqlite_master WHERE type = 'table' "
		    "ORDER BY name", -1, &st, NULL) == SQLITE_OK) {
			sb_addc(&b, ' ');
			while (sqlite3_step(st) == SQLITE_ROW) {
				const char *t = (const char *)sqlite3_column_text(st, 0);
				if (t && !strchr(t, ' ')) {
					sb_adds(&b, t);
					sb_addc(&b, ' ');
				}
			}
		}
		sqlite3_finalize(st);
		sdb_close(&s);
	}
	tables = b.p;
	return tables;
}

char *agent_path_split(const char *path, const char **id)
{
	const char *h = strrchr(path, '#');
	struct stat st;
	if (!h || !h[1] || h == path || !stat(path, &st))
		return NULL;
	char *file = xstrndup(path, (size_t)(h - path));
	if (stat(file, &st) || S_ISDIR(st.st_mode)) {
		free(file);
		return NULL;
	}
	*id = h + 1;
	return file;
}

void sdb_each_session(struct sdb *s, sqlite3_stmt *st, const char *only,
	void (*fn)(void *arg, sqlite3_stmt *st), void *arg)
{
	if (!st)
		return;
	if (only)
		sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
	bool any = false;
	while (sdb_row(s, st)) {
		any = true;
		fn(arg, st);
	}
	if (!any && only && !s->failed) {
		diag_at(s->name, 0, "no session %s in the database", only);
		diag_errors++;
	}
}

struct session_meta *sdb_list_add(struct sdb_list *l, const char *id)
{
	struct session_meta *m = l->p->m;
	if (l->last) {
		m = xcalloc(1, sizeof *m);
		m->agent = l->p->m->agent;
		l->last->next = m;
	}
	l->last = m;
	m->first = m->last = TS_NONE;
	m->bytes = 0;
	m->id = xstrdup(id);
	struct sbuf name = {0};
	sb_printf(&name, "%s#%s", l->p->path, id);
	m->name = name.p;
	return m;
}

void sdb_list_str(char **dst, const char *s)
{
	if (s && *s && !*dst)
		*dst = xstrdup(s);
}

void sdb_list_time(struct session_meta *m, int64_t t)
{
	if (t == TS_NONE)
		return;
	if (m->first == TS_NONE || t < m->first)
		m->first = t;
	if (m->last == TS_NONE || t > m->last)
		m->last = t;
}

int sdb_list_end(struct sdb_list *l, struct sdb *s, sqlite3_stmt *st, const char **why)
{
	bool failed = s->failed;
	sqlite3_finalize(st);
	sdb_close(s);
	if (failed) {
		*why = "cannot read its sessions (said above)";
		return -1;
	}
	if (!l->last) {
		*why = "no sessions in the database";
		return -1;
	}
	return 0;
}

void sdb_data_dirs(struct history *h, const char *home, const char *name,
	void (*fn)(struct history *h, const char *dir))
{
	const char *xdg = getenv("XDG_DATA_HOME");
	char *d;
	if (xdg && *xdg == '/') {
		d = path_join(xdg, name);
		fn(h, d);
		free(d);
	}
	char *share = path_join(home, ".local/share");
	d = path_join(share, name);
	fn(h, d);
	free(d);
	free(share);
}
