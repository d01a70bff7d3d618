/* SPDX-License-Identifier: (MIT OR GPL-2.0-only) */
/* snoop.h: the messages agent-snoop's kernel side sends to user space
 * through its ring buffer, and the constants both sides share.  Nothing
 * else lives here (libbpf-tools layout). */
#ifndef AP_SNOOP_H
#define AP_SNOOP_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SNOOP_PATH_MAX 4096     /* longest path read; longer ones are cut */
#define SNOOP_ARGS_MAX 2048     /* bytes of the exec argument area read */
#define SNOOP_DNS_MAX 512       /* bytes of a DNS answer read */
#define SNOOP_COMM_LEN 16
#define SNOOP_MAX_PIDS 65536    /* processes followed at once */
#define SNOOP_TLS_CHUNK 8192    /* bytes of TLS plaintext a message carries */
#define SNOOP_TLS_CHUNKS 16     /* messages at most for one read or write */
#define SNOOP_AT_FDCWD (-100)

enum snoop_type {
	SNOOP_FORK = 1,         /* pid: the child, ppid: the forking process */
	SNOOP_EXEC,             /* s1: file name, s2: argument area (NUL-separated) */
	SNOOP_EXIT,             /* ret: wait(2)-style status of the last thread */
	SNOOP_OPEN,             /* s1: path, dirfd, flags: open flags */
	SNOOP_UNLINK,           /* s1: path, dirfd, flags: AT_REMOVEDIR for rmdir */
	SNOOP_RENAME,           /* s1: old, dirfd; s2: new, dirfd2 */
	SNOOP_MKDIR,            /* s1: path, dirfd */
	SNOOP_CHDIR,            /* s1: path */
	SNOOP_FCHDIR,           /* dirfd: the descriptor */
	SNOOP_CONNECT,          /* family, port, addr */
	SNOOP_LISTEN,           /* family, port, addr: the local address */
	SNOOP_DNS,              /* s1: a DNS message received from port 53 */
	SNOOP_TLS,              /* s1: plaintext written or read (flags) on TLS
	                         * connection conn; ret: the call's byte count */
	SNOOP_NTYPES
};

/* The system calls watched, by tracepoint name (syscalls/sys_enter_NAME
 * and sys_exit_NAME); snoop.bpf.c handles each by number. */
#define SNOOP_SYSCALLS "open", "creat", "openat", "openat2", "unlink", "unlinkat", "rmdir", \
	"mkdir", "mkdirat", "rename", "renameat", "renameat2", "chdir", "fchdir", "connect", \
	"listen", "recvfrom"

/* hdr.flags of SNOOP_EXEC: a process picked by -c COMM, a root of its own */
#define SNOOP_F_ROOT 1u
/* hdr.flags of SNOOP_TLS: read (else written) */
#define SNOOP_F_READ 2u

/* Per-CPU counters of what was lost. */
enum snoop_counter {
	SNOOP_C_RING,           /* messages lost to a full ring buffer */
	SNOOP_C_PIDS,           /* children not followed: the pid map was full */
	SNOOP_C_RUNTIME,        /* opens of runtime files, left out (keep_runtime) */
	SNOOP_C_TLS_CUT,        /* TLS reads and writes longer than the chunks sent */
	SNOOP_NCOUNTERS
};

/* Every message: this header, then len1 bytes of s1 and len2 of s2. */
struct snoop_hdr {
	__u32 type;
	__u32 pid;              /* thread group id */
	__u32 ppid;             /* the real parent's thread group id */
	__u32 uid;
	__u64 ts;               /* CLOCK_BOOTTIME, nanoseconds */
	__s64 ret;              /* the syscall's result (-errno), or as above */
	__s32 dirfd, dirfd2;
	__u32 flags;
	__u32 len1, len2;
	__u16 family;           /* AF_INET or AF_INET6 */
	__u16 port;             /* host byte order */
	__u8 addr[16];          /* network byte order: 4 bytes for IPv4 */
	__u64 conn;             /* SNOOP_TLS: the TLS object's address */
	char comm[SNOOP_COMM_LEN];
};

/* The kernel builds a message here (one per CPU) before sending it. */
struct snoop_buf {
	struct snoop_hdr h;
	char data[3 * SNOOP_PATH_MAX];
};
#endif
