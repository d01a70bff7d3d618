/* outfile.c: named output files that do not follow planted links. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "outfile.h"

int open_output(const char *path)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
	if (strncmp(path, "/dev/", 5) && strncmp(path, "/proc/", 6))
		flags |= O_NOFOLLOW;
	return open(path, flags, 0666);
}

const char *output_strerror(int err)
{
	if (err == ELOOP)
		return "is a symbolic link; not writing through it (remove it or name another file)";
	return strerror(err);
}
