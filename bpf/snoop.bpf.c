/* SPDX-License-Identifier: (MIT OR GPL-2.0-only) */
/* snoop.bpf.c: agent-snoop's kernel side.
 *
 * Processes are followed by thread group id in the `followed` map: user
 * space puts the roots there, sched_process_fork adds the children of a
 * followed process and sched_process_exit removes a process when its last
 * thread dies.  Every handler looks the current process up first, so a
 * process that is not followed costs one hash lookup and sends nothing.
 *
 * System calls are watched on their own tracepoints (syscalls/sys_enter_X
 * and sys_exit_X, one program for all entries and one for all exits): at
 * entry the arguments of a followed thread are kept, at exit the result
 * is known, the strings are read and the message sent.  The raw sys_enter
 * and sys_exit tracepoints run a program for every system call of every
 * process on the machine: 190 ns more per call here, against 55 ns for
 * the kernel's own test of which calls are watched.  Detaching the 34
 * tracepoints costs as many RCU grace periods, so user space detaches
 * them side by side.  fentry/fexit and LSM programs are refused by a
 * kernel locked down for integrity, and this kernel has no kprobes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "snoop.h"

#define AF_INET 2
#define AF_INET6 10
#define O_ACCMODE 03
#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define AT_REMOVEDIR 0x200
#define EINPROGRESS 115
#define ENOENT 2

/* -c COMM: follow every process that execs with this name */
const volatile bool filter_comm = false;
const volatile char targ_comm[SNOOP_COMM_LEN] = {};
/* --runtime-files: also send the opens of runtime files (runtime_file) */
const volatile bool keep_runtime = false;
/* wake user space when this much is waiting (set to 1/8 of the buffer) */
const volatile __u64 wake_bytes = 2 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SNOOP_MAX_PIDS);
	__type(key, u32);
	__type(value, u8);
} followed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);  /* user space may resize before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct snoop_buf);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SNOOP_NCOUNTERS);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

static __always_inline void count(u32 which)
{
	u64 *c = bpf_map_lookup_elem(&counters, &which);
	if (c)
		*c += 1;
}

static __always_inline bool is_followed(u32 tgid)
{
	return bpf_map_lookup_elem(&followed, &tgid) != NULL;
}

static __always_inline bool current_followed(void)
{
	return is_followed(bpf_get_current_pid_tgid() >> 32);
}

/* The per-CPU buffer with the header filled in for the current task. */
static __always_inline struct snoop_buf *scratch_buf(void)
{
	u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

/* The header of a message for the current task (the data is left). */
static __always_inline void header(struct snoop_buf *b, u32 type)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__builtin_memset(&b->h, 0, sizeof b->h);
	b->h.type = type;
	b->h.pid = t->tgid;
	b->h.ppid = t->real_parent->tgid;
	b->h.uid = (u32)bpf_get_current_uid_gid();
	b->h.ts = bpf_ktime_get_boot_ns();
	b->h.dirfd = b->h.dirfd2 = SNOOP_AT_FDCWD;
	bpf_get_current_comm(b->h.comm, sizeof b->h.comm);
}

/* The per-CPU buffer with the header filled in for the current task. */
static __always_inline struct snoop_buf *start(u32 type)
{
	struct snoop_buf *b = scratch_buf();
	if (b)
		header(b, type);
	return b;
}

static __always_inline void submit(struct snoop_buf *b)
{
	u64 n = sizeof b->h + (u64)b->h.len1 + b->h.len2;
	if (n > sizeof *b)
		n = sizeof *b;
	/* bpf_ringbuf_output reserves and copies: it fails only when the
	 * buffer is full, and then the loss is counted, never silent. */
	/* Waking the reader is an interrupt per message (a VM exit under a
	 * hypervisor: it tripled the cost of an open).  The reader polls
	 * every 100 ms anyway, so wake it only when the buffer fills up. */
	u64 fl = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&events, b, n, fl))
		count(SNOOP_C_RING);
}

/* A user string at data[off]; its length with the NUL, 0 when unreadable. */
static __always_inline u32 ustr(struct snoop_buf *b, u32 off, const char *src)
{
	off &= 2 * SNOOP_PATH_MAX - 1;
	long n = bpf_probe_read_user_str(&b->data[off], SNOOP_PATH_MAX, src);
	return n > 0 ? (u32)n : 0;
}

static __always_inline int path1(u32 type, long ret, int dirfd, const char *path, u32 flags)
{
	struct snoop_buf *b = start(type);
	if (!b)
		return 0;
	b->h.ret = ret;
	b->h.dirfd = dirfd;
	b->h.flags = flags;
	b->h.len1 = ustr(b, 0, path);
	submit(b);
	return 0;
}

static __always_inline int path2(long ret, int d1, const char *p1, int d2, const char *p2, u32 flags)
{
	struct snoop_buf *b = start(SNOOP_RENAME);
	if (!b)
		return 0;
	b->h.ret = ret;
	b->h.dirfd = d1;
	b->h.dirfd2 = d2;
	b->h.flags = flags;
	b->h.len1 = ustr(b, 0, p1);
	b->h.len2 = ustr(b, b->h.len1, p2);
	submit(b);
	return 0;
}

/* --- processes ------------------------------------------------------------ */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 ptgid = parent->tgid, ctgid = child->tgid;
	if (ptgid == ctgid || !is_followed(ptgid))
		return 0;       /* a new thread, or not ours */
	u8 one = 1;
	if (bpf_map_update_elem(&followed, &ctgid, &one, BPF_ANY))
		count(SNOOP_C_PIDS);
	struct snoop_buf *b = start(SNOOP_FORK);
	if (!b)
		return 0;
	b->h.pid = ctgid;
	b->h.ppid = ptgid;
	submit(b);
	return 0;
}

static __always_inline bool comm_matches(struct task_struct *p)
{
	char c[SNOOP_COMM_LEN];
	bpf_probe_read_kernel_str(c, sizeof c, p->comm);
	for (int i = 0; i < SNOOP_COMM_LEN; i++) {
		if (c[i] != targ_comm[i])
			return false;
		if (!c[i])
			break;
	}
	return true;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	u32 tgid = p->tgid, flags = 0;
	if (!is_followed(tgid)) {
		if (!filter_comm || !comm_matches(p))
			return 0;
		u8 one = 1;
		if (bpf_map_update_elem(&followed, &tgid, &one, BPF_ANY)) {
			count(SNOOP_C_PIDS);
			return 0;
		}
		flags = SNOOP_F_ROOT;
	}
	struct snoop_buf *b = start(SNOOP_EXEC);
	if (!b)
		return 0;
	b->h.flags = flags;
	long n = bpf_probe_read_kernel_str(b->data, SNOOP_PATH_MAX, bprm->filename);
	b->h.len1 = n > 0 ? (u32)n : 0;
	/* The new image's arguments are already in its memory. */
	struct mm_struct *mm = p->mm;
	unsigned long as = mm->arg_start, ae = mm->arg_end;
	u64 len = ae > as ? ae - as : 0;
	if (len > SNOOP_ARGS_MAX)
		len = SNOOP_ARGS_MAX;
	u32 off = b->h.len1 & (2 * SNOOP_PATH_MAX - 1);
	if (len && !bpf_probe_read_user(&b->data[off], len, (void *)as))
		b->h.len2 = len;
	submit(b);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	u32 tgid = p->tgid;
	if (!is_followed(tgid))
		return 0;
	/* the process ends with its last thread */
	if (p->signal->live.counter > 0)
		return 0;
	bpf_map_delete_elem(&followed, &tgid);
	struct snoop_buf *b = start(SNOOP_EXIT);
	if (!b)
		return 0;
	b->h.ret = p->exit_code;
	submit(b);
	return 0;
}

/* --- system calls ----------------------------------------------------------- */

/* What a followed thread's system call was given, kept from its entry to
 * its exit in the thread's own storage: no hashing, nothing to delete,
 * and it goes with the thread.  type 0: no call in flight. */
struct args {
	u32 type;
	s32 fd1, fd2;
	u32 flags;
	const void *p1, *p2;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct args);
} inflight SEC(".maps");

static __always_inline int enter(u32 type, int fd1, const void *p1, int fd2, const void *p2, u32 flags)
{
	if (!current_followed())
		return 0;
	struct args *a = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
		BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a)
		return 0;
	a->type = type;
	a->fd1 = fd1;
	a->fd2 = fd2;
	a->flags = flags;
	a->p1 = p1;
	a->p2 = p2;
	return 0;
}

static __always_inline void connect_msg(struct snoop_buf *b, const void *ua)
{
	u16 family = 0;
	bpf_probe_read_user(&family, sizeof family, ua);
	b->h.family = family;
	if (family == AF_INET) {
		struct sockaddr_in in = {};
		bpf_probe_read_user(&in, sizeof in, ua);
		b->h.port = bpf_ntohs(in.sin_port);
		__builtin_memcpy(b->h.addr, &in.sin_addr, 4);
	} else {
		struct sockaddr_in6 in6 = {};
		bpf_probe_read_user(&in6, sizeof in6, ua);
		b->h.port = bpf_ntohs(in6.sin6_port);
		__builtin_memcpy(b->h.addr, &in6.sin6_addr, 16);
	}
}

/* The socket behind descriptor fd of the current process, or NULL. */
static __always_inline struct sock *fd_sock(int fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = t->files->fdt;
	if (fd < 0 || (unsigned)fd >= fdt->max_fds)
		return NULL;
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof f, &fdt->fd[fd]);
	if (!f)
		return NULL;
	struct socket *s = BPF_CORE_READ(f, private_data);
	return s ? BPF_CORE_READ(s, sk) : NULL;
}

static __always_inline void listen_msg(struct snoop_buf *b, struct sock *sk)
{
	u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	b->h.family = family;
	b->h.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (family == AF_INET) {
		u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(b->h.addr, &a, 4);
	} else {
		BPF_CORE_READ_INTO(&b->h.addr, sk, __sk_common.skc_v6_rcv_saddr);
	}
}

static __always_inline bool has_prefix(const char *s, const char *pre, u32 n)
{
	return !bpf_strncmp(s, n, pre);
}
#define PREFIX(s, lit) has_prefix(s, lit, sizeof lit - 1)

/* A file the runtime reads or looks for, not one the agent chose:
 * read-only opens of the loader's cache, of shared objects (".so" ends
 * the file name or comes before a version: libc.so.6), of locale data and
 * of gconv modules, and of paths in the system's directories that are not
 * there.  About thirty such opens come with each process in a C.UTF-8
 * locale; they are counted, not sent. */
#define RUNTIME_SCAN 256
static __always_inline bool runtime_file(const char *s, u32 n, u32 flags, long ret)
{
	if ((flags & O_ACCMODE) || (flags & (O_CREAT | O_TRUNC)) || n < 2 || s[0] != '/')
		return false;
	if (PREFIX(s, "/etc/ld.so.cache") || PREFIX(s, "/usr/lib/locale/") ||
	    PREFIX(s, "/usr/share/locale/") || PREFIX(s, "/usr/lib/x86_64-linux-gnu/gconv/"))
		return true;
	/* a search path tried in the system's directories and not there:
	 * the loader's, a compiler's include path, an interpreter's modules
	 * (cc1 tries four directories for each header: 2 of 3 opens of a
	 * build) */
	if (ret == -ENOENT && (PREFIX(s, "/usr/") || PREFIX(s, "/lib/") || PREFIX(s, "/lib64/")))
		return true;
	/* the last name of the path: does ".so" end it, or come before a dot
	 * and a digit (a version: libc.so.6, not ld.so.conf)? */
	bool so = false;
	for (u32 i = 1; i < RUNTIME_SCAN; i++) {
		if (i + 3 >= n)
			break;
		char c = s[i];
		if (c == '/')
			so = false;
		else if (c == '.' && s[i + 1] == 's' && s[i + 2] == 'o' &&
			 (s[i + 3] == 0 || (s[i + 3] == '.' && s[i + 4] >= '0' && s[i + 4] <= '9')))
			so = true;
	}
	/* a path longer than the scan is not judged: it is sent */
	return so && n <= RUNTIME_SCAN;
}

/* At the exit of a followed call: send what it did. */
static __always_inline int leave(long ret)
{
	struct args *ap = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!ap || !ap->type)
		return 0;
	struct args a = *ap;
	ap->type = 0;
	struct sock *sk = NULL;
	switch (a.type) {
	case SNOOP_CHDIR:
	case SNOOP_FCHDIR:
		if (ret)
			return 0;
		break;
	case SNOOP_CONNECT:
		if (ret == -EINPROGRESS)
			ret = 0;
		break;
	case SNOOP_LISTEN:
		if (ret)
			return 0;
		sk = fd_sock(a.fd1);
		if (!sk)
			return 0;
		u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
		if (fam != AF_INET && fam != AF_INET6)
			return 0;
		break;
	case SNOOP_DNS:
		if (ret <= 12)
			return 0;
		/* answers from a DNS server: a UDP socket connected to port
		 * 53, as the C library's resolver uses */
		sk = fd_sock(a.fd1);
		if (!sk || BPF_CORE_READ(sk, __sk_common.skc_dport) != bpf_htons(53))
			return 0;
		break;
	}
	struct snoop_buf *b = scratch_buf();
	if (!b)
		return 0;
	/* an open's path first: most opens are of runtime files, counted
	 * and dropped before the header is made */
	u32 len1 = 0;
	if (a.type == SNOOP_OPEN) {
		len1 = ustr(b, 0, a.p1);
		if (!keep_runtime && runtime_file(b->data, len1, a.flags, ret)) {
			count(SNOOP_C_RUNTIME);
			return 0;
		}
	}
	header(b, a.type);
	b->h.ret = ret;
	b->h.dirfd = a.fd1;
	b->h.dirfd2 = a.fd2;
	b->h.flags = a.flags;
	switch (a.type) {
	case SNOOP_OPEN:
		b->h.len1 = len1;
		break;
	case SNOOP_UNLINK:
	case SNOOP_MKDIR:
	case SNOOP_CHDIR:
		b->h.len1 = ustr(b, 0, a.p1);
		break;
	case SNOOP_RENAME:
		b->h.len1 = ustr(b, 0, a.p1);
		b->h.len2 = ustr(b, b->h.len1, a.p2);
		break;
	case SNOOP_CONNECT:
		connect_msg(b, a.p1);
		break;
	case SNOOP_LISTEN:
		listen_msg(b, sk);
		break;
	case SNOOP_DNS: {
		u32 n = ret > SNOOP_DNS_MAX ? SNOOP_DNS_MAX : (u32)ret;
		if (bpf_probe_read_user(b->data, n, a.p1))
			return 0;
		b->h.len1 = n;
		break;
	}
	}
	submit(b);
	return 0;
}

/* --- the system calls, by number ------------------------------------------- */

#if defined(__TARGET_ARCH_x86)
#define NR_open 2
#define NR_connect 42
#define NR_recvfrom 45
#define NR_listen 50
#define NR_chdir 80
#define NR_fchdir 81
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_unlink 87
#define NR_openat 257
#define NR_mkdirat 258
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_renameat2 316
#define NR_openat2 437
#else
#error "agent-snoop: system call numbers for this architecture are missing"
#endif

/* What a followed thread's call is given, kept for its exit. */
static __always_inline int on_enter(int nr, unsigned long a0, unsigned long a1,
	unsigned long a2, unsigned long a3, unsigned long a4)
{
	const void *p0 = (const void *)a0, *p1 = (const void *)a1, *p3 = (const void *)a3;
	int cwd = SNOOP_AT_FDCWD;
	switch (nr) {
	case NR_open:
		return enter(SNOOP_OPEN, cwd, p0, 0, 0, a1);
	case NR_creat:
		return enter(SNOOP_OPEN, cwd, p0, 0, 0, O_CREAT | O_WRONLY | O_TRUNC);
	case NR_openat:
		return enter(SNOOP_OPEN, (int)a0, p1, 0, 0, a2);
	case NR_openat2: {
		u64 fl = 0;
		if (!current_followed())
			return 0;
		bpf_probe_read_user(&fl, sizeof fl, (const void *)a2);   /* open_how.flags */
		return enter(SNOOP_OPEN, (int)a0, p1, 0, 0, (u32)fl);
	}
	case NR_unlink:
		return enter(SNOOP_UNLINK, cwd, p0, 0, 0, 0);
	case NR_unlinkat:
		return enter(SNOOP_UNLINK, (int)a0, p1, 0, 0, a2);
	case NR_rmdir:
		return enter(SNOOP_UNLINK, cwd, p0, 0, 0, AT_REMOVEDIR);
	case NR_mkdir:
		return enter(SNOOP_MKDIR, cwd, p0, 0, 0, 0);
	case NR_mkdirat:
		return enter(SNOOP_MKDIR, (int)a0, p1, 0, 0, 0);
	case NR_rename:
		return enter(SNOOP_RENAME, cwd, p0, cwd, p1, 0);
	case NR_renameat:
		return enter(SNOOP_RENAME, (int)a0, p1, (int)a2, p3, 0);
	case NR_renameat2:
		return enter(SNOOP_RENAME, (int)a0, p1, (int)a2, p3, a4);
	case NR_chdir:
		return enter(SNOOP_CHDIR, cwd, p0, 0, 0, 0);
	case NR_fchdir:
		return enter(SNOOP_FCHDIR, (int)a0, 0, 0, 0, 0);
	case NR_connect: {
		u16 family = 0;
		if (!current_followed())
			return 0;
		bpf_probe_read_user(&family, sizeof family, p1);
		if (family != AF_INET && family != AF_INET6)
			return 0;       /* unix sockets and the like are not the network */
		return enter(SNOOP_CONNECT, (int)a0, p1, 0, 0, 0);
	}
	case NR_listen:
		return enter(SNOOP_LISTEN, (int)a0, 0, 0, 0, 0);
	case NR_recvfrom:
		return enter(SNOOP_DNS, (int)a0, p1, 0, 0, 0);
	}
	return 0;
}

/* One program for the entries and one for the exits of every system call
 * watched, each attached by user space to the tracepoints of all of them
 * (SNOOP_SYSCALLS): a call nobody watches then costs the kernel a bit
 * test, not a BPF program run. */
SEC("tracepoint")
int sys_enter_any(struct trace_event_raw_sys_enter *ctx)
{
	/* The record is the kernel's struct syscall_trace_enter: an int
	 * number (the 4 bytes after it are padding, not zeroed), then only
	 * the call's own arguments.  The kernel refuses a program that reads
	 * past the shortest record it is attached to (chdir's), so the
	 * arguments are copied, which may read past it harmlessly. */
	unsigned long a[5] = {};
	int nr = 0;
	bpf_probe_read_kernel(&nr, sizeof nr, &ctx->id);
	bpf_probe_read_kernel(a, sizeof a, ctx->args);
	return on_enter(nr, a[0], a[1], a[2], a[3], a[4]);
}

SEC("tracepoint")
int sys_exit_any(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/* Dual MIT/GPL (LICENSE): the kernel counts it GPL-compatible, so the
 * program may call GPL-only helpers; the source may also be used under MIT. */
/* --- TLS plaintext (--tls) ---------------------------------------------------
 * Uprobes on the TLS libraries' calls, attached by user space to the
 * libraries the followed processes map: at entry the arguments are kept
 * per thread, at return the bytes really written or read are sent in
 * chunks.  OpenSSL's SSL_write/SSL_read (and GnuTLS' record_send/recv)
 * return the count; SSL_write_ex/SSL_read_ex return 1 and store it. */
struct tls_call {
	u64 ssl, buf, lenp;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, struct tls_call);
} tls_calls SEC(".maps");

SEC("uprobe")
int tls_enter(struct pt_regs *ctx)
{
	if (!current_followed())
		return 0;
	u64 id = bpf_get_current_pid_tgid();
	struct tls_call c = {PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), PT_REGS_PARM4(ctx)};
	bpf_map_update_elem(&tls_calls, &id, &c, BPF_ANY);
	return 0;
}

static __always_inline int tls_return(struct pt_regs *ctx, u32 flags, bool ex)
{
	u64 id = bpf_get_current_pid_tgid();
	struct tls_call *cp = bpf_map_lookup_elem(&tls_calls, &id);
	if (!cp)
		return 0;
	struct tls_call c = *cp;
	bpf_map_delete_elem(&tls_calls, &id);
	/* every one returns an int (GnuTLS an ssize_t, whose values fit):
	 * the register's upper half is not part of it */
	int ret = (int)PT_REGS_RC(ctx);
	u64 n;
	if (ex) {
		u64 len = 0;
		if (ret != 1 || bpf_probe_read_user(&len, sizeof len, (void *)c.lenp))
			return 0;
		n = len;
	} else {
		if (ret <= 0)
			return 0;
		n = (u64)ret;
	}
	for (u32 i = 0; i < SNOOP_TLS_CHUNKS; i++) {
		u64 off = (u64)i * SNOOP_TLS_CHUNK;
		if (off >= n)
			break;
		struct snoop_buf *b = start(SNOOP_TLS);
		if (!b)
			return 0;
		u32 len = n - off > SNOOP_TLS_CHUNK ? SNOOP_TLS_CHUNK : (u32)(n - off);
		b->h.conn = c.ssl;
		b->h.flags = flags;
		b->h.ret = (s64)n;
		b->h.dirfd = (s32)i;
		if (len > SNOOP_TLS_CHUNK)
			return 0;   /* for the verifier */
		if (bpf_probe_read_user(b->data, len, (void *)(c.buf + off)))
			return 0;
		b->h.len1 = len;
		submit(b);
	}
	if (n > (u64)SNOOP_TLS_CHUNKS * SNOOP_TLS_CHUNK)
		count(SNOOP_C_TLS_CUT);
	return 0;
}

SEC("uretprobe")
int tls_write_ret(struct pt_regs *ctx) { return tls_return(ctx, 0, false); }
SEC("uretprobe")
int tls_read_ret(struct pt_regs *ctx) { return tls_return(ctx, SNOOP_F_READ, false); }
SEC("uretprobe")
int tls_write_ex_ret(struct pt_regs *ctx) { return tls_return(ctx, 0, true); }
SEC("uretprobe")
int tls_read_ex_ret(struct pt_regs *ctx) { return tls_return(ctx, SNOOP_F_READ, true); }

char LICENSE[] SEC("license") = "Dual MIT/GPL";
