/* SPDX-License-Identifier: MIT */
/* paths.h: privacy for paths and host names in stack labels.
 *
 * A path inside the project (the session's working directory) becomes
 * relative and is cut to a few components; any other path falls into a
 * bucket chosen by its leading components, never by substrings, so that
 * no absolute path outside the project reaches the output. */
#ifndef AP_PATHS_H
#define AP_PATHS_H
#include <stdbool.h>
#include "util.h"

/* Lexically normalise path (made absolute against cwd when relative and
 * cwd is absolute): no "." components, ".." folded, no repeated or
 * trailing '/'.  A leading "~" counts as a home directory "/home/~".
 * Appends to b (not reset); b->p is a string afterwards even when nothing
 * was appended: a relative path that folds to nothing (".", "./", "a/..")
 * with no absolute cwd to anchor it appends nothing.  Returns false when a
 * ".." climbs above the root of a relative path that could not be
 * anchored. */
bool path_norm(struct sbuf *b, const char *path, const char *cwd);
/* The group of path for a project rooted at root (either may be NULL):
 * "dir/sub" relative to root, cut to depth components ("." for the root
 * itself), or one of external/home, external/tmp, external/claude,
 * external/codex, external/gemini, external/system, external/dev,
 * external/other.  Appends to b. */
void path_group(struct sbuf *b, const char *path, const char *root, const char *cwd, int depth);
/* The project name of a session working in cwd (malloc'd, NULL when
 * there is none): its last component, but "home" for a home directory
 * (/home/U, /Users/U, C:\Users\U, /root, ~, ...) so that the user
 * name never names the project. */
char *path_project(const char *cwd);
/* The last component of a path ("/usr/bin/cc" -> "cc"). */
const char *path_base(const char *path);
/* The bucket of an absolute normalised path outside the project. */
const char *path_bucket(const char *abs);

/* Host names: lower case, a trailing dot dropped; names that look
 * private (RFC 1918, link-local, CGNAT and unique-local addresses,
 * *.local, *.internal, *.lan, *.localdomain, *.home.arpa, single-label
 * names) become "private"; loopback names keep the port ("localhost:8080").
 * Appends to b. */
void host_group(struct sbuf *b, const char *host, int64_t port);
bool host_is_loopback(const char *host);
bool host_is_private(const char *host);
#endif
