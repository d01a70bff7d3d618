/* outfile.h: opening a named output file (-o FILE, --stats-json FILE)
 * without following a symbolic link planted at that name. */
#ifndef AP_OUTFILE_H
#define AP_OUTFILE_H

/* open(2) path for writing (created 0666 minus umask, truncated).  A
 * symbolic link at path itself is refused: in a shared directory such
 * as /tmp, anyone may plant one that points at a file of ours, and
 * writing through it would overwrite that file.  Names under /dev/ and
 * /proc/ (/dev/stdout, /dev/fd/3) are links by design and are followed.
 * Returns the descriptor, or -1 with errno set. */
int open_output(const char *path);
/* strerror(err), saying what a refused link is instead of ELOOP's "too
 * many levels of symbolic links". */
const char *output_strerror(int err);
#endif
