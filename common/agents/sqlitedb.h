/* SPDX-License-Identifier: MIT */
/* sqlitedb.h: reading an agent's SQLite history (OpenCode, Goose) with
 * libsqlite3, without ever locking or changing it.
 *
 * A database is opened read-only.  With no write-ahead log beside it (no
 * non-empty FILE-wal) it is opened immutable as well (URI
 * "file:PATH?mode=ro&immutable=1"): SQLite then takes no lock at all and
 * reads no -shm.  With a log, immutable would leave out the newest rows (a
 * WAL database keeps them there until a checkpoint), so it is opened
 * "mode=ro" alone: a reader of a WAL database never blocks its writer and
 * a read-only connection never checkpoints or writes.  When that open
 * fails (a directory that is not writable and no -shm), the file is read
 * immutable and a note says the log's rows are left out.
 *
 * One database holds many sessions: agent-sessions names one of them
 * "FILE#ID" (agent-sessions(1)), which agent-events reads as the session
 * ID of FILE. */
#ifndef AP_SQLITEDB_H
#define AP_SQLITEDB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct sdb {
	sqlite3 *db;
	const char *name;       /* for messages: the file as given */
	bool failed;            /* an error was reported */
	bool nowal;             /* a -wal beside it could not be read */
};

/* Does p[0..n) start like a SQLite database file? */
bool sdb_magic(const char *p, size_t n);
/* Open the database at path, read-only (see above).  0; or -1 with *why
 * set (a static string) and nothing to close. */
int sdb_open(struct sdb *s, const char *path, const char **why);
void sdb_close(struct sdb *s);
/* A statement, or NULL once reported ("FILE: SQLite: message"). */
sqlite3_stmt *sdb_prepare(struct sdb *s, const char *sql);
/* Would sql's plan sort its rows (a temporary b-tree, for ORDER BY or
 * DISTINCT)?  True too when it cannot be made (sql is not prepared, nor
 * any error said).  Only for a choice of speed: the rows are the same. */
bool sdb_sorts(struct sdb *s, const char *sql);
/* Does a step of sql's plan say want ("INTEGER PRIMARY KEY"), and none
 * sort?  False too when it cannot be made.  The same use. */
bool sdb_plan_uses(struct sdb *s, const char *sql, const char *want);
/* The next row: true; false at the end, or after an error (reported:
 * locked, malformed, not a database). */
bool sdb_row(struct sdb *s, sqlite3_stmt *st);
/* Column i of the current row as text (NULL for SQL NULL; *n its length
 * when n is not NULL), or as an integer (dflt for NULL or non-numbers). */
const char *sdb_text(sqlite3_stmt *st, int i, size_t *n);
int64_t sdb_int(sqlite3_stmt *st, int i, int64_t dflt);
/* Is there a table named table (with a column named column, unless
 * column is NULL)? */
bool sdb_has(struct sdb *s, const char *table, const char *column);
/* The names of the tables of the database at path, " a b c " (each name
 * between spaces), NULL when it cannot be read: for the sniffs, which see
 * only a file's first bytes.  The last path's answer is kept. */
const char *sdb_tables(const char *path);
/* Run fn(arg, st) for each row of the sessions statement st; with only
 * (bound to ?1) not NULL, a database without that session is said. */
void sdb_each_session(struct sdb *s, sqlite3_stmt *st, const char *only,
	void (*fn)(void *arg, sqlite3_stmt *st), void *arg);

/* agent-sessions' listing of a database (an agent's probe): each
 * session's metadata, p->m for the first, chained through next after it;
 * sdb_list_add returns it with id and name ("<path>#<id>") set,
 * sdb_list_str and sdb_list_time fill it, sdb_list_end says whether any
 * session was listed (0, or -1 with *why) and closes s. */
struct session_probe;
struct session_meta;
struct sdb_list {
	struct session_probe *p;
	struct session_meta *last;
};
struct session_meta *sdb_list_add(struct sdb_list *l, const char *id);
void sdb_list_str(char **dst, const char *s);
void sdb_list_time(struct session_meta *m, int64_t t);
int sdb_list_end(struct sdb_list *l, struct sdb *s, sqlite3_stmt *st, const char **why);

/* An agent's XDG data directory, $XDG_DATA_HOME/name (when set to an
 * absolute path) and home/.local/share/name, each given to fn. */
struct history;
void sdb_data_dirs(struct history *h, const char *home, const char *name,
	void (*fn)(struct history *h, const char *dir));

/* A time as the agents store it: an integer in milliseconds, or in
 * seconds (below 10^11), or SQLite's "YYYY-MM-DD HH:MM:SS" (UTC); ms since
 * the epoch, or TS_NONE. */
int64_t sdb_time(sqlite3_stmt *st, int i);
#endif
