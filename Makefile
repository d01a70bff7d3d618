# SPDX-License-Identifier: MIT
# agentpprof: one GNU Makefile.  Objects and programs go to build/ (build-san/
# with SAN=1), so a sanitizer build never mixes with a normal one.

# One version for every program and the installed script: VERSION, with
# git describe in a checkout (scripts/version).  Only common/cli.c is
# compiled with it, and it is rebuilt when the string changes.
AP_VERSION := $(shell sh scripts/version)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/agentpprof

CC ?= cc
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wshadow -Wfloat-conversion -Wno-unused-parameter
override CPPFLAGS += -Icommon -D_GNU_SOURCE -DAP_SHAREDIR='"$(SHAREDIR)"'

ifeq ($(SAN),1)
B ?= build-san
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
else
B ?= build
endif

# Every cmd/NAME.c is a program; agent-snoop only with the BPF toolchain.
PROGS = $(filter-out agent-snoop,$(basename $(notdir $(wildcard cmd/*.c))))

# Libraries per program, one plain line each.
LDLIBS_agent-sessions = -lsqlite3 -pthread
LDLIBS_agent-events = -ljq -lsqlite3 -pthread
LDLIBS_agent-ledger = -lsqlite3
LDLIBS_agent-tag = -lpcre2-8 -lyaml -lm -ldl
LDLIBS_agent-stack = -lyaml -ljq -lm
LDLIBS_folded2svg = -lm
LDLIBS_folded2pprof = -lz -pthread
LDLIBS_agent-snoop = -lbpf -lelf -lz -lnghttp2 -lbrotlidec -lsqlite3
LDLIBS_agent-join =

# common/*.c is what two or more programs link; common/ROOM/*.c an engine
# or an agent (README.md, "Building", has the map).
COMMON_SRC = $(wildcard common/*.c common/*/*.c)
COMMON_HDR = $(wildcard common/*.h common/*/*.h)
# An archive member is named by its file name alone: two sources with one
# name would replace each other in libcommon.a.
COMMON_DUP = $(shell printf '%s\n' $(notdir $(COMMON_SRC)) | sort | uniq -d)
$(if $(COMMON_DUP),$(error common/: two sources share a file name: $(COMMON_DUP)))
COMMON_OBJ = $(COMMON_SRC:%.c=$(B)/%.o)
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# fuzz/NAME.c: libFuzzer targets (make fuzz) and their replay drivers
FUZZ_NAMES = $(filter-out replay,$(basename $(notdir $(wildcard fuzz/*.c))))
FUZZ_BINS = $(FUZZ_NAMES:%=build-fuzz/%)
REPLAY_BINS = $(FUZZ_NAMES:%=$(B)/fuzz/%)

# --- agent-snoop: built only when clang, bpftool and libbpf are there ---------
BPF_OK := $(shell command -v clang >/dev/null 2>&1 && command -v bpftool >/dev/null 2>&1 && \
	test -f /usr/include/bpf/libbpf.h && test -r /sys/kernel/btf/vmlinux -o -f bpf/vmlinux.h && echo yes)
ifeq ($(BPF_OK),yes)
PROGS += $(if $(wildcard cmd/agent-snoop.c),agent-snoop)
else
$(info agent-snoop skipped: needs clang, bpftool, libbpf-dev and kernel BTF (scripts/install-deps))
endif

BINS = $(PROGS:%=$(B)/bin/%)

all: $(B)/.deps-ok $(BINS) $(UNIT_BIN) $(REPLAY_BINS)

# Name the missing Debian package instead of failing on a missing header.
# Plain make only names it; make demo and make check, run as root, install
# it (README.md), as scripts/install-deps does.
DEPS_INSTALL = $(if $(filter demo check check-slow,$(MAKECMDGOALS)),--install --snoop)
$(B)/.deps-ok: scripts/check-deps
	@mkdir -p $(B)
	@sh scripts/check-deps $(DEPS_INSTALL)
	@touch $@

# The version string, rewritten only when it changes, so that cli.o (and
# through libcommon.a every program) is rebuilt then and only then.
$(B)/version.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(AP_VERSION)' | cmp -s - $@ || echo '$(AP_VERSION)' > $@
$(B)/common/cli.o build-fuzz/common/cli.o build-cov/common/cli.o: $(B)/version.txt
%/common/cli.o: override CPPFLAGS += -DAP_VERSION='"$(AP_VERSION)"'

$(B)/common/%.o: common/%.c $(COMMON_HDR) $(B)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c $(COMMON_HDR) $(B)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libcommon.a: $(COMMON_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/bin/%: $(B)/cmd/%.o $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(B)/libcommon.a $(LDLIBS_$*) $(LDLIBS)

# Unit tests of common/: each prints TAP.
$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcommon.a -ljq -lpcre2-8 -lyaml -lsqlite3 -lz -lnghttp2 -lbrotlienc -lbrotlidec -lm
# (headscan includes agent-events.c itself, for its static functions)
$(B)/tests/headscan: cmd/agent-events.c

# --- BPF (libbpf-tools layout) ----------------------------------------------
BPF_CLANG ?= clang
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

$(B)/bpf/vmlinux.h:
	@mkdir -p $(@D)
	if [ -f bpf/vmlinux.h ]; then cp bpf/vmlinux.h $@.tmp; \
	else bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp; fi
	mv $@.tmp $@

$(B)/bpf/%.bpf.o: bpf/%.bpf.c bpf/*.h $(B)/bpf/vmlinux.h
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(B)/bpf -Ibpf -c $< -o $@.tmp
	bpftool gen object $@ $@.tmp
	rm -f $@.tmp

$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o
	bpftool gen skeleton $< > $@.tmp
	mv $@.tmp $@

$(B)/cmd/agent-snoop.o: cmd/agent-snoop.c $(B)/bpf/snoop.skel.h bpf/snoop.h $(COMMON_HDR) $(B)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(B)/bpf -Ibpf $(CFLAGS) -c -o $@ $<

# The decoder in libcommon reads the kernel's message layout.
$(B)/common/snoop/snoop.o: bpf/snoop.h

# --- fuzzing (make fuzz; scripts/fuzz runs the targets) -----------------------
# Each fuzz/NAME.c is a libFuzzer target built by clang with the common
# sources compiled the same way (coverage and sanitizers everywhere), into
# build-fuzz/.  The same targets built with $(CC) and fuzz/replay.c's main()
# replay the kept crash inputs in tests/81-regress.t.  Targets link an
# archive, so one that compiles a file in itself (a cmd/ program with its
# main renamed, common/tag/tagllm.c beside a stand-in libcurl) takes its own
# copy.  make fuzz-cov builds them with clang's source-based coverage into
# build-cov/, replays each target's corpus and prints line coverage per file.
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
COV_FLAGS = -g -O1 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
FUZZ_SECONDS ?= 60
FUZZ_LIBS = -ljq -lpcre2-8 -lyaml -lcurl -lsqlite3 -lz -lnghttp2 -lbrotlidec -lm
FUZZ_DEPS = fuzz/fuzz.h $(COMMON_HDR) $(wildcard cmd/*.c)

# One instrumented tree: $(1) the folder, $(2) the compiler flags.
define instrumented
$(1)/common/%.o: common/%.c $$(COMMON_HDR)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(CPPFLAGS) -std=gnu11 $(2) -c -o $$@ $$<

$(1)/common/snoop/snoop.o: bpf/snoop.h

$(1)/libcommon.a: $$(COMMON_SRC:%.c=$(1)/%.o)
	rm -f $$@
	$$(AR) rcs $$@ $$^

$(1)/%: fuzz/%.c $$(FUZZ_DEPS) $(1)/libcommon.a
	$$(FUZZ_CC) $$(CPPFLAGS) -Ifuzz -std=gnu11 $(2) -o $$@ $$< $(1)/libcommon.a $$(FUZZ_LIBS)
endef
$(eval $(call instrumented,build-fuzz,$(FUZZ_FLAGS)))
$(eval $(call instrumented,build-cov,$(COV_FLAGS)))

$(B)/fuzz/%: fuzz/%.c fuzz/replay.c $(FUZZ_DEPS) $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ifuzz $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/replay.c \
		$(B)/libcommon.a $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh scripts/fuzz $(FUZZ_NAMES)

fuzz-cov: $(FUZZ_NAMES:%=build-cov/%)
	sh scripts/fuzz --cov $(FUZZ_NAMES)

# --- aarch64: every user-space .c file compiles for arm64 ---------------------
# so that x86-only code (SSE intrinsics) cannot come back unnoticed.  clang
# cross-compiles with the target's libc headers from libc6-dev-arm64-cross
# (scripts/install-deps) searched before /usr/include; a library header
# Debian installs only in the build machine's multiarch directory (curl)
# is searched last.  Warnings are errors here.
ARCH_CC ?= clang
ARCH_TARGET ?= aarch64-linux-gnu
ARCH_SYSROOT ?= /usr/$(ARCH_TARGET)
ARCH_SRC = $(COMMON_SRC) $(wildcard cmd/*.c fuzz/*.c tests/unit/*.c)
ARCH_FLAGS = --target=$(ARCH_TARGET) -isystem $(ARCH_SYSROOT)/include \
	-idirafter /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) -fsyntax-only \
	$(CPPFLAGS) -DAP_VERSION='"check-arch"' -Ifuzz -I$(B)/bpf -Ibpf $(CFLAGS) -Werror
check-arch: $(if $(filter yes,$(BPF_OK)),$(B)/bpf/snoop.skel.h)
	@test -f $(ARCH_SYSROOT)/include/stdio.h || \
		{ echo "check-arch: no $(ARCH_TARGET) libc headers: apt-get install libc6-dev-arm64-cross (scripts/install-deps)" >&2; exit 1; }
	@fail=0; for f in $(filter-out $(if $(filter yes,$(BPF_OK)),,cmd/agent-snoop.c),$(ARCH_SRC)); do \
		$(ARCH_CC) $(ARCH_FLAGS) $$f || { echo "check-arch: $$f does not compile for $(ARCH_TARGET)" >&2; fail=$$((fail + 1)); }; \
	done; \
	if [ $$fail = 0 ]; then echo "check-arch: every file compiles for $(ARCH_TARGET)"; \
	else echo "check-arch: $$fail files do not compile for $(ARCH_TARGET)" >&2; exit 1; fi

# --- checks -------------------------------------------------------------------
# Two tiers, by file (README.md, "Testing"): make check runs the fast one
# (unit, adapters, views, man pages, renderers' exact output: under a minute
# on 2 cores), make check-slow the rest (corpus-wide runs, headless
# chromium, valgrind, hostile and huge inputs, agent-snoop, install).
# Every tests/*.t is named in exactly one list: check-tiers fails otherwise.
# Longest first in each list, so that prove -j keeps every CPU busy.
TESTS_FAST = tests/03-hash-unit.t tests/50-folded2svg.t tests/60-folded2pprof.t tests/61-folded2pprof-header.t tests/62-folded2pprof-batch.t tests/43-report-budget.t tests/45-agent-tag.t \
	tests/40-agent-stack.t tests/48-tagstack-fast.t tests/48-stack-needs.t tests/40-agent-stack-memo.t tests/84-secrets.t tests/31-events-codex.t tests/49-tag-keys.t tests/49-tag-index.t tests/49-tag-pipe.t tests/49-tag-first-bytes.t tests/04-claudesniff-unit.t tests/04-sniffpart-unit.t tests/24-sessions-head.t \
	tests/88-issue13-review.t tests/30-events-claude.t tests/32-events-gemini.t \
	tests/41-agent-stack-report.t tests/20-agent-sessions.t tests/90-agentpprof.t \
	tests/92-overview.t tests/10-agent-events.t tests/46-exit-status.t tests/01-shell.t \
	tests/35-effects.t tests/87-issue12-review.t tests/81-regress.t \
	tests/85-strict-input.t tests/05-man.t tests/42-prices.t tests/33-events-man.t \
	tests/91-gallery.t tests/00-unit.t tests/21-sessions-unit.t tests/02-effects-unit.t tests/35-effects-shared.t \
	tests/03-arena-unit.t tests/06-usage.t tests/07-deps.t tests/08-man-formats.t \
	tests/03-toolkind-unit.t tests/04-jscan-unit.t tests/04-tagclean-unit.t tests/04-taglits-unit.t tests/04-redact-unit.t tests/04-evfast-unit.t tests/04-codexfast-unit.t tests/23-agent-interface.t tests/36-toolkind.t tests/71-agent-join.t tests/74-tls.t tests/75-snoop-attrib.t tests/34-events-jobs.t tests/34-events-order.t tests/47-agent-ledger.t tests/43-agent-stack-table.t tests/44-agent-stack-baseline.t tests/47-wrong-input.t tests/34-events-more-agents.t tests/34-events-more.t tests/34-events-amp-cut.t tests/34-events-more-corpus.t tests/37-events-opencode.t tests/38-events-goose.t tests/34-events-others-fast.t tests/34-events-order-keys.t tests/34-events-order-own.t tests/34-events-order-kept.t tests/34-events-amp-valid.t tests/34-events-aider-lines.t tests/04-evwrite-unit.t tests/04-evmerge-unit.t tests/34-events-files-once.t tests/04-jparse-unit.t tests/32-events-gemini-gen.t tests/38-events-goose-gen.t tests/04-cursorfast-unit.t tests/04-headscan-unit.t tests/04-ampvalid-unit.t tests/04-aiderblock-unit.t tests/37-events-opencode-rows.t tests/34-events-copilot-map.t tests/32-events-gemini-pieces.t tests/38-events-goose-scan.t tests/04-lastint-unit.t tests/04-tsparse-unit.t tests/30-events-claude-usage.t tests/34-events-kimi-ids.t tests/37-events-opencode-keys.t
TESTS_SLOW = tests/80-hostile.t tests/70-agent-snoop.t tests/82-valgrind.t \
	tests/83-reliability.t tests/50-folded2svg-browser.t tests/60-folded2pprof-corpus.t \
	tests/45-agent-tag-corpus.t tests/30-events-claude-corpus.t \
	tests/31-events-codex-corpus.t tests/32-events-gemini-corpus.t \
	tests/86-corpus-truth.t tests/50-folded2svg-corpus.t tests/95-install.t tests/72-agent-join-live.t tests/97-team-clickhouse.t tests/98-team-push.t tests/73-agent-snoop-tls.t tests/76-agent-snoop-attrib.t \
	tests/22-agent-detect.t tests/34-events-jobs-corpus.t tests/05-man-examples.t tests/39-events-opencode-corpus.t
# prove -j: the CPUs and two more (the tests wait on processes, too)
PROVE_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 2 )))
PROVE = AP_BUILD=$(CURDIR)/$(B) SAN=$(SAN) prove -j$(PROVE_JOBS)

check: all check-tiers
	@sh scripts/check-deps --test $(DEPS_INSTALL)
	CC="$(CC)" LDFLAGS="$(LDFLAGS)" sh scripts/check-layout $(B)
	$(PROVE) $(TESTS_FAST)

check-slow: all check-tiers
	@sh scripts/check-deps --test $(DEPS_INSTALL)
	$(PROVE) $(TESTS_SLOW)

check-tiers:
	@bad=0; \
	for t in $(sort $(wildcard tests/*.t) $(TESTS_FAST) $(TESTS_SLOW)); do \
		n=0; for f in $(TESTS_FAST) $(TESTS_SLOW); do [ "$$f" = "$$t" ] && n=$$((n + 1)); done; \
		if [ ! -f "$$t" ]; then echo "Makefile: $$t is in a test tier but does not exist" >&2; bad=1; \
		elif [ $$n != 1 ]; then echo "Makefile: $$t is in $$n test tiers; name it once, in TESTS_FAST (a few seconds) or TESTS_SLOW" >&2; bad=1; fi; \
	done; exit $$bad

bench: all
	AP_BUILD=$(CURDIR)/$(B) sh scripts/bench

# The programs alone: no unit tests, no fuzz replay drivers.
progs: $(B)/.deps-ok $(BINS)

# A first look, quietly: one line per step, then the one-shot's summary.
# As root it first installs what is missing, agent-snoop's dependencies
# too; the programs are built by a make started after that, so that
# agent-snoop is built when its toolchain has just been installed.  The
# man pages and their gallery are left alone (make gallery rewrites it).
DEMO_OUT ?= agentpprof-out
demo:
	@sh scripts/check-deps --install --snoop
	@echo "demo: building the programs into $(B)/bin"
	@$(MAKE) -s --no-print-directory progs
	@echo "demo: profiling your sessions, or the bundled examples, into $(DEMO_OUT)/"
	@AP_BUILD=$(abspath $(B)) PATH="$(abspath $(B))/bin:$$PATH" sh scripts/agentpprof --demo -o $(DEMO_OUT)

# The GALLERY of agentpprof(7), from the bundled examples only.
gallery: all
	PATH="$(CURDIR)/$(B)/bin:$$PATH" sh scripts/gallery

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(SHAREDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	sed -e 's|@SHAREDIR@|$(SHAREDIR)|' -e 's|@VERSION@|$(AP_VERSION)|' scripts/agentpprof > $(B)/agentpprof.sh
	install -m 755 $(B)/agentpprof.sh $(DESTDIR)$(BINDIR)/agentpprof
	sed -e 's|@SHAREDIR@|$(SHAREDIR)|' -e 's|@VERSION@|$(AP_VERSION)|' scripts/agentpprof-team > $(B)/agentpprof-team.sh
	install -m 755 $(B)/agentpprof-team.sh $(DESTDIR)$(BINDIR)/agentpprof-team
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7
	install -d $(DESTDIR)$(SHAREDIR)/examples
	install -m 644 share/prices.yaml share/team-schema.sql share/otlp.jq LICENSE $(DESTDIR)$(SHAREDIR)
	install -m 644 share/examples/* $(DESTDIR)$(SHAREDIR)/examples

clean:
	rm -rf build build-san build-fuzz build-cov

.PHONY: all progs check check-slow check-tiers bench demo gallery install clean fuzz fuzz-build fuzz-cov check-arch FORCE
.SECONDARY:
