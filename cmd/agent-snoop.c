/* SPDX-License-Identifier: MIT */
/* agent-snoop: what a program and its descendants do to the machine, seen
 * from the kernel with eBPF, as agent-event(5) records. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "snoop.skel.h"
#include "cli.h"
#include "paths.h"
#include "event.h"
#include "snoop/decode.h"

static const char usage[] =
	"usage: agent-snoop [-rv] [--tls] [--no-text] [-o file] [-d seconds] [-b mib]\n"
	"                   [-u user | --as-root]\n"
	"                   -p pid | -c comm | -- command [arg ...]\n"
	"       agent-snoop -h | -V\n";

static const char help[] =
	"Trace the files, programs and connections of a process tree as\n"
	"agent-event(5) records.\n"
	"\n"
	"  -p, --pid PID          follow a running process and its descendants\n"
	"  -c, --comm COMM        follow every process that runs with this name\n"
	"  -o, --output FILE      write the records to FILE (never through a symlink)\n"
	"  -d, --duration SECONDS stop tracing after SECONDS\n"
	"  -b, --buffer MIB       ring buffer size, a power of two (default 16)\n"
	"  -u, --user USER        run the command as USER (a name or a uid), with its groups\n"
	"      --as-root          run the command as root, not as the user who invoked us\n"
	"  -r, --runtime-files    also record the loader's, libraries' and locale opens\n"
	"      --tls              read model calls off the TLS libraries' plaintext\n"
	"      --no-text          --tls: leave prompt text out of the records\n"
	"  -v, --verbose          show libbpf's messages and what tracing cost\n"
	"  -h, --help             print this help and exit\n"
	"  -V, --version          print the version and exit\n";

static const struct cli cli = {usage, help};

static volatile sig_atomic_t stop_sig;
static volatile pid_t child;
static bool verbose;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int libbpf_say(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool readlink_sb(const char *link, struct sbuf *dst)
{
	char buf[4096];
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	sb_add(dst, buf, (size_t)n);
	return true;
}

static bool cwd_of(uint32_t pid, struct sbuf *dst)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%u/cwd", pid);
	return readlink_sb(link, dst);
}

static bool fd_path(uint32_t pid, int fd, struct sbuf *dst)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%u/fd/%d", pid, fd);
	return readlink_sb(link, dst);
}

static int64_t clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- the processes there before us (-p, -c) -------------------------------- */

struct pinfo {
	uint32_t pid, ppid;
	char comm[SNOOP_COMM_LEN + 1];
};

/* pid, parent and name of every process, from /proc/PID/stat */
static struct pinfo *proc_list(size_t *n)
{
	struct pinfo *v = NULL;
	size_t cap = 0;
	*n = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		int64_t pid;
		if (!parse_i64(de->d_name, 1, UINT32_MAX, &pid))
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = 0;
		/* "pid (comm) S ppid": comm may hold spaces and parentheses */
		char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
		unsigned ppid;
		if (!lp || !rp || rp < lp || sscanf(rp + 1, " %*c %u", &ppid) != 1)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 512;
			v = xrealloc(v, cap * sizeof *v);
		}
		struct pinfo *p = &v[(*n)++];
		memset(p, 0, sizeof *p);
		p->pid = (uint32_t)pid;
		p->ppid = ppid;
		size_t l = (size_t)(rp - lp - 1);
		memcpy(p->comm, lp + 1, l < SNOOP_COMM_LEN ? l : SNOOP_COMM_LEN);
	}
	closedir(d);
	return v;
}

/* Follow one process found in /proc: in the kernel and in the table. */
static void follow(struct snoop_bpf *skel, struct snoop *s, const struct pinfo *p, bool root)
{
	__u8 one = 1;
	if (bpf_map__update_elem(skel->maps.followed, &p->pid, sizeof p->pid, &one, 1, BPF_ANY))
		diag_warn("cannot follow process %u: %s", p->pid, strerror(errno));
	struct sbuf cwd = {0};
	bool have = cwd_of(p->pid, &cwd);
	snoop_proc(s, p->pid, p->ppid, p->comm, have ? cwd.p : NULL, root);
	sb_free(&cwd);
}

/* The roots (pid, or every process named comm) and all their descendants.
 * Two passes: a child forked during the first walk, before its parent
 * was followed, is there in the second. */
static int follow_existing(struct snoop_bpf *skel, struct snoop *s, uint32_t pid, const char *comm)
{
	int found = 0;
	struct hmap on = {0};   /* followed so far, over both passes */
	for (int pass = 0; pass < 2; pass++) {
		size_t n;
		struct pinfo *v = proc_list(&n);
		bool more = true;
		/* parents before their children, whatever the order of /proc */
		while (more) {
			more = false;
			for (size_t i = 0; i < n; i++) {
				bool root = (pid && v[i].pid == pid) || (comm && !strcmp(v[i].comm, comm));
				if (!root && !hm_get(&on, (uint64_t)v[i].ppid | 1ull << 32))
					continue;
				bool ins;
				hm_put(&on, (uint64_t)v[i].pid | 1ull << 32, &ins);
				if (ins) {
					follow(skel, s, &v[i], root);
					found++;
					more = true;
				}
			}
		}
		free(v);
	}
	hm_free(&on);
	return found;
}

/* --- the command (--) ---------------------------------------------------------- */

/* --- who the command runs as ------------------------------------------------------ */

/* The identity the command takes in the child, settled before anything
 * slow or privileged happens, so that a refusal costs nothing. */
struct runas {
	bool drop;              /* the child changes identity */
	bool own_output;        /* a -o file we create is given to uid:gid */
	uid_t uid;
	gid_t gid;
	gid_t *groups;          /* the supplementary groups, as initgroups(3) finds them */
	int ngroups;
	char *name, *home;      /* NULL without a passwd entry */
	const char *why;        /* where the identity came from, for messages */
};

/* A user or group id as sudo(8) writes it: decimal digits, no sign, no
 * space, no leading zero, at most 4294967294 ((uid_t)-1 means "no id"). */
static bool parse_id(const char *s, uint32_t *dst)
{
	uint64_t v = 0;
	if (!s || !*s || (s[0] == '0' && s[1]) || strlen(s) > 10)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > UINT32_MAX - 1)
		return false;
	*dst = (uint32_t)v;
	return true;
}

/* A value from the environment, quoted for a message: at most 40 bytes,
 * anything but printable ASCII as \xHH. */
static const char *shown(const char *s)
{
	static char buf[200];
	size_t o = 0;
	buf[o++] = '"';
	for (size_t i = 0; s[i] && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
	}
	if (strlen(s) > 40)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "...");
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

/* uid and gid, with the user's name, home and groups when the passwd
 * database knows the uid. */
static void runas_set(struct runas *ra, uid_t uid, gid_t gid, const char *why)
{
	struct passwd *pw = getpwuid(uid);
	ra->uid = uid;
	ra->gid = gid;
	ra->why = why;
	ra->drop = ra->own_output = true;
	if (!pw) {
		ra->groups = xmalloc(sizeof *ra->groups);
		ra->groups[0] = gid;
		ra->ngroups = 1;
		return;
	}
	ra->name = xstrdup(pw->pw_name);
	ra->home = xstrdup(pw->pw_dir);
	int n = 64;
	for (;;) {
		ra->groups = xrealloc(ra->groups, (size_t)n * sizeof *ra->groups);
		int got = n;
		if (getgrouplist(ra->name, gid, ra->groups, &got) >= 0) {
			ra->ngroups = got;
			break;
		}
		if (got <= n) {
			if (n >= 1 << 16)
				die(2, "cannot list the groups of %s", ra->name);
			got = n * 2;
		}
		n = got;
	}
}

static bool with_cmd;

static _Noreturn void refuse(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_flush();
	fprintf(stderr, "agent-snoop: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (with_cmd)
		fprintf(stderr, "; not running the command as root by accident: say who to run "
			"it as with --user NAME, or --as-root\n");
	else
		fprintf(stderr, "; say whom the output belongs to with --user NAME, or "
			"--as-root\n");
	exit(2);
}

/* Who the command runs as (cmd), or who gets the -o file (no command).
 * Root without a trustworthy word on the invoking user fails closed. */
static void runas_resolve(struct runas *ra, const char *user, bool as_root, bool cmd)
{
	memset(ra, 0, sizeof *ra);
	with_cmd = cmd;
	if (user) {
		uint32_t id;
		struct passwd *pw = parse_id(user, &id) ? getpwuid(id) : getpwnam(user);
		if (!pw)
			die(2, "--user %s: no such user", user);
		if (geteuid() != 0) {
			if (pw->pw_uid != geteuid())
				die(2, "--user %s: only root can run the command as another user", user);
			return;         /* that user already */
		}
		runas_set(ra, pw->pw_uid, pw->pw_gid, "--user");
		return;
	}
	if (as_root || geteuid() != 0)
		return;         /* as we are: nothing to change, nothing to give away */
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	const char *du = getenv("DOAS_USER"), *pk = getenv("PKEXEC_UID");
	uint32_t uid, gid;
	if (su) {
		if (!parse_id(su, &uid))
			refuse("SUDO_UID is malformed (%s)", shown(su));
		if (sg && !parse_id(sg, &gid))
			refuse("SUDO_GID is malformed (%s)", shown(sg));
		if (!sg) {
			struct passwd *pw = getpwuid(uid);
			if (!pw)
				refuse("SUDO_GID is unset and uid %u has no passwd entry", uid);
			gid = pw->pw_gid;
		}
		if (uid != 0)
			runas_set(ra, uid, gid, "SUDO_UID");
		return;
	}
	if (du) {
		struct passwd *pw = *du ? getpwnam(du) : NULL;
		if (!pw)
			refuse("DOAS_USER names no user (%s)", shown(du));
		if (pw->pw_uid != 0)
			runas_set(ra, pw->pw_uid, pw->pw_gid, "DOAS_USER");
		return;
	}
	if (pk) {
		struct passwd *pw = parse_id(pk, &uid) ? getpwuid(uid) : NULL;
		if (!pw)
			refuse("PKEXEC_UID is malformed or names no user (%s)", shown(pk));
		if (pw->pw_uid != 0)
			runas_set(ra, pw->pw_uid, pw->pw_gid, "PKEXEC_UID");
		return;
	}
	if (cmd)
		refuse("running as root, and neither SUDO_UID, DOAS_USER nor PKEXEC_UID says "
			"for whom");
}

/* In the child: become ra's user: groups, then group, then user, and
 * check that it took and that root cannot be had back. */
static void become(const struct runas *ra)
{
	if (!ra->drop)
		return;
	const char *step = "setgroups";
	if (setgroups((size_t)ra->ngroups, ra->groups))
		goto fail;
	step = "setgid";
	if (setgid(ra->gid))
		goto fail;
	step = "setuid";
	if (setuid(ra->uid))
		goto fail;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	step = "checking the new identity";
	errno = EPERM;
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) || ru != ra->uid ||
	    eu != ra->uid || su != ra->uid || rg != ra->gid || eg != ra->gid || sg != ra->gid ||
	    getgroups(0, NULL) != ra->ngroups)
		goto fail;
	if (ra->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		step = "root could be had back";
		goto fail;
	}
	if (ra->name) {
		setenv("HOME", ra->home, 1);
		setenv("USER", ra->name, 1);
		setenv("LOGNAME", ra->name, 1);
	}
	return;
fail:
	fprintf(stderr, "agent-snoop: cannot run the command as uid %u gid %u (%s): %s: %s\n",
		(unsigned)ra->uid, (unsigned)ra->gid, ra->why, step, strerror(errno));
	_exit(126);
}

/* Fork the command; it waits on the pipe until it is followed.  Its life
 * is tied to ours: if agent-snoop dies (SIGKILL, the OOM killer), the
 * kernel kills the command rather than let it run on untraced.  The
 * parent-death signal is set after the change of identity (which clears
 * it), then the parent is checked, in case it died before. */
static pid_t spawn(char **argv, int gate, int gate_w, int cmd_out, const struct runas *ra)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		die(2, "fork: %s", strerror(errno));
	if (pid)
		return pid;
	close(gate_w);
	become(ra);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	char c;
	if (read(gate, &c, 1) != 1)
		_exit(127);     /* agent-snoop gave up: run nothing untraced */
	close(gate);
	if (cmd_out >= 0 && cmd_out != 1) {
		dup2(cmd_out, 1);
		close(cmd_out);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "agent-snoop: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Where the command's standard output goes: with -o, where ours went;
 * otherwise our standard output carries the records, so the terminal,
 * or standard error when there is none. */
static int command_stdout(bool to_file)
{
	if (to_file || isatty(1))
		return dup(1);
	int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	return fd >= 0 ? fd : dup(2);
}

/* -o FILE, opened as a root process should open a name in a directory
 * others can write to (/tmp): never through a symbolic link; a new file
 * is created exclusively and only a file created here is given to the
 * user (fchown on the descriptor, not the name); an existing file is
 * truncated only when it is a regular file with no other hard link (a
 * link planted to /etc/shadow must not be emptied) that belongs to us or
 * to the user; a FIFO is opened without waiting for a reader. */
static void open_output(const char *file, const struct runas *ra)
{
	int fd = -1;
	bool created = false;
	for (int tries = 0; fd < 0 && tries < 8; tries++) {
		fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0) {
			created = true;
			break;
		}
		if (errno != EEXIST)
			break;
		fd = open(file, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			break;  /* ENOENT: removed in between, create it */
	}
	if (fd < 0 && errno == ELOOP)
		die(2, "%s: is a symbolic link; not writing through it", file);
	if (fd < 0 && errno == ENXIO)
		die(2, "%s: a FIFO (or socket) with no reader; not waiting for one", file);
	if (fd < 0)
		die(2, "%s: %s", file, strerror(errno));
	struct stat st;
	if (fstat(fd, &st))
		die(2, "%s: %s", file, strerror(errno));
	if (!created && S_ISREG(st.st_mode)) {
		if (st.st_nlink > 1)
			die(2, "%s: has %ju hard links; not truncating a file that has other names",
				file, (uintmax_t)st.st_nlink);
		if (geteuid() == 0 && st.st_uid != 0 && !(ra->own_output && st.st_uid == ra->uid))
			die(2, "%s: belongs to uid %u; root does not write into another user's file "
				"(remove it or name another file)", file, (unsigned)st.st_uid);
		if (ftruncate(fd, 0))
			die(2, "%s: %s", file, strerror(errno));
	} else if (!created && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
		die(2, "%s: not a regular file, a FIFO or a character device", file);
	}
	/* the records are written with blocking writes */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (created && ra->own_output && fchown(fd, ra->uid, ra->gid))
		diag_warn("%s: chown: %s", file, strerror(errno));
	if (fd != 1) {
		dup2(fd, 1);
		close(fd);
	}
}

/* --- TLS (--tls) ------------------------------------------------------------------ */

/* The TLS libraries' calls, each with the return program that reads
 * what it wrote or read. */
enum { TW, TR, TWX, TRX };
static const struct { const char *sym; int kind; } tls_syms[] = {
	{"SSL_write", TW}, {"SSL_read", TR}, {"SSL_write_ex", TWX}, {"SSL_read_ex", TRX},
	{"gnutls_record_send", TW}, {"gnutls_record_recv", TR},
};

static struct bpf_link **tls_links;
static size_t ntls_links, captls_links;
static char **tls_paths;        /* files looked at, with or without the symbols */
static size_t ntls_paths, captls_paths;
static size_t tls_attached;     /* files whose calls are probed */

/* Probe the TLS calls that the file at path exports; once per file. */
static void tls_attach(struct snoop_bpf *skel, const char *given)
{
	/* a file by its real name: libssl.so and libssl.so.3 are one */
	char *path = realpath(given, NULL);
	if (!path)
		return;
	for (size_t i = 0; i < ntls_paths; i++)
		if (!strcmp(tls_paths[i], path)) {
			free(path);
			return;
		}
	GROW(tls_paths, ntls_paths, captls_paths);
	tls_paths[ntls_paths++] = path;
	struct bpf_program *ret[] = {skel->progs.tls_write_ret, skel->progs.tls_read_ret,
		skel->progs.tls_write_ex_ret, skel->progs.tls_read_ex_ret};
	int n = 0;
	/* a file without a symbol makes libbpf say so: quiet unless -v */
	for (size_t i = 0; i < sizeof tls_syms / sizeof *tls_syms; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = tls_syms[i].sym, .retprobe = false);
		struct bpf_link *in = bpf_program__attach_uprobe_opts(skel->progs.tls_enter, -1, path,
			0, &o);
		if (!in)
			continue;
		o.retprobe = true;
		struct bpf_link *out = bpf_program__attach_uprobe_opts(ret[tls_syms[i].kind], -1,
			path, 0, &o);
		if (!out) {
			bpf_link__destroy(in);
			continue;
		}
		GROW(tls_links, ntls_links, captls_links);
		tls_links[ntls_links++] = in;
		GROW(tls_links, ntls_links, captls_links);
		tls_links[ntls_links++] = out;
		n++;
	}
	if (n) {
		tls_attached++;
		if (verbose)
			fprintf(stderr, "agent-snoop: --tls: %d calls probed in %s\n", n, path);
	}
}

/* The TLS libraries a process maps, and its program when it carries its
 * own (Node.js exports OpenSSL's symbols). */
static void tls_scan(struct snoop_bpf *skel, uint32_t pid)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%u/maps", pid);
	FILE *f = fopen(name, "re");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		char *path = strchr(line, '/');
		if (!path)
			continue;
		path[strcspn(path, "\n")] = 0;
		const char *b = path_base(path);
		if (!strncmp(b, "libssl.so", 9) || !strncmp(b, "libgnutls.so", 12))
			tls_attach(skel, path);
	}
	fclose(f);
	struct sbuf exe = {0};
	snprintf(name, sizeof name, "/proc/%u/exe", pid);
	if (readlink_sb(name, &exe) && exe.p[0] == '/')
		tls_attach(skel, exe.p);
	sb_free(&exe);
}

/* The TLS libraries the loader would give a program: those of ldconfig's
 * cache, probed before the command starts. */
static void tls_system(struct snoop_bpf *skel)
{
	FILE *f = popen("/sbin/ldconfig -p 2>/dev/null", "re");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		char *arrow = strstr(line, "=> ");
		const char *b = line + strspn(line, " \t");
		if (!arrow || (strncmp(b, "libssl.so", 9) && strncmp(b, "libgnutls.so", 12)))
			continue;
		char *path = arrow + 3;
		path[strcspn(path, "\n")] = 0;
		tls_attach(skel, path);
	}
	pclose(f);
}

/* Each followed process is looked at when it is first seen, and again
 * half a second and two seconds later (the loader maps its libraries
 * after the exec that made us see it). */
struct seen {
	uint32_t pid;
	int64_t first;
	int done;
};
static struct seen *seen;
static size_t nseen, capseen;

static void tls_poll(struct snoop_bpf *skel, int64_t now)
{
	__u32 key, next, *prev = NULL;
	while (!bpf_map__get_next_key(skel->maps.followed, prev, &next, sizeof next)) {
		key = next;
		prev = &key;
		size_t i = 0;
		while (i < nseen && seen[i].pid != key)
			i++;
		if (i == nseen) {
			GROW(seen, nseen, capseen);
			seen[nseen++] = (struct seen){key, now, 0};
		}
		struct seen *e = &seen[i];
		static const int64_t at[] = {0, 500, 2000};
		if (e->done < 3 && now - e->first >= at[e->done]) {
			tls_scan(skel, key);
			e->done++;
		}
	}
}

static void tls_detach(void)
{
	for (size_t i = 0; i < ntls_links; i++)
		bpf_link__destroy(tls_links[i]);
	for (size_t i = 0; i < ntls_paths; i++)
		free(tls_paths[i]);
	free(tls_links), free(tls_paths), free(seen);
}

/* --- main ------------------------------------------------------------------------ */

static int on_msg(void *ctx, void *data, size_t n)
{
	const char *why = snoop_feed_bytes(ctx, data, n);
	if (why)
		diag_warn("ring buffer: %s", why);
	return 0;
}

static uint64_t counter(struct snoop_bpf *skel, __u32 which)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return 0;
	__u64 *v = xcalloc((size_t)ncpu, sizeof *v);
	uint64_t sum = 0;
	if (!bpf_map__lookup_elem(skel->maps.counters, &which, sizeof which, v,
	    sizeof *v * (size_t)ncpu, 0))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* A process whose exit the kernel side never saw (it ended before its
 * fork was handled) would keep -p waiting for ever: the entries of
 * processes that are gone are dropped. */
static void prune_gone(struct snoop_bpf *skel)
{
	__u32 key, next, *prev = NULL, gone[256];
	int n = 0;
	while (n < 256 && !bpf_map__get_next_key(skel->maps.followed, prev, &next, sizeof next)) {
		key = next;
		prev = &key;
		if (kill((pid_t)key, 0) < 0 && errno == ESRCH)
			gone[n++] = key;
	}
	for (int i = 0; i < n; i++)
		bpf_map__delete_elem(skel->maps.followed, &gone[i], sizeof gone[i], 0);
}

static bool map_empty(struct snoop_bpf *skel)
{
	__u32 k;
	return bpf_map__get_next_key(skel->maps.followed, NULL, &k, sizeof k) < 0;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* -v: what tracing cost: this process's CPU time after the programs were
 * attached, and the kernel side's own run time when the kernel counts it
 * (sysctl kernel.bpf_stats_enabled=1). */
static void report_cost(struct snoop_bpf *skel, double before, double after)
{
	struct bpf_program *prog;
	__u64 ns = 0, runs = 0;
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof info;
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
			ns += info.run_time_ns;
			runs += info.run_cnt;
		}
	}
	fprintf(stderr, "agent-snoop: %.3f s CPU while tracing, %.3f s before (loading the BPF "
		"programs)\n", after - before, before);
	if (runs)
		fprintf(stderr, "agent-snoop: kernel side: %llu program runs, %.3f s\n",
			(unsigned long long)runs, (double)ns / 1e9);
	else
		fprintf(stderr, "agent-snoop: kernel side: not counted "
			"(sysctl kernel.bpf_stats_enabled=1 counts it)\n");
}

/* the tracepoints of the system calls watched, entries and exits */
static const char *const syscalls[] = {SNOOP_SYSCALLS};
#define NSYS (sizeof syscalls / sizeof *syscalls)
static struct bpf_link *sys_links[2 * NSYS];

/* The system calls' tracepoints are found through tracefs: mount it
 * when neither place libbpf looks has it (a fresh mount namespace, a
 * minimal container). */
static void need_tracefs(void)
{
	static const char *const where[] = {"/sys/kernel/tracing/events/syscalls",
		"/sys/kernel/debug/tracing/events/syscalls"};
	for (size_t i = 0; i < sizeof where / sizeof *where; i++)
		if (!access(where[i], F_OK))
			return;
	if (access("/sys/kernel/tracing", F_OK) || access("/sys/kernel/debug/tracing", F_OK))
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	if (access(where[0], F_OK) && access(where[1], F_OK))
		die(2, "no system call tracepoints: tracefs is not mounted and could not be "
			"(mount -t tracefs tracefs /sys/kernel/tracing), or the kernel lacks "
			"CONFIG_FTRACE_SYSCALLS");
}

static int attach_syscalls(struct snoop_bpf *skel)
{
	char tp[64];
	for (size_t i = 0; i < NSYS; i++) {
		snprintf(tp, sizeof tp, "sys_enter_%s", syscalls[i]);
		sys_links[2 * i] = bpf_program__attach_tracepoint(skel->progs.sys_enter_any,
			"syscalls", tp);
		snprintf(tp, sizeof tp, "sys_exit_%s", syscalls[i]);
		sys_links[2 * i + 1] = bpf_program__attach_tracepoint(skel->progs.sys_exit_any,
			"syscalls", tp);
		if (!sys_links[2 * i] || !sys_links[2 * i + 1])
			return -1;
	}
	return 0;
}

/* Every link of the skeleton and of the system calls, in turn. */
static void each_link(struct snoop_bpf *skel, void (*fn)(struct bpf_link *))
{
	struct bpf_link **sl = (struct bpf_link **)&skel->links;
	for (size_t i = 0; i < sizeof skel->links / sizeof *sl; i++)
		if (sl[i])
			fn(sl[i]);
	for (size_t i = 0; i < 2 * NSYS; i++)
		if (sys_links[i])
			fn(sys_links[i]);
}

static void destroy_link(struct bpf_link *l)
{
	bpf_link__destroy(l);
}

static void disconnect_link(struct bpf_link *l)
{
	bpf_link__disconnect(l);
}

/* Detaching a tracepoint waits for an RCU grace period under a kernel
 * lock (40 ms here): the 37 links take 1.5 s, however many threads ask.
 * A child with nothing of ours open but the BPF objects does it, so this
 * process, its exit status and the pipeline it writes to end at once;
 * the programs stay attached, sending nothing anyone reads, until the
 * child is done. */
static void detach_later(struct snoop_bpf *skel)
{
	int gone[2] = {-1, -1};
	pid_t p = pipe(gone) ? -1 : fork();
	if (p == 0) {
		/* the last references must be the child's: wait until the
		 * parent has let go of its own (end of file on the pipe).  A
		 * grandchild does it, so that no zombie waits on the parent. */
		char c;
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		close(gone[1]);
		while (read(gone[0], &c, 1) < 0 && errno == EINTR)
			;
		setsid();
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			if (nul > 2)
				close(nul);
		}
		if (chdir("/"))
			_exit(0);
		each_link(skel, destroy_link);
		_exit(0);
	}
	if (p < 0) {
		if (gone[0] >= 0) {
			close(gone[0]);
			close(gone[1]);
		}
		each_link(skel, destroy_link);
		snoop_bpf__destroy(skel);
		return;
	}
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st)) {
		/* no grandchild: detach here */
		close(gone[0]);
		close(gone[1]);
		each_link(skel, destroy_link);
		snoop_bpf__destroy(skel);
		return;
	}
	/* the child's copies of the descriptors keep the programs attached
	 * until it has detached them.  Ours go now, all of them (the links'
	 * perf events have no other handle), so that the child starts at
	 * once, even while a command given with -d still runs: standard
	 * input, output and error are all this process needs from here. */
	each_link(skel, disconnect_link);
	each_link(skel, destroy_link);   /* disconnected: frees, detaches nothing */
	for (size_t i = 0; i < 2 * NSYS; i++)
		sys_links[i] = NULL;
	memset(&skel->links, 0, sizeof skel->links);
	if (close_range(3, ~0U, 0) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	snoop_bpf__destroy(skel);   /* its descriptors are closed already */
}

static void wait_status(pid_t pid, int *status)
{
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"pid", required_argument, 0, 'p'},
		{"comm", required_argument, 0, 'c'},
		{"output", required_argument, 0, 'o'},
		{"duration", required_argument, 0, 'd'},
		{"buffer", required_argument, 0, 'b'},
		{"runtime-files", no_argument, 0, 'r'},
		{"user", required_argument, 0, 'u'},
		{"as-root", no_argument, 0, 'R'},
		{"verbose", no_argument, 0, 'v'},
		{"tls", no_argument, 0, 'T'},
		{"no-text", no_argument, 0, 'N'},
		CLI_LONGOPTS
	};
	int64_t pid = 0, bufmib = 16;
	double duration = 0;
	const char *comm = NULL, *output = NULL, *user = NULL;
	bool runtime = false, as_root = false, tls = false, notext = false;
	int c;
	diag_init(argv[0]);
	while ((c = getopt_long(argc, argv, "+p:c:o:d:b:u:rv" CLI_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pid = cli_i64("--pid", "a process id", optarg, 1, INT32_MAX);
			break;
		case 'c':
			comm = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'd':
			duration = cli_f64("--duration", "a number of seconds", optarg, 0.001, 1e9);
			break;
		case 'b':
			if (!parse_i64(optarg, 1, 1024, &bufmib) || (bufmib & (bufmib - 1)))
				die(2, "bad buffer size (a power of two, 1 to 1024 MiB): %s", optarg);
			break;
		case 'r':
			runtime = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'R':
			as_root = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'T':
			tls = true;
			break;
		case 'N':
			notext = true;
			break;
		default:
			cli_default(&cli, c);
		}
	}
	argc -= optind, argv += optind;
	if ((pid != 0) + (comm != NULL) + (argc > 0) != 1)
		cli_usage_error(&cli, "give one of -p, -c or a command");
	if (comm && (!*comm || strlen(comm) >= SNOOP_COMM_LEN))
		die(2, "bad comm (1 to %d bytes, as in /proc/PID/comm): %s", SNOOP_COMM_LEN - 1, comm);
	if (user && as_root)
		die(2, "--user and --as-root exclude each other");
	if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		die(2, "no process %lld", (long long)pid);
	/* who the command runs as: settled (or refused) first, before the
	 * output is opened or anything is loaded */
	struct runas ra;
	runas_resolve(&ra, user, as_root, argc > 0);
	/* tests only: a ring buffer of this many bytes (a power of two, at
	 * least a page), to make it overflow */
	uint32_t rbbytes = (uint32_t)bufmib << 20;
	const char *tb = getenv("AGENT_SNOOP_TEST_RINGBUF");
	if (tb && *tb) {
		int64_t v;
		if (!parse_i64(tb, 4096, 1 << 30, &v) || (v & (v - 1)))
			die(2, "bad AGENT_SNOOP_TEST_RINGBUF: %s", tb);
		rbbytes = (uint32_t)v;
	}

	/* the records' destination, before any slow work; the command
	 * keeps the real standard output */
	int cmd_out = -1;
	if (argc)
		cmd_out = command_stdout(output != NULL);
	if (output)
		open_output(output, &ra);

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		die(2, "this kernel has no BTF (/sys/kernel/btf/vmlinux): it needs CONFIG_DEBUG_INFO_BTF");
	libbpf_set_print(libbpf_say);
	struct snoop_bpf *skel = snoop_bpf__open();
	if (!skel)
		die(2, "cannot open the BPF object: %s", strerror(errno));
	if (comm) {
		skel->rodata->filter_comm = true;
		strncpy((char *)skel->rodata->targ_comm, comm, SNOOP_COMM_LEN - 1);
	}
	skel->rodata->keep_runtime = runtime;
	if (!tls) {   /* nothing of --tls is loaded without it */
		bpf_program__set_autoload(skel->progs.tls_enter, false);
		bpf_program__set_autoload(skel->progs.tls_write_ret, false);
		bpf_program__set_autoload(skel->progs.tls_read_ret, false);
		bpf_program__set_autoload(skel->progs.tls_write_ex_ret, false);
		bpf_program__set_autoload(skel->progs.tls_read_ex_ret, false);
	}
	bpf_map__set_max_entries(skel->maps.events, rbbytes);
	skel->rodata->wake_bytes = rbbytes / 8;
	int err = snoop_bpf__load(skel);
	if (err) {
		int e = errno ? errno : -err;
		if (e == EPERM || e == EACCES)
			die(2, "loading BPF needs root, or CAP_BPF with CAP_PERFMON");
		if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 0)
			die(2, "this kernel has no BPF ring buffer (Linux 5.8 or later)");
		die(2, "cannot load the BPF programs (%s); -v shows why", strerror(e));
	}
	need_tracefs();
	if (snoop_bpf__attach(skel) || attach_syscalls(skel))
		die(2, "cannot attach the BPF programs (%s); -v shows why", strerror(errno));
	if (tls) {
		tls_system(skel);
		/* the command's own program, when it carries a TLS library
		 * (Node.js does): probed before it starts */
		if (argc) {
			struct sbuf prog = {0};
			if (strchr(argv[0], '/')) {
				sb_adds(&prog, argv[0]);
			} else {
				const char *pth = getenv("PATH");
				for (const char *d = pth ? pth : "/usr/bin:/bin"; d && *d;) {
					size_t k = strcspn(d, ":");
					sb_reset(&prog);
					sb_printf(&prog, "%.*s/%s", (int)k, d, argv[0]);
					if (!access(prog.p, X_OK))
						break;
					prog.len = 0;
					d = d[k] ? d + k + 1 : NULL;
				}
			}
			char *real = prog.len ? realpath(prog.p, NULL) : NULL;
			if (real)
				tls_attach(skel, real);
			free(real);
			sb_free(&prog);
		}
	}
	double cpu0 = cpu_seconds();

	char session[64];
	snprintf(session, sizeof session, "snoop-%d-%lld", (int)getpid(),
		(long long)(clock_ms(CLOCK_REALTIME) / 1000));
	struct snoop_opts so = {
		.session = session,
		.clock_ms = clock_ms(CLOCK_REALTIME) - clock_ms(CLOCK_BOOTTIME),
		.cwd_of = cwd_of,
		.fd_path = fd_path,
		.tls = tls,
		.notext = notext,
	};
	struct snoop *s = snoop_new(&so, &stdout_sb);
	struct sbuf cwd = {0};
	if (!(pid && cwd_of((uint32_t)pid, &cwd))) {
		char buf[4096];
		if (getcwd(buf, sizeof buf))
			sb_adds(&cwd, buf);
	}
	snoop_session(s, clock_ms(CLOCK_REALTIME), cwd.len ? cwd.p : NULL);
	out_flush();

	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_msg, s, NULL);
	if (!rb)
		die(2, "cannot read the ring buffer: %s", strerror(errno));

	struct sigaction sa = {0};
	sigemptyset(&sa.sa_mask);
	if (argc) {
		int gate[2];
		if (pipe2(gate, O_CLOEXEC))
			die(2, "pipe: %s", strerror(errno));
		child = spawn(argv, gate[0], gate[1], cmd_out, &ra);
		close(gate[0]);
		__u32 k = (__u32)child;
		__u8 one = 1;
		if (bpf_map__update_elem(skel->maps.followed, &k, sizeof k, &one, 1, BPF_ANY)) {
			kill(child, SIGKILL);
			die(2, "cannot follow the command: %s", strerror(errno));
		}
		snoop_proc(s, k, (uint32_t)getpid(), argv[0], cwd.len ? cwd.p : NULL, true);
		/* like time(1): the terminal's ^C and ^\ reach the command,
		 * which decides; TERM and HUP are passed on to it */
		sa.sa_handler = SIG_IGN;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sa.sa_handler = on_forward;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		if (write(gate[1], "g", 1) != 1)
			die(2, "cannot start the command: %s", strerror(errno));
		close(gate[1]);
		if (cmd_out >= 0)
			close(cmd_out);
	} else {
		sa.sa_handler = on_stop;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		if (!follow_existing(skel, s, (uint32_t)pid, comm) && pid)
			die(2, "no process %lld", (long long)pid);
	}

	int64_t t0 = clock_ms(CLOCK_MONOTONIC), last = t0;
	int status = 0;
	bool cmd_done = false;
	while (!stop_sig) {
		/* the kernel side wakes us only when the buffer is an eighth
		 * full: what came in the meantime is read here, at least every
		 * 100 ms (poll reads only a buffer that woke it) */
		err = ring_buffer__poll(rb, 100);
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			diag_warn("reading the ring buffer: %s", strerror(-err));
			break;
		}
		int64_t now = clock_ms(CLOCK_MONOTONIC);
		if (tls)
			tls_poll(skel, now);
		if (argc) {
			int st;
			pid_t r = waitpid(child, &st, WNOHANG);
			if (r == child) {
				status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
				cmd_done = true;
				break;
			}
		}
		if (duration > 0 && now - t0 >= (int64_t)(duration * 1000))
			break;
		if (now - last >= 1000) {
			last = now;
			snoop_flush(s);
			if (pid)
				prune_gone(skel);
			if (pid && map_empty(skel))
				break;  /* everything we followed has exited */
		}
		out_flush();
	}
	/* the exit of the command is in the buffer already: read it all */
	ring_buffer__consume(rb);
	uint64_t drops = counter(skel, SNOOP_C_RING), lost = counter(skel, SNOOP_C_PIDS),
		rt = counter(skel, SNOOP_C_RUNTIME);
	snoop_finish(s, clock_ms(CLOCK_REALTIME), drops, lost, rt);
	out_flush();
	const struct snoop_counts *k = snoop_counts(s);
	fprintf(stderr, "agent-snoop: %llu processes, %llu execs, %llu file events, %llu network "
		"events, %llu runtime file opens left out, %llu lost to a full buffer, %llu not "
		"followed (pid map full)\n",
		(unsigned long long)k->processes, (unsigned long long)k->execs,
		(unsigned long long)k->files, (unsigned long long)k->net, (unsigned long long)rt,
		(unsigned long long)drops, (unsigned long long)lost);
	uint64_t h2bad;
	const char *h2why = snoop_tls_why(s, &h2bad);
	if (h2bad)
		fprintf(stderr, "agent-snoop: --tls: %llu HTTP/2 connection%s not read to the end, "
			"their later calls missing (the summary's tls.h2.bad); the last: %s\n",
			(unsigned long long)h2bad, h2bad == 1 ? "" : "s", h2why ? h2why : "?");
	uint64_t h1cut;
	const char *h1why = snoop_tls_why1(s, &h1cut);
	if (h1cut)
		fprintf(stderr, "agent-snoop: --tls: %llu HTTP/1.1 message%s not read to the end "
			"(in the summary's tls.cut); the last: %s\n", (unsigned long long)h1cut,
			h1cut == 1 ? "" : "s", h1why ? h1why : "?");
	if (verbose)
		report_cost(skel, cpu0, cpu_seconds());
	/* losses are never silent, and never a success */
	bool incomplete = drops || lost || k->bad;
	if (incomplete)
		fprintf(stderr, "agent-snoop: the record is incomplete: %llu events lost to a full "
			"ring buffer (-b sets its size), %llu processes not followed, %llu bad "
			"messages\n", (unsigned long long)drops, (unsigned long long)lost,
			(unsigned long long)k->bad);
	ring_buffer__free(rb);
	tls_detach();
	detach_later(skel);
	snoop_free(s);
	sb_free(&cwd);
	free(ra.groups);
	free(ra.name);
	free(ra.home);
	if (argc) {
		if (!cmd_done)
			wait_status(child, &status);
		if (incomplete && status == 0) {
			fprintf(stderr, "agent-snoop: the command succeeded; exit status 1 for the "
				"events lost\n");
			return 1;
		}
		return status;
	}
	return incomplete ? 1 : 0;
}
