/* SPDX-License-Identifier: MIT */
/* transcript.c: an agent's raw session file given where agent-event(5)
 * records belong (agent-tag, agent-stack) is said to be one, with the
 * agent's name, instead of being passed through or skipped line by line.
 *
 * Which agent wrote a file is decided by the agents' own sniffs, which
 * live with their readers in common/agents/ (and with them every reader's
 * code and libraries).  Rather than link all of that into the programs
 * after agent-events, they ask agent-events --detect, and only when the
 * head of an input holds no record: records cost one look at the first
 * line. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "json.h"
#include "lineio.h"
#include "transcript.h"
#include "util.h"

/* The head agent-events sniffs (AGENT_SNIFF_SIZE in agents/agent.h). */
#define HEAD_MAX ((size_t)64 << 10)

extern char **environ;

/* Does the first non-blank line of the head look like a record: an
 * object with a top-level "kind"?  A line longer than the head counts as
 * one when it begins like one. */
static bool first_is_record(const char *h, size_t n)
{
	size_t i = 0;
	while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
		i++;
	if (i == n)
		return true;            /* nothing to say of an empty input */
	if (n - i >= 8 && !memcmp(h + i, "{\"kind\":", 8))
		return true;
	const char *nl = memchr(h + i, '\n', n - i);
	if (!nl)
		return false;
	static struct jdoc d;
	if (jparse(&d, h + i, (size_t)(nl - (h + i))) < 0)
		return false;
	const struct jnode *root = jroot(&d);
	return root && root->type == J_OBJ && jget(&d, root, "kind");
}

/* agent-events beside this program, else the one on PATH. */
static const char *agent_events_path(char *buf, size_t n)
{
	ssize_t k = readlink("/proc/self/exe", buf, n - 1);
	if (k > 0) {
		buf[k] = 0;
		char *slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + sizeof "/agent-events" <= n) {
			strcpy(slash, "/agent-events");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "agent-events";
}

/* The title agent-events --detect gives the file (the head on its
 * standard input for a pipe), or NULL. */
static char *ask_detect(const char *path, const char *head, size_t n)
{
	char exe[PATH_MAX];
	int in = -1, out[2];
	bool file = strcmp(path, "-") != 0;
	struct stat st;
	if (file && (stat(path, &st) < 0 || !S_ISREG(st.st_mode)))
		file = false;
	if (!file) {
		/* a pipe's head is gone from it: hand over the copy */
		in = memfd_create("head", MFD_CLOEXEC);
		size_t w = 0;
		while (in >= 0 && w < n) {
			ssize_t k = write(in, head + w, n - w);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			w += (size_t)k;
		}
		if (in < 0 || w < n || lseek(in, 0, SEEK_SET) < 0) {
			if (in >= 0)
				close(in);
			return NULL;
		}
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		if (in >= 0)
			close(in);
		return NULL;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	const char *prog = agent_events_path(exe, sizeof exe);
	char *argv[] = {(char *)"agent-events", (char *)"--detect", (char *)(file ? path : "-"), NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (in >= 0)
		close(in);
	char buf[512];
	size_t got = 0;
	if (rc == 0) {
		for (;;) {
			ssize_t k = read(out[0], buf + got, sizeof buf - 1 - got);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
			if (got == sizeof buf - 1)
				break;
		}
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(out[0]);
	buf[got] = 0;
	/* NAME TAB TITLE TAB PATH; "-" when no agent claims it */
	char *t = strchr(buf, '\t'), *e = t ? strchr(t + 1, '\t') : NULL;
	if (!e || !strncmp(t + 1, "-\t", 2))
		return NULL;
	return xstrndup(t + 1, (size_t)(e - (t + 1)));
}

bool transcript_refused(struct lreader *r, const char *path)
{
	const char *head;
	/* records start so: no need to wait for more of a slow pipe */
	size_t n = lr_peek(r, 8, &head);
	if (n == 8 && !memcmp(head, "{\"kind\":", 8))
		return false;
	n = lr_peek(r, HEAD_MAX, &head);
	if (first_is_record(head, n))
		return false;
	char *title = ask_detect(path, head, n);
	if (!title)
		return false;
	diag_at(r->name, 0, "this is a %s transcript, not agent-event(5) records; run agent-events "
		"first: agent-events %s | %s", title, strcmp(path, "-") ? path : "FILE", progname);
	diag_errors++;
	free(title);
	return true;
}
