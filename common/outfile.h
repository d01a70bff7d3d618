/* SPDX-License-Identifier: MIT */
/* outfile.h: opening a named output file (-o FILE, --stats-json FILE) the
 * way a careful system tool does, so that nothing planted at that name in
 * a shared directory such as /tmp redirects, blocks or clobbers it.
 *
 * For every name:
 *  - a symbolic link at the name is refused (ELOOP): writing through one
 *    planted in /tmp would overwrite the file it points at.  There is no
 *    exception for /dev/ or /proc/ prefixes ("/dev/shm/x", "/dev/../tmp/x"
 *    are ordinary names); only the names of our own descriptors,
 *    /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N, are taken
 *    as that descriptor (dup(2) of it, whatever it is: a pipe, a terminal,
 *    the file the shell redirected to).
 *  - the name is opened with O_NONBLOCK first and its type checked: a
 *    FIFO (which would block the writer until someone reads), a socket, a
 *    directory or a block device is refused; an existing character device
 *    (/dev/null, /dev/tty) is written as it is.
 *  - a regular file, or a name that does not exist yet, is written to a
 *    new temporary file beside it (".NAME.XXXXXX" in the same directory)
 *    that outfile_commit() renames over the name: a hard link planted at
 *    the name (st_nlink > 1) is replaced, never truncated, and readers never
 *    see half a file.  The new file has mode 0666 minus the umask, or the
 *    permission bits of the file it replaces when that file is ours.
 *
 * Privileged callers (agent-snoop under sudo) give the file to the user
 * with fchown(o.fd, ...) before outfile_commit(): the descriptor is the
 * temporary, which the rename then puts at the name, so no chown(2) by
 * name (which would follow a link planted meanwhile) is needed.  A caller
 * that needs the name to exist while it writes (a log followed with tail
 * -f) uses OUTFILE_LIVE. */
#ifndef AP_OUTFILE_H
#define AP_OUTFILE_H
#include <stdbool.h>

enum {
	/* Write at the name itself while the program runs: a new name is
	 * created there with O_EXCL, an existing regular file with one link
	 * is truncated through the descriptor just checked.  A file with
	 * other hard links still goes through a temporary. */
	OUTFILE_LIVE = 1,
};

struct outfile {
	const char *path;     /* as given */
	char *tmp;            /* the temporary renamed over path by commit, or NULL */
	int fd;               /* where to write; -1 when closed */
};

/* Open path for writing as described above: the descriptor (also in
 * o->fd), or -1 with errno set (output_strerror says why). */
int outfile_open(struct outfile *o, const char *path, int flags);
/* Close the descriptor and, for a temporary, rename it over the name:
 * 0, or -1 with errno set (the temporary is removed).  The program's exit
 * without a commit (die(), an error) removes the temporary too, so a
 * failed run leaves any old file at the name as it was. */
int outfile_commit(struct outfile *o);
/* Close and remove the temporary; the name is left as it was. */
void outfile_abort(struct outfile *o);

/* For callers that write and close(2) the descriptor themselves:
 * outfile_open with OUTFILE_LIVE, except that a file with other hard
 * links is refused (EMLINK) rather than replaced. */
int open_output(const char *path);
/* strerror(err), or what a refused name is ("is a symbolic link; not
 * writing through it", "is a FIFO, not a regular file") instead of
 * ELOOP's "too many levels of symbolic links". */
const char *output_strerror(int err);
#endif
