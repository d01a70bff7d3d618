/* SPDX-License-Identifier: MIT */
/* outfile.c: named output files that nothing planted at the name can
 * redirect, block or clobber (see outfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outfile.h"
#include "util.h"

#define OUTFILE_NOTEMP 0x100  /* open_output: refuse what would need one */

/* Why the last name was refused, for output_strerror(why_err). */
static const char *why;
static int why_err;

static int refuse(const char *msg, int err)
{
	why = msg;
	why_err = err;
	errno = err;
	return -1;
}

/* Temporaries not yet renamed, removed at exit. */
#define NTMP 8
static char *pending[NTMP];

static void remove_pending(void)
{
	for (int i = 0; i < NTMP; i++)
		if (pending[i]) {
			unlink(pending[i]);
			pending[i] = NULL;
		}
}

static void track(char *tmp, bool on)
{
	static bool registered;
	if (on && !registered) {
		atexit(remove_pending);
		registered = true;
	}
	for (int i = 0; i < NTMP; i++)
		if (on ? !pending[i] : pending[i] == tmp) {
			pending[i] = on ? tmp : NULL;
			return;
		}
}

/* The descriptor a name stands for: /dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N; -1 for any other name. */
static int own_fd(const char *path)
{
	if (!strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	const char *n = !strncmp(path, "/dev/fd/", 8) ? path + 8 :
		!strncmp(path, "/proc/self/fd/", 14) ? path + 14 : NULL;
	int64_t v;
	if (n && *n >= '0' && *n <= '9' && parse_i64(n, 0, 1 << 20, &v))
		return (int)v;
	return -1;
}

static void blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

/* A new file beside path, named ".BASE.XXXXXX", with mode. */
static int make_temp(struct outfile *o, mode_t mode)
{
	const char *slash = strrchr(o->path, '/');
	const char *base = slash ? slash + 1 : o->path;
	if (!*base)
		return refuse("is a directory", EISDIR);
	struct sbuf t = {0};
	sb_add(&t, o->path, (size_t)(base - o->path));
	size_t dirlen = t.len;
	sb_printf(&t, ".%s.XXXXXX", base);
	int fd = mkostemp(t.p, O_CLOEXEC);
	if (fd < 0 && errno == ENAMETOOLONG) {
		t.len = dirlen;
		sb_adds(&t, ".out.XXXXXX");
		fd = mkostemp(t.p, O_CLOEXEC);
	}
	if (fd < 0) {
		int e = errno;
		sb_free(&t);
		errno = e;
		return -1;
	}
	if (fchmod(fd, mode) < 0) {
		int e = errno;
		close(fd);
		unlink(t.p);
		sb_free(&t);
		errno = e;
		return -1;
	}
	o->tmp = t.p;
	track(o->tmp, true);
	return o->fd = fd;
}

int outfile_open(struct outfile *o, const char *path, int flags)
{
	o->path = path;
	o->tmp = NULL;
	o->fd = -1;
	why = NULL;
	int own = own_fd(path);
	if (own >= 0) {
		/* our own descriptor, whatever it is */
		int fd = fcntl(own, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -1 : (o->fd = fd);
	}
	mode_t um = umask(0);
	umask(um);
	mode_t mode = 0666 & ~um;
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		if (errno == ENOENT) {
			if (!(flags & OUTFILE_LIVE))
				return make_temp(o, mode);
			/* exclusive: nothing planted since can be opened */
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
			return fd < 0 ? -1 : (o->fd = fd);
		}
		if (errno == ELOOP)
			return refuse("is a symbolic link; not writing through it (remove it or name another file)", ELOOP);
		if (errno == ENXIO && !lstat(path, &st)) {
			if (S_ISFIFO(st.st_mode))
				return refuse("is a FIFO, not a regular file; not writing to it", ENXIO);
			if (S_ISSOCK(st.st_mode))
				return refuse("is a socket, not a regular file; not writing to it", ENXIO);
		}
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (S_ISCHR(st.st_mode)) {
		/* /dev/null, /dev/tty: written as they are */
		blocking(fd);
		return o->fd = fd;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISFIFO(st.st_mode))
			return refuse("is a FIFO, not a regular file; not writing to it", EINVAL);
		return refuse("is not a regular file; not writing to it", EINVAL);
	}
	if (st.st_nlink == 1 && (flags & OUTFILE_LIVE)) {
		/* this very file, checked through its descriptor */
		if (ftruncate(fd, 0) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		blocking(fd);
		return o->fd = fd;
	}
	close(fd);
	if (st.st_nlink > 1 && (flags & OUTFILE_NOTEMP))
		return refuse("has other hard links; not truncating it (remove it or name another file)", EMLINK);
	if (st.st_uid == geteuid())
		mode = st.st_mode & 0777;
	return make_temp(o, mode);
}

int outfile_commit(struct outfile *o)
{
	int rc = 0, e = 0;
	if (o->fd >= 0 && close(o->fd) < 0) {
		rc = -1;
		e = errno;
	}
	o->fd = -1;
	if (o->tmp) {
		if (!rc && rename(o->tmp, o->path) < 0) {
			rc = -1;
			e = errno;
		}
		if (rc)
			unlink(o->tmp);
		track(o->tmp, false);
		free(o->tmp);
		o->tmp = NULL;
	}
	errno = e;
	return rc;
}

void outfile_abort(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp) {
		unlink(o->tmp);
		track(o->tmp, false);
		free(o->tmp);
		o->tmp = NULL;
	}
}

int open_output(const char *path)
{
	struct outfile o;
	return outfile_open(&o, path, OUTFILE_LIVE | OUTFILE_NOTEMP);
}

const char *output_strerror(int err)
{
	if (why && err == why_err)
		return why;
	if (err == ELOOP)
		return "is a symbolic link; not writing through it (remove it or name another file)";
	return strerror(err);
}
