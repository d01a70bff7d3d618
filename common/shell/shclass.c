/* SPDX-License-Identifier: MIT */
/* shclass.c: the class of a command (test build install lint vcs
 * container net run write search read other) from its program and,
 * for the programs that have them, its subcommand, script or target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "shellint.h"

/* How a program's class is read from its arguments: the rule of its row
 * in progs (S_NONE: the row's class is the answer), then the
 * subcommands table and sub_class. */
enum {
	S_NONE, S_GIT, S_GO, S_CARGO, S_NPM, S_YARN, S_BUN, S_PY, S_NODE, S_MAKE, S_TARGETS,
	S_MVN, S_GRADLE, S_DOTNET, S_BAZEL, S_ZIG, S_CMAKE, S_UV, S_PYPM, S_BUNDLE, S_PIP,
	S_RUNNER, S_SED, S_PERL, S_AWK, S_SCRIPT, S_PLAYWRIGHT, S_CYPRESS, S_VITE, S_NEXT,
	S_TURBO,
};

/* Programs: {program, class, rule}, the class being the answer when the
 * rule reads nothing more.  Sorted by strcmp for bsearch (the pinned
 * classes of tests/fixtures/shell/classes.tsv fail when a row is out of
 * order). */
static const struct prog {
	const char *name;
	const char *class;
	int rule;
} progs[] = {
	{".", "other", S_NONE},
	{"ack", "search", S_NONE},
	{"actionlint", "lint", S_NONE},
	{"ag", "search", S_NONE},
	{"ant", "build", S_NONE},
	{"apk", "install", S_NONE},
	{"apt", "install", S_NONE},
	{"apt-get", "install", S_NONE},
	{"aptitude", "install", S_NONE},
	{"aria2c", "net", S_NONE},
	{"as", "build", S_NONE},
	{"autoconf", "build", S_NONE},
	{"autopep8", "lint", S_NONE},
	{"autoreconf", "build", S_NONE},
	{"ava", "test", S_NONE},
	{"awk", "read", S_AWK},
	{"bash", "run", S_SCRIPT},
	{"bat", "read", S_NONE},
	{"batcat", "read", S_NONE},
	{"bats", "test", S_NONE},
	{"bazel", "build", S_BAZEL},
	{"bazelisk", "build", S_BAZEL},
	{"biome", "lint", S_NONE},
	{"black", "lint", S_NONE},
	{"brew", "install", S_NONE},
	{"buildah", "container", S_NONE},
	{"bun", "run", S_BUN},
	{"bundle", "install", S_BUNDLE},
	{"bundler", "install", S_BUNDLE},
	{"bunx", "run", S_RUNNER},
	{"busted", "test", S_NONE},
	{"bzcat", "read", S_NONE},
	{"c++", "build", S_NONE},
	{"cargo", "build", S_CARGO},
	{"cat", "read", S_NONE},
	{"cc", "build", S_NONE},
	{"chgrp", "write", S_NONE},
	{"chmod", "write", S_NONE},
	{"chown", "write", S_NONE},
	{"cksum", "read", S_NONE},
	{"clang", "build", S_NONE},
	{"clang++", "build", S_NONE},
	{"clang-format", "lint", S_NONE},
	{"clang-tidy", "lint", S_NONE},
	{"cmake", "build", S_CMAKE},
	{"cmp", "read", S_NONE},
	{"column", "read", S_NONE},
	{"comm", "read", S_NONE},
	{"composer", "install", S_PYPM},
	{"conda", "install", S_PYPM},
	{"corepack", "install", S_NONE},
	{"coverage", "test", S_NONE},
	{"cp", "write", S_NONE},
	{"cpanm", "install", S_NONE},
	{"cppcheck", "lint", S_NONE},
	{"cpplint", "lint", S_NONE},
	{"crictl", "container", S_NONE},
	{"ctest", "test", S_NONE},
	{"ctr", "container", S_NONE},
	{"curl", "net", S_NONE},
	{"cut", "read", S_NONE},
	{"cypress", "test", S_CYPRESS},
	{"dash", "run", S_SCRIPT},
	{"dd", "write", S_NONE},
	{"deno", "run", S_BAZEL},
	{"diff", "read", S_NONE},
	{"dig", "net", S_NONE},
	{"dnf", "install", S_NONE},
	{"docker", "container", S_NONE},
	{"docker-compose", "container", S_NONE},
	{"dotnet", "build", S_DOTNET},
	{"du", "read", S_NONE},
	{"egrep", "search", S_NONE},
	{"esbuild", "build", S_NONE},
	{"eslint", "lint", S_NONE},
	{"fd", "search", S_NONE},
	{"fdfind", "search", S_NONE},
	{"fgrep", "search", S_NONE},
	{"file", "read", S_NONE},
	{"find", "search", S_NONE},
	{"flake8", "lint", S_NONE},
	{"flatpak", "install", S_NONE},
	{"fossil", "vcs", S_NONE},
	{"ftp", "net", S_NONE},
	{"g++", "build", S_NONE},
	{"gawk", "read", S_AWK},
	{"gcc", "build", S_NONE},
	{"gem", "install", S_PYPM},
	{"gh", "vcs", S_NONE},
	{"git", "vcs", S_GIT},
	{"git-lfs", "vcs", S_NONE},
	{"glab", "vcs", S_NONE},
	{"gmake", "build", S_MAKE},
	{"go", "other", S_GO},
	{"gofmt", "lint", S_NONE},
	{"goimports", "lint", S_NONE},
	{"golangci-lint", "lint", S_NONE},
	{"gradle", "build", S_GRADLE},
	{"gradlew", "build", S_GRADLE},
	{"grep", "search", S_NONE},
	{"hadolint", "lint", S_NONE},
	{"hatch", "install", S_PYPM},
	{"hd", "read", S_NONE},
	{"head", "read", S_NONE},
	{"helm", "container", S_NONE},
	{"hexdump", "read", S_NONE},
	{"hg", "vcs", S_NONE},
	{"host", "net", S_NONE},
	{"http", "net", S_NONE},
	{"https", "net", S_NONE},
	{"install", "write", S_NONE},
	{"invoke", "run", S_TARGETS},
	{"isort", "lint", S_NONE},
	{"jasmine", "test", S_NONE},
	{"java", "run", S_NONE},
	{"javac", "build", S_NONE},
	{"jest", "test", S_NONE},
	{"jj", "vcs", S_NONE},
	{"join", "read", S_NONE},
	{"jq", "read", S_NONE},
	{"julia", "run", S_SCRIPT},
	{"just", "run", S_TARGETS},
	{"karma", "test", S_NONE},
	{"kind", "container", S_NONE},
	{"kotlinc", "build", S_NONE},
	{"ksh", "run", S_SCRIPT},
	{"ktlint", "lint", S_NONE},
	{"kubectl", "container", S_NONE},
	{"ld", "build", S_NONE},
	{"less", "read", S_NONE},
	{"ln", "write", S_NONE},
	{"locate", "search", S_NONE},
	{"ls", "read", S_NONE},
	{"lua", "run", S_SCRIPT},
	{"make", "build", S_MAKE},
	{"mamba", "install", S_PYPM},
	{"markdownlint", "lint", S_NONE},
	{"mawk", "read", S_AWK},
	{"md5sum", "read", S_NONE},
	{"meson", "build", S_BAZEL},
	{"micromamba", "install", S_PYPM},
	{"minikube", "container", S_NONE},
	{"mix", "run", S_BAZEL},
	{"mkdir", "write", S_NONE},
	{"mocha", "test", S_NONE},
	{"more", "read", S_NONE},
	{"mosh", "net", S_NONE},
	{"msbuild", "build", S_NONE},
	{"mv", "write", S_NONE},
	{"mvn", "build", S_MVN},
	{"mvnw", "build", S_MVN},
	{"mypy", "lint", S_NONE},
	{"nasm", "build", S_NONE},
	{"nawk", "read", S_AWK},
	{"nc", "net", S_NONE},
	{"ncat", "net", S_NONE},
	{"nerdctl", "container", S_NONE},
	{"netcat", "net", S_NONE},
	{"next", "run", S_NEXT},
	{"ninja", "build", S_TARGETS},
	{"nl", "read", S_NONE},
	{"node", "run", S_NODE},
	{"nodejs", "run", S_NODE},
	{"nose2", "test", S_NONE},
	{"nosetests", "test", S_NONE},
	{"nox", "test", S_NONE},
	{"npm", "other", S_NPM},
	{"npx", "run", S_RUNNER},
	{"nslookup", "net", S_NONE},
	{"nx", "run", S_TURBO},
	{"od", "read", S_NONE},
	{"pacman", "install", S_NONE},
	{"paste", "read", S_NONE},
	{"pdm", "install", S_PYPM},
	{"perl", "run", S_PERL},
	{"php", "run", S_SCRIPT},
	{"phpunit", "test", S_NONE},
	{"ping", "net", S_NONE},
	{"pip", "other", S_PIP},
	{"pipenv", "install", S_PYPM},
	{"pipx", "install", S_PYPM},
	{"playwright", "test", S_PLAYWRIGHT},
	{"pnpm", "other", S_YARN},
	{"pnpx", "run", S_RUNNER},
	{"podman", "container", S_NONE},
	{"poetry", "install", S_PYPM},
	{"port", "install", S_NONE},
	{"pre-commit", "lint", S_NONE},
	{"prettier", "lint", S_NONE},
	{"prove", "test", S_NONE},
	{"py.test", "test", S_NONE},
	{"pycodestyle", "lint", S_NONE},
	{"pyflakes", "lint", S_NONE},
	{"pylint", "lint", S_NONE},
	{"pyright", "lint", S_NONE},
	{"pytest", "test", S_NONE},
	{"python", "run", S_PY},
	{"rake", "run", S_TARGETS},
	{"rg", "search", S_NONE},
	{"rm", "write", S_NONE},
	{"rmdir", "write", S_NONE},
	{"rollup", "build", S_NONE},
	{"rspec", "test", S_NONE},
	{"rsync", "net", S_NONE},
	{"rubocop", "lint", S_NONE},
	{"ruby", "run", S_SCRIPT},
	{"ruff", "lint", S_NONE},
	{"rustc", "build", S_NONE},
	{"rustfmt", "lint", S_NONE},
	{"rustup", "install", S_NONE},
	{"sbt", "build", S_TARGETS},
	{"scons", "build", S_NONE},
	{"scp", "net", S_NONE},
	{"sed", "read", S_SED},
	{"sftp", "net", S_NONE},
	{"sh", "run", S_SCRIPT},
	{"sha1sum", "read", S_NONE},
	{"sha256sum", "read", S_NONE},
	{"sha512sum", "read", S_NONE},
	{"shellcheck", "lint", S_NONE},
	{"shfmt", "lint", S_NONE},
	{"shred", "write", S_NONE},
	{"skaffold", "container", S_NONE},
	{"snap", "install", S_NONE},
	{"socat", "net", S_NONE},
	{"sort", "read", S_NONE},
	{"ssh", "net", S_NONE},
	{"stat", "read", S_NONE},
	{"staticcheck", "lint", S_NONE},
	{"strings", "read", S_NONE},
	{"stylelint", "lint", S_NONE},
	{"svn", "vcs", S_NONE},
	{"swift", "run", S_BAZEL},
	{"swiftc", "build", S_NONE},
	{"swiftlint", "lint", S_NONE},
	{"tac", "read", S_NONE},
	{"tail", "read", S_NONE},
	{"tap", "test", S_NONE},
	{"tape", "test", S_NONE},
	{"tee", "write", S_NONE},
	{"telnet", "net", S_NONE},
	{"touch", "write", S_NONE},
	{"tox", "test", S_NONE},
	{"traceroute", "net", S_NONE},
	{"tree", "read", S_NONE},
	{"truncate", "write", S_NONE},
	{"ts-node", "run", S_NODE},
	{"tsc", "build", S_NONE},
	{"tsx", "run", S_NODE},
	{"turbo", "run", S_TURBO},
	{"uniq", "read", S_NONE},
	{"unittest", "test", S_NONE},
	{"unlink", "write", S_NONE},
	{"uv", "other", S_UV},
	{"uvx", "run", S_RUNNER},
	{"venv", "install", S_NONE},
	{"virtualenv", "install", S_NONE},
	{"vite", "run", S_VITE},
	{"vitest", "test", S_NONE},
	{"wc", "read", S_NONE},
	{"webpack", "build", S_NONE},
	{"wget", "net", S_NONE},
	{"whois", "net", S_NONE},
	{"xcodebuild", "build", S_NONE},
	{"xh", "net", S_NONE},
	{"xxd", "read", S_NONE},
	{"xzcat", "read", S_NONE},
	{"yamllint", "lint", S_NONE},
	{"yapf", "lint", S_NONE},
	{"yarn", "install", S_YARN},
	{"yq", "read", S_NONE},
	{"yum", "install", S_NONE},
	{"zcat", "read", S_NONE},
	{"zgrep", "search", S_NONE},
	{"zig", "build", S_ZIG},
	{"zsh", "run", S_SCRIPT},
	{"zypper", "install", S_NONE},
};

static int progcmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct prog *)e)->name);
}

/* The program name without a version: python3.11 -> python, pip3 ->
 * pip, gcc-13 -> gcc. */
static void norm_name(const char *s, char *dst, size_t cap)
{
	const char *b = path_base(s);
	size_t n = strnlen(b, cap - 1);
	memcpy(dst, b, n);
	dst[n] = 0;
	size_t m = n;
	while (m && ((dst[m - 1] >= '0' && dst[m - 1] <= '9') || dst[m - 1] == '.'))
		m--;
	if (m && m < n && dst[m - 1] == '-')
		m--;
	if (m)
		dst[m] = 0;
}

static bool contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

/* A script or target name: run_tests.sh, build.sh, lint:fix, test:e2e. */
static const char *name_class(const char *s, const char *dflt)
{
	char b[128];
	size_t i;
	for (i = 0; s[i] && i + 1 < sizeof b; i++)
		b[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	b[i] = 0;
	if (contains(b, "lint") || contains(b, "format") || contains(b, "fmt") ||
	    contains(b, "prettier") || contains(b, "typecheck") || contains(b, "type-check") ||
	    contains(b, "check-types") || contains(b, "tidy") || !strcmp(b, "vet"))
		return "lint";
	if (contains(b, "test") || contains(b, "spec") || contains(b, "e2e") || !strcmp(b, "check") ||
	    !strncmp(b, "check-", 6) || !strncmp(b, "check:", 6) || contains(b, "jest") ||
	    contains(b, "vitest") || !strcmp(b, "ci"))
		return "test";
	if (contains(b, "build") || contains(b, "compile") || contains(b, "bundle") ||
	    !strcmp(b, "all") || !strcmp(b, "dist") || !strcmp(b, "tsc"))
		return "build";
	if (contains(b, "install") || contains(b, "setup") || contains(b, "bootstrap") ||
	    !strcmp(b, "deps"))
		return "install";
	return dflt;
}

static int sub_index(const char *const *a, int n, int from, const char *sarg,
	const struct lopt *lo)
{
	struct opts o;
	return sh_getopts(a, n, from, sarg, NULL, lo, &o, NULL);
}

static const char *arg_at(const char *const *a, int n, int i)
{
	return i < n ? a[i] : "";
}

/* A package runner (npx X, uv run X, python -m X): the class of X, or
 * run when X is nothing known. */
static const char *runner(const char *const *a, int n)
{
	if (n <= 0)
		return "run";
	const char *c = shell_class(a, n);
	return strcmp(c, "other") ? c : "run";
}

static const char *targets(const char *const *a, int n, int from, const char *dflt)
{
	const char *best = NULL;
	for (int j = from; j < n; j++) {
		const char *w = a[j];
		if (w[0] == '-') {
			if (strchr("CfIloWjdkt", w[1]) && !w[2] && j + 1 < n &&
			    (w[1] != 'j' || strspn(a[j + 1], "0123456789") == strlen(a[j + 1])))
				j++;
			continue;
		}
		if (strchr(w, '='))
			continue;
		const char *c = name_class(w, NULL);
		if (c && !strcmp(c, "install"))
			c = "build";    /* make install builds, then copies */
		if (c && (!best || shell_class_rank(c) > shell_class_rank(best)))
			best = c;
	}
	return best ? best : dflt;
}

static bool has_cluster(const char *const *a, int n, char c, const char *stop)
{
	for (int j = 1; j < n; j++) {
		const char *w = a[j];
		if (!strcmp(w, "--"))
			return false;
		if (w[0] != '-' || w[1] == '-')
			continue;
		for (const char *p = w + 1; *p; p++) {
			if (*p == c)
				return true;
			if (strchr(stop, *p))
				break;
		}
	}
	return false;
}

static const char *py_class(const char *const *a, int n)
{
	for (int j = 1; j < n; j++) {
		const char *w = a[j];
		if (w[0] != '-' || !w[1])
			break;
		if (!strncmp(w, "-m", 2)) {
			const char *tmp[64];
			int m = 0;
			tmp[m++] = w[2] ? w + 2 : arg_at(a, n, ++j);
			for (j++; j < n && m < 64; j++)
				tmp[m++] = a[j];
			return runner(tmp, m);
		}
		if (!strncmp(w, "-c", 2))
			return "run";
		if ((!strcmp(w, "-W") || !strcmp(w, "-X")) && j + 1 < n)
			j++;
		if (j >= n - 1)
			return "run";
		if (!strcmp(w, "--"))
			break;
	}
	int j = 1;
	while (j < n && a[j][0] == '-')
		j++;
	if (j >= n)
		return "run";
	const char *base = path_base(a[j]), *s = arg_at(a, n, j + 1);
	if (!strcmp(base, "setup.py"))
		return !strcmp(s, "test") ? "test" : !strcmp(s, "install") || !strcmp(s, "develop") ?
			"install" : "build";
	if (!strcmp(base, "manage.py"))
		return !strcmp(s, "test") ? "test" : "run";
	return name_class(base, "run");
}

/* An interpreter running a script: the script's own class (php
 * vendor/bin/phpunit, bash ./run_tests.sh), else run. */
static const char *script_class(const char *const *a, int n)
{
	int j = 1;
	while (j < n && a[j][0] == '-' && a[j][1]) {
		if (!strcmp(a[j], "-c"))
			return "run";
		j++;
	}
	if (j >= n)
		return "run";
	const char *c = runner(a + j, 1);
	if (strcmp(c, "run"))
		return c;
	if (!strcmp(path_base(a[j]), "artisan") && !strcmp(arg_at(a, n, j + 1), "test"))
		return "test";
	return name_class(path_base(a[j]), "run");
}

static bool contains_arg(const char *const *a, int n, const char *prefix)
{
	for (int j = 1; j < n; j++)
		if (!strncmp(a[j], prefix, strlen(prefix)))
			return true;
	return false;
}

/* What a subcommand row says when the class depends on the words after
 * the subcommand (compared by address, never printed). */
static const char RUNNER[] = "(the class of the command that follows)";
static const char SCRIPT[] = "(the class of the script or target named next)";
static const char TARGETS[] = "(the class of the targets that follow)";

/* Subcommands: for the programs of a rule, a subcommand and its class.
 * A rule's rows are its programs' own; the npm rows serve yarn, pnpm
 * and bun as well, the bazel rows zig too (after its own).  A word with
 * no row gets the rule's default (sub_class). */
static const struct subcmd {
	int rule;
	const char *sub;
	const char *class;
} subcmds[] = {
	{S_GIT, "grep", "search"},

	{S_GO, "test", "test"},
	{S_GO, "build", "build"}, {S_GO, "generate", "build"},
	{S_GO, "run", "run"},
	{S_GO, "install", "install"}, {S_GO, "get", "install"}, {S_GO, "mod", "install"},
	{S_GO, "vet", "lint"}, {S_GO, "fmt", "lint"},

	{S_CARGO, "test", "test"}, {S_CARGO, "t", "test"}, {S_CARGO, "nextest", "test"},
	{S_CARGO, "bench", "test"},
	{S_CARGO, "run", "run"}, {S_CARGO, "r", "run"},
	{S_CARGO, "install", "install"}, {S_CARGO, "add", "install"},
	{S_CARGO, "fetch", "install"}, {S_CARGO, "update", "install"},
	{S_CARGO, "remove", "install"}, {S_CARGO, "rm", "install"},
	{S_CARGO, "uninstall", "install"}, {S_CARGO, "vendor", "install"},
	{S_CARGO, "clippy", "lint"}, {S_CARGO, "fmt", "lint"},

	{S_NPM, "install", "install"}, {S_NPM, "i", "install"}, {S_NPM, "in", "install"},
	{S_NPM, "isntall", "install"}, {S_NPM, "ci", "install"}, {S_NPM, "add", "install"},
	{S_NPM, "a", "install"}, {S_NPM, "update", "install"}, {S_NPM, "up", "install"},
	{S_NPM, "upgrade", "install"}, {S_NPM, "uninstall", "install"},
	{S_NPM, "un", "install"}, {S_NPM, "rm", "install"}, {S_NPM, "remove", "install"},
	{S_NPM, "r", "install"}, {S_NPM, "link", "install"}, {S_NPM, "dedupe", "install"},
	{S_NPM, "prune", "install"}, {S_NPM, "audit", "install"},
	{S_NPM, "import", "install"}, {S_NPM, "fetch", "install"}, {S_NPM, "pm", "install"},
	{S_NPM, "test", "test"}, {S_NPM, "t", "test"}, {S_NPM, "tst", "test"},
	{S_NPM, "run", SCRIPT}, {S_NPM, "run-script", SCRIPT}, {S_NPM, "rum", SCRIPT},
	{S_NPM, "exec", RUNNER}, {S_NPM, "x", RUNNER}, {S_NPM, "dlx", RUNNER},
	{S_NPM, "start", "run"}, {S_NPM, "dev", "run"}, {S_NPM, "serve", "run"},
	{S_NPM, "build", "build"},

	{S_MVN, "test", "test"}, {S_MVN, "verify", "test"},
	{S_MVN, "integration-test", "test"}, {S_MVN, "surefire:test", "test"},
	{S_MVN, "exec:java", "run"},

	{S_GRADLE, "check", "test"},
	{S_GRADLE, "run", "run"}, {S_GRADLE, "bootRun", "run"},

	{S_DOTNET, "test", "test"},
	{S_DOTNET, "run", "run"}, {S_DOTNET, "watch", "run"},
	{S_DOTNET, "restore", "install"}, {S_DOTNET, "add", "install"},
	{S_DOTNET, "remove", "install"}, {S_DOTNET, "tool", "install"},
	{S_DOTNET, "workload", "install"},
	{S_DOTNET, "format", "lint"},

	{S_ZIG, "build", TARGETS},
	{S_BAZEL, "test", "test"}, {S_BAZEL, "coverage", "test"}, {S_BAZEL, "bench", "test"},
	{S_BAZEL, "run", "run"}, {S_BAZEL, "serve", "run"}, {S_BAZEL, "task", "run"},
	{S_BAZEL, "repl", "run"},
	{S_BAZEL, "build", "build"}, {S_BAZEL, "compile", "build"},
	{S_BAZEL, "setup", "build"}, {S_BAZEL, "bundle", "build"},
	{S_BAZEL, "lint", "lint"}, {S_BAZEL, "fmt", "lint"}, {S_BAZEL, "format", "lint"},
	{S_BAZEL, "check", "lint"}, {S_BAZEL, "credo", "lint"},
	{S_BAZEL, "install", "install"}, {S_BAZEL, "add", "install"},
	{S_BAZEL, "cache", "install"}, {S_BAZEL, "package", "install"},

	{S_UV, "run", RUNNER},
	{S_UV, "pip", "install"}, {S_UV, "tool", "install"}, {S_UV, "python", "install"},
	{S_UV, "install", "install"}, {S_UV, "add", "install"}, {S_UV, "update", "install"},
	{S_UV, "lock", "install"}, {S_UV, "remove", "install"}, {S_UV, "sync", "install"},
	{S_UV, "upgrade", "install"}, {S_UV, "uninstall", "install"},
	{S_UV, "venv", "install"}, {S_UV, "init", "install"},
	{S_UV, "build", "build"},

	{S_PYPM, "run", RUNNER}, {S_PYPM, "exec", RUNNER},
	{S_PYPM, "install", "install"}, {S_PYPM, "add", "install"},
	{S_PYPM, "update", "install"}, {S_PYPM, "lock", "install"},
	{S_PYPM, "remove", "install"}, {S_PYPM, "sync", "install"},
	{S_PYPM, "upgrade", "install"}, {S_PYPM, "uninstall", "install"},
	{S_PYPM, "venv", "install"}, {S_PYPM, "init", "install"},
	{S_PYPM, "require", "install"}, {S_PYPM, "create", "install"},
	{S_PYPM, "env", "install"},
	{S_PYPM, "test", "test"},
	{S_PYPM, "build", "build"},

	{S_PIP, "install", "install"}, {S_PIP, "download", "install"},
	{S_PIP, "uninstall", "install"}, {S_PIP, "wheel", "install"},

	{S_PLAYWRIGHT, "install", "install"}, {S_PLAYWRIGHT, "test", "test"},
	{S_CYPRESS, "open", "run"},
	{S_VITE, "build", "build"},
	{S_NEXT, "build", "build"}, {S_NEXT, "lint", "lint"},
	{S_TURBO, "run", SCRIPT}, {S_TURBO, "run-many", SCRIPT}, {S_TURBO, "affected", SCRIPT},
};

/* The row of rule for word w: its class, or NULL. */
static const char *subcmd(int rule, const char *w)
{
	for (size_t i = 0; i < sizeof subcmds / sizeof *subcmds; i++)
		if (subcmds[i].rule == rule && !strcmp(subcmds[i].sub, w))
			return subcmds[i].class;
	return NULL;
}

/* A package manager's subcommand at a[s]: its row of rule, or def. */
static const char *sub_or(int rule, const char *const *a, int n, int s, const char *def)
{
	const char *c = subcmd(rule, s < n ? a[s] : "");
	return c ? c : def;
}

static const struct lopt lo_npx[] = {{"package", 'p', 1}, {"call", 'c', 1}, {0}};
static const struct lopt lo_uvrun[] = {{"with", 'w', 1}, {"python", 'p', 1}, {"project", 2, 1},
	{"directory", 2, 1}, {"extra", 2, 1}, {"group", 2, 1}, {"package", 2, 1},
	{"env-file", 2, 1}, {"index", 2, 1}, {"from", 2, 1}, {0}};
static const struct lopt lo_runner[] = {{"package", 'p', 1}, {"from", 2, 1}, {"with", 'w', 1},
	{"python", 2, 1}, {0}};

/* The class of a[0..n) by its program's rule; dflt is the program's own
 * class. */
static const char *sub_class(int rule, const char *dflt, const char *const *a, int n)
{
	int s;
	const char *w, *c;
	switch (rule) {
	case S_GIT:
	case S_GO:
		s = sub_index(a, n, 1, rule == S_GIT ? "Cc" : "C", NULL);
		return sub_or(rule, a, n, s, dflt);
	case S_CARGO:
		for (s = 1; s < n && (a[s][0] == '+' || a[s][0] == '-'); s++)
			;
		return sub_or(rule, a, n, s, dflt);
	case S_NPM:
	case S_YARN:
	case S_BUN:
		s = sub_index(a, n, 1, "C", NULL);
		if (s >= n)
			return rule == S_YARN && !strcmp(path_base(a[0]), "yarn") ? "install" : "other";
		w = a[s];
		c = subcmd(S_NPM, w);
		if (c == SCRIPT) {
			s = sub_index(a, n, s + 1, "", NULL);
			if (s >= n)
				return "other";
			w = a[s];
		} else if (c == RUNNER) {
			s = sub_index(a, n, s + 1, "pc", lo_npx);
			return runner(a + s, n - s);
		} else if (c) {
			return c;
		} else if (rule == S_NPM) {
			return "other";
		}
		/* a script or a binary of the project: bun also runs files */
		if (rule == S_BUN && (strchr(w, '.') || strchr(w, '/')))
			return name_class(path_base(w), "run");
		return name_class(w, "run");
	case S_PY:
		return py_class(a, n);
	case S_NODE:
		for (s = 1; s < n && a[s][0] == '-'; s++) {
			if (!strcmp(a[s], "--test"))
				return "test";
			if (!strcmp(a[s], "-e") || !strcmp(a[s], "--eval") || !strcmp(a[s], "-p"))
				return "run";
			if (!strcmp(a[s], "-r") || !strcmp(a[s], "--require") || !strcmp(a[s], "--import") ||
			    !strcmp(a[s], "--loader"))
				s++;
		}
		return s < n ? name_class(path_base(a[s]), "run") : "run";
	case S_MAKE:
	case S_TARGETS:
		return targets(a, n, 1, dflt);
	case S_MVN:
		/* phases and goals anywhere; skipping the tests only builds */
		for (s = 1; s < n; s++)
			if (!strcmp(a[s], "-DskipTests") || !strncmp(a[s], "-Dmaven.test.skip", 17))
				return "build";
		for (s = 1; s < n; s++) {
			if ((c = subcmd(rule, a[s])))
				return c;
			if (contains(a[s], ":run"))
				return "run";
		}
		return dflt;
	case S_GRADLE:
		/* tasks anywhere */
		for (s = 1; s < n; s++) {
			w = a[s];
			if (w[0] == '-')
				continue;
			if (contains(w, "test") || contains(w, "Test"))
				return "test";
			if ((c = subcmd(rule, w)))
				return c;
		}
		return dflt;
	case S_DOTNET:
		return sub_or(rule, a, n, 1, dflt);
	case S_BAZEL:
	case S_ZIG:
		s = sub_index(a, n, 1, "", NULL);
		w = arg_at(a, n, s);
		if (rule == S_ZIG && subcmd(rule, w) == TARGETS)
			return targets(a, n, s + 1, "build");
		if (!strncmp(w, "deps", 4))
			return "install";       /* mix deps.get, deps.compile, ... */
		return sub_or(S_BAZEL, a, n, s, dflt);
	case S_CMAKE:
		for (s = 1; s < n; s++)
			if (!strcmp(a[s], "-E"))
				return "other";
		return dflt;
	case S_UV:
		w = arg_at(a, n, 1);
		if (!strcmp(w, "tool") && !strcmp(arg_at(a, n, 2), "run"))
			return runner(a + 3, n - 3);
		c = sub_or(rule, a, n, 1, dflt);
		if (c == RUNNER) {
			s = sub_index(a, n, 2, "pw", lo_uvrun);
			return runner(a + s, n - s);
		}
		return c;
	case S_PYPM:
	case S_BUNDLE:
		s = sub_index(a, n, 1, "", NULL);
		if (s >= n)
			return dflt;
		c = sub_or(S_PYPM, a, n, s, rule == S_BUNDLE ? "install" : "other");
		if (c == RUNNER) {
			s = sub_index(a, n, s + 1, "np", NULL);
			return runner(a + s, n - s);
		}
		return c;
	case S_PIP:
		return sub_or(rule, a, n, sub_index(a, n, 1, "", NULL), dflt);
	case S_RUNNER:
		s = sub_index(a, n, 1, "pw", lo_runner);
		return runner(a + s, n - s);
	case S_SED:
		return has_cluster(a, n, 'i', "efl") || contains_arg(a, n, "--in-place") ? "write" : "read";
	case S_PERL:
		return has_cluster(a, n, 'i', "eEMImx") ? "write" : script_class(a, n);
	case S_AWK:
		for (s = 1; s + 1 < n; s++)
			if (!strcmp(a[s], "-i") && !strcmp(a[s + 1], "inplace"))
				return "write";
		return "read";
	case S_SCRIPT:
		return script_class(a, n);
	case S_PLAYWRIGHT:
		return sub_or(rule, a, n, 1, "run");
	case S_CYPRESS:
	case S_VITE:
	case S_NEXT:
		return sub_or(rule, a, n, 1, dflt);
	case S_TURBO:
		s = sub_index(a, n, 1, "", NULL);
		if (subcmd(rule, arg_at(a, n, s)) == SCRIPT)
			s = sub_index(a, n, s + 1, "t", NULL);
		return s < n ? name_class(a[s], "run") : "run";
	}
	return dflt;
}

static const struct prog *find_prog(const char *argv0, char *name, size_t cap)
{
	norm_name(argv0, name, cap);
	return bsearch(name, progs, sizeof progs / sizeof *progs, sizeof *progs, progcmp);
}

bool sh_class_known(const char *argv0)
{
	char name[128];
	return find_prog(argv0, name, sizeof name) != NULL;
}

const char *shell_class(const char *const *argv, int argc)
{
	if (argc <= 0 || !argv[0] || !argv[0][0])
		return "other";
	char name[128];
	const struct prog *p = find_prog(argv[0], name, sizeof name);
	if (p)
		return p->rule ? sub_class(p->rule, p->class, argv, argc) : p->class;
	size_t len;
	if (sh_patch_text(argv, argc, NULL, 0, &len))
		return "write";
	size_t l = strlen(name);
	static const char *const cross[] = {"-gcc", "-g++", "-cc", "-ld", "-clang", NULL};
	for (int i = 0; cross[i]; i++) {
		size_t cl = strlen(cross[i]);
		if (l > cl && !strcmp(name + l - cl, cross[i]))
			return "build";
	}
	if (!strcmp(name, "configure"))
		return "build";
	/* a script by path or by extension */
	const char *dot = strrchr(name, '.');
	if (strchr(argv[0], '/') || (dot && (!strcmp(dot, ".sh") || !strcmp(dot, ".py") ||
	    !strcmp(dot, ".js") || !strcmp(dot, ".ts") || !strcmp(dot, ".rb") || !strcmp(dot, ".pl"))))
		return name_class(name, "run");
	return "other";
}

int shell_class_rank(const char *class)
{
	static const char *const order[] = {"other", "read", "search", "write", "run", "net",
		"container", "vcs", "lint", "install", "build", "test", NULL};
	if (!class)
		return 0;
	for (int i = 0; order[i]; i++)
		if (!strcmp(order[i], class))
			return i + 1;
	return 0;
}
