/* SPDX-License-Identifier: MIT */
/* Unit tests of common/shell.c: the lexer, wrappers, nested shells,
 * classes, file and network effects, and garbage. */
#include <stdlib.h>
#include "shell/shell.h"
#include "tap.h"
#include "util.h"

static struct shell sh;
static struct sbuf b;
static const char *bash[] = {"bash"};

/* Every command as "proc>proc:class:argv words" joined by "; ". */
static const char *cmds(const char *line)
{
	shell_reset(&sh);
	shell_parse(&sh, line, strlen(line), bash, 1, "/w");
	sb_reset(&b);
	for (int i = 0; i < sh.ncmd; i++) {
		struct shell_cmd *c = &sh.cmd[i];
		if (i)
			sb_adds(&b, "; ");
		for (int j = 0; j < c->nprocess; j++) {
			if (j)
				sb_addc(&b, '>');
			sb_adds(&b, c->process[j]);
		}
		sb_printf(&b, ":%s:", c->class);
		for (int j = 0; j < c->argc; j++)
			sb_printf(&b, "%s%s", j ? " " : "", c->argv[j]);
	}
	return b.p ? b.p : "";
}

/* Every effect as "effect path[->to]|domain[:port]" joined by "; ". */
static const char *fx(const char *line)
{
	shell_reset(&sh);
	shell_parse(&sh, line, strlen(line), bash, 1, "/w");
	sb_reset(&b);
	for (int i = 0; i < sh.ncmd; i++)
		for (int j = 0; j < sh.cmd[i].nfx; j++) {
			struct shell_fx *f = &sh.cmd[i].fx[j];
			if (b.len)
				sb_adds(&b, "; ");
			sb_printf(&b, "%s %s", f->effect, f->path ? f->path : f->domain);
			if (f->to)
				sb_printf(&b, "->%s", f->to);
			if (f->port >= 0)
				sb_printf(&b, ":%d", f->port);
		}
	return b.p ? b.p : "";
}

static const char *cls(const char *line)
{
	shell_reset(&sh);
	shell_parse(&sh, line, strlen(line), bash, 1, "/w");
	return sh.ncmd ? sh.cmd[sh.ncmd - 1].class : "";
}

static void test_lexer(void)
{
	is_str(cmds("cd x && make test | tail -5"),
		"bash>cd:other:cd x; bash>make:test:make test; bash>tail:read:tail -5",
		"&& and |: every command, make test is a test");
	is_str(cmds("echo \"a;b\" 'c|d' e\\ f"), "bash>echo:other:echo a;b c|d e f",
		"quotes and escapes: one command");
	is_str(cmds("echo \"x\\\"y\\$z\" $'a\\tb'"), "bash>echo:other:echo x\"y$z a\tb",
		"escapes inside double quotes and $'...'");
	is_str(cmds("ls # rm -rf /\nwc -l f"), "bash>ls:read:ls; bash>wc:read:wc -l f",
		"comments end at the newline; newline separates");
	is_str(cmds("echo a\\\nb"), "bash>echo:other:echo ab", "line continuation");
	is_str(cmds("a; b & c || d"), "bash>a:other:a; bash>b:other:b; bash>c:other:c; bash>d:other:d",
		"; & || separate");
	ok(sh.cmd[1].flags & SHELL_BG, "& marks the command before it");
	is_str(cmds("echo $(git rev-parse HEAD)"),
		"bash>git:vcs:git rev-parse HEAD; bash>echo:other:echo $(git rev-parse HEAD)",
		"$( ) is analysed first, its text kept in the word");
	is_str(cmds("x=`date +%s` y=\"$(id -u)\""), "bash>date:other:date +%s; bash>id:other:id -u",
		"backquotes and $( ) in assignments; an assignment alone runs nothing");
	is_str(cmds("echo $((1+2)) ${HOME:-x}"), "bash>echo:other:echo $((1+2)) ${HOME:-x}",
		"arithmetic and parameter expansion are text");
	is_str(cmds("(cd a; rm -rf b); rm c"),
		"bash>cd:other:cd a; bash>rm:write:rm -rf b; bash>rm:write:rm c", "subshell");
	is_str(fx("(cd a; rm -rf b); rm c"), "delete /w/a/b; delete /w/c",
		"cd inside ( ) moves paths only until the )");
	is_str(cmds("{ make; make install; } > log"),
		"bash>make:build:make; bash>make:build:make install; bash:other:",
		"{ } group: its redirection stands alone");
	is_str(fx("{ make; } > log"), "write /w/log", "the group's redirection writes");
	is_str(cmds("for f in $(ls *.c); do gcc -c \"$f\"; done"),
		"bash>ls:read:ls *.c; bash>gcc:build:gcc -c $f", "for loop: the list and the body");
	is_str(cmds("if [ -f x ]; then make check; else npm run build; fi"),
		"bash>[:other:[ -f x ]; bash>make:test:make check; bash>npm:build:npm run build",
		"if/then/else");
	is_str(cmds("case $1 in a|b) pytest ;; (*) echo no ;; esac"),
		"bash>pytest:test:pytest; bash>echo:other:echo no", "case patterns are not commands");
	is_str(cmds("f() { ls; }; f"), "bash>ls:read:ls; bash>f:other:f", "function definition");
	is_str(cmds("[[ -f a && -d b ]] && cat a"),
		"bash>[[:other:[[ -f a && -d b ]]; bash>cat:read:cat a", "[[ ]] keeps && inside");
	is_str(cmds("(( i++ )) && echo y"), "bash>echo:other:echo y", "(( )) runs nothing");
}

static void test_redirections(void)
{
	is_str(fx("make > build.log 2>&1"), "write /w/build.log", "> file is a write, 2>&1 is not");
	is_str(fx("make >> /tmp/a.log 2>/dev/null < in.txt"), "write /tmp/a.log; read /w/in.txt",
		">> writes, /dev/null does not, < reads");
	is_str(fx("cmd &> all.log; cmd >& both.log; exec 3>fd3"),
		"write /w/all.log; write /w/both.log; write /w/fd3", "&>, >& file and io numbers");
	cmds("cat <<EOF > f\nrm -rf /\n$(reboot)\nEOF\nls");
	is_int(sh.ncmd, 2, "here-document body is not commands");
	is_str(sh.cmd[0].redir[0].body, "rm -rf /\n$(reboot)\nEOF\nls", "body starts after the line");
	is_int(sh.cmd[0].redir[0].body_len, 19, "body ends before its delimiter");
	is_str(fx("cat <<EOF > f\nx\nEOF\n"), "write /w/f", "here-document plus > file");
	is_str(cmds("cat <<-'E' | sh\n\tmake\n\tE\necho done"),
		"bash>cat:read:cat; bash>sh:run:sh; bash>echo:other:echo done", "<<- strips tabs");
	is_str(cmds("bash <<'S'\nmake test\nS"), "bash>bash>make:test:make test",
		"a shell reading a here-document runs its body");
	is_str(fx("> out.txt"), "write /w/out.txt", "a redirection alone");
	is_str(fx("echo x > $LOG; echo y > \"$(mktemp)\""), "", "a target with expansions is unknown");
}

static void test_wrappers(void)
{
	is_str(cmds("timeout 30 pytest -q"), "bash>timeout>pytest:test:pytest -q", "timeout DURATION");
	is_str(cmds("timeout -s KILL --kill-after=5 1m make"), "bash>timeout>make:build:make",
		"timeout options");
	is_str(cmds("env A=1 B=2 sudo -u bob nice -n 5 make"), "bash>env>sudo>nice>make:build:make",
		"env, sudo -u, nice -n");
	is_str(cmds("A=1 B=2 make -j8 all"), "bash>make:build:make -j8 all", "leading assignments");
	is_str(cmds("env -i -u X PATH=/bin ionice -c3 stdbuf -oL nohup make"),
		"bash>env>ionice>stdbuf>nohup>make:build:make", "env -i -u, ionice, stdbuf, nohup");
	is_str(cmds("time command exec make"), "bash>make:build:make",
		"builtins and keywords are looked through, not listed");
	is_str(cmds("find . -name '*.o' -print0 | xargs -0 -n1 rm -f"),
		"bash>find:search:find . -name *.o -print0; bash>xargs>rm:write:rm -f",
		"xargs runs its command");
	is_str(cmds("sudo -s"), "bash>sudo:other:sudo -s", "a wrapper with nothing to run is the command");
	is_str(cmds("command -v jq"), "bash>command:other:command -v jq", "command -v runs nothing");
	is_str(cmds("find . -exec grep -l x {} \\;"),
		"bash>find:search:find . -exec grep -l x {} ;; bash>find>grep:search:grep -l x {}",
		"find -exec runs under find");
	is_str(fx("find . -exec rm {} +"), "read /w", "{} is not a path");
	is_str(fx("env -C sub cat f; sudo -D /etc cat hosts"), "read /w/sub/f; read /etc/hosts",
		"env -C and sudo -D move the command");
}

static void test_nested(void)
{
	is_str(cmds("bash -lc 'npm ci && npm test'"),
		"bash>bash>npm:install:npm ci; bash>bash>npm:test:npm test", "bash -lc is one more level");
	is_str(cmds("sh -c \"cd sub && make\""), "bash>sh>cd:other:cd sub; bash>sh>make:build:make",
		"sh -c with double quotes");
	ok(sh.cmd[1].depth == 1 && !strcmp(sh.cmd[1].dir, "/w/sub"), "nested command: depth 1, in sub");
	is_str(cmds("zsh -o pipefail -ec 'timeout 5 go test ./...'"),
		"bash>zsh>timeout>go:test:go test ./...", "zsh -o X -ec");
	is_str(cmds("eval \"make test\""), "bash>make:test:make test", "eval runs in the same shell");
	is_str(cmds("bash -c \"$(curl -fsSL https://get.example.sh)\""),
		"bash>curl:net:curl -fsSL https://get.example.sh; "
		"bash>bash:run:bash -c $(curl -fsSL https://get.example.sh)",
		"a script that is all substitution is unknown: the shell runs");
	is_str(cmds("bash script.sh; sh ./run_tests.sh; bash -c ''"),
		"bash>bash:run:bash script.sh; bash>sh:test:sh ./run_tests.sh; bash>bash:run:bash -c ",
		"shells running files: the file name decides");
	/* bash -c 'bash -c ...' twenty deep: cut at the limit, no crash */
	struct sbuf s = {0};
	sb_adds(&s, "make");
	for (int i = 0; i < 20; i++) {
		struct sbuf t = {0};
		sb_adds(&t, "bash -c ");
		sb_addc(&t, '"');
		for (size_t j = 0; j < s.len; j++) {
			if (strchr("\"\\$`", s.p[j]))
				sb_addc(&t, '\\');
			sb_addc(&t, s.p[j]);
		}
		sb_addc(&t, '"');
		sb_free(&s);
		s = t;
	}
	shell_reset(&sh);
	int n = shell_parse(&sh, s.p, s.len, bash, 1, NULL);
	ok(n == 1 && sh.cmd[0].depth == sh.maxdepth && (sh.flags & SHELL_PARTIAL),
		"20 nested bash -c: stops at depth %d and says so", sh.maxdepth);
	is_int(sh.cmd[0].nprocess, sh.maxdepth + 2, "the chain is as deep as the analysis went");
	sb_free(&s);
}

static void test_classes(void)
{
	static const struct { const char *line, *class; } t[] = {
		{"pytest -x", "test"}, {"go test ./...", "test"}, {"cargo test", "test"},
		{"npm test", "test"}, {"npm run test:unit", "test"}, {"yarn test", "test"},
		{"pnpm vitest", "test"}, {"npx jest", "test"}, {"make check", "test"},
		{"ctest", "test"}, {"prove -v t/", "test"}, {"bats t", "test"},
		{"python3 -m pytest", "test"}, {"uv run pytest", "test"}, {"mvn test", "test"},
		{"./gradlew test", "test"}, {"tox -e py3", "test"}, {"dotnet test", "test"},
		{"python manage.py test", "test"}, {"node --test", "test"},
		{"make", "build"}, {"cmake --build build", "build"}, {"ninja -C out", "build"},
		{"gcc -o x x.c", "build"}, {"clang-17 x.c", "build"}, {"cargo build --release", "build"},
		{"go build ./cmd/x", "build"}, {"npm run build", "build"}, {"tsc -p .", "build"},
		{"mvn -DskipTests package", "build"}, {"x86_64-linux-gnu-gcc-12 a.c", "build"},
		{"git status", "vcs"}, {"gh pr view", "vcs"}, {"git grep x", "search"},
		{"apt-get install -y jq", "install"}, {"pip3 install -e .", "install"},
		{"npm ci", "install"}, {"yarn", "install"}, {"pnpm add x", "install"},
		{"cargo install ripgrep", "install"}, {"go install x@latest", "install"},
		{"brew install jq", "install"}, {"uv pip install x", "install"}, {"uv add x", "install"},
		{"python -m pip install x", "install"}, {"gem install rails", "install"},
		{"grep -r x .", "search"}, {"rg x", "search"}, {"find . -name x", "search"},
		{"fd x", "search"}, {"cat f", "read"}, {"sed -n 1,5p f", "read"},
		{"sed -i s/a/b/ f", "write"}, {"sed -Ei.bak s/a/b/ f", "write"}, {"perl -pi -e s/a/b/ f", "write"},
		{"ls -la", "read"}, {"tree", "read"}, {"tee f", "write"}, {"rm -rf x", "write"},
		{"curl -s x.org", "net"}, {"wget x", "net"}, {"ssh h", "net"}, {"rsync -a a h:b", "net"},
		{"python x.py", "run"}, {"node x.js", "run"}, {"go run .", "run"}, {"cargo run", "run"},
		{"npx create-react-app x", "run"}, {"uvx some-tool", "run"}, {"deno run x.ts", "run"},
		{"eslint .", "lint"}, {"ruff check .", "lint"}, {"black .", "lint"},
		{"cargo clippy", "lint"}, {"go vet ./...", "lint"}, {"npm run lint", "lint"},
		{"docker build .", "container"}, {"kubectl get pods", "container"},
		{"echo hi", "other"}, {"cd /", "other"}, {"test -f x", "other"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		is_str(cls(t[i].line), t[i].class, "class of %s", t[i].line);
	ok(shell_class_rank("test") > shell_class_rank("build") &&
		shell_class_rank("build") > shell_class_rank("install") &&
		shell_class_rank("install") > shell_class_rank("vcs") &&
		shell_class_rank("vcs") > shell_class_rank("net") &&
		shell_class_rank("net") > shell_class_rank("read") &&
		shell_class_rank("read") > shell_class_rank("other") &&
		shell_class_rank("nonsense") == 0, "rank: test > build > install > vcs > net > read > other");
}

/* The classes of every program and subcommand the class table knows, as
 * pinned in tests/fixtures/shell/classes.tsv ("class<TAB>argv words"),
 * one check per program: its lines must all agree. */
static void test_class_pins(const char *path)
{
	FILE *f = fopen(path, "r");
	ok(f != NULL, "open %s", path);
	if (!f)
		return;
	char line[4096], prog[128] = "";
	int lines = 0, bad = 0, total = 0;
	for (;;) {
		bool eof = !fgets(line, sizeof line, f);
		char *tab = eof ? NULL : strchr(line, '\t');
		if (!eof && !tab)
			continue;
		if (!eof)
			line[strcspn(line, "\n")] = 0;
		size_t pl = tab ? strcspn(tab + 1, " ") : 0;
		if (*prog && (eof || strlen(prog) != pl || memcmp(prog, tab + 1, pl))) {
			ok(!bad, "classes of %s as pinned (%d command lines)", prog, lines);
			lines = bad = 0;
		}
		if (eof)
			break;
		snprintf(prog, sizeof prog, "%.*s", (int)pl, tab + 1);
		*tab = 0;
		const char *v[64];
		int n = 0;
		for (char *t = strtok(tab + 1, " "); t && n < 63; t = strtok(NULL, " "))
			v[n++] = t;
		v[n] = NULL;
		const char *got = shell_class(v, n);
		lines++;
		total++;
		if (strcmp(got, line)) {
			bad++;
			printf("#   %s:", got);
			for (int i = 0; i < n; i++)
				printf(" %s", v[i]);
			printf(" (pinned %s)\n", line);
		}
	}
	fclose(f);
	ok(total > 4000, "%d pinned command lines", total);
}

static void test_files(void)
{
	is_str(fx("rm -rf build dist/*.o"), "delete /w/build; delete /w/dist/*.o", "rm deletes");
	is_str(fx("mv a b"), "rename /w/a->/w/b", "mv renames");
	is_str(fx("mv a b dir; mv -t d x"), "rename /w/a->/w/dir/a; rename /w/b->/w/dir/b; rename /w/x->/w/d/x",
		"mv into a directory");
	is_str(fx("cp -r src ../dst"), "read /w/src; write /dst", "cp reads and writes, .. folds");
	is_str(fx("touch a; mkdir -p b/c; tee -a log; ln -s t l"),
		"write /w/a; write /w/b/c; write /w/log; write /w/l", "touch mkdir tee ln write");
	is_str(fx("chmod +x run.sh; chmod -x a; chmod --reference=r b"),
		"write /w/run.sh; write /w/a; write /w/b", "chmod: the mode is not a file");
	is_str(fx("cat a b; head -n 5 c; tail -f d; less e; sed -n 1,5p f"),
		"read /w/a; read /w/b; read /w/c; read /w/d; read /w/e; read /w/f", "readers");
	is_str(fx("sed -i '' s/a/b/ f; sed -e x -e y g"), "write /w/f; read /w/g",
		"sed -i '' (BSD) and -e scripts");
	is_str(fx("grep -rn foo src; grep -e a -e b f; grep x"), "read /w/src; read /w/f",
		"grep: the pattern is not a file, stdin is nothing");
	is_str(fx("rg -g '*.c' foo; find -L /usr -name x; ls"), "read /w; read /usr; read /w",
		"search roots default to the directory");
	is_str(fx("jq .a f.json; awk -v x=1 '{print}' g; dd if=/dev/zero of=disk.img"),
		"read /w/f.json; read /w/g; write /w/disk.img", "jq, awk, dd");
	is_str(fx("cd /tmp && cat x && cd - && cat y"), "read /tmp/x; read y",
		"cd moves later paths; cd - makes them unknown");
	is_str(fx("git -C sub clone https://github.com/a/b.git"), "net github.com; write /w/sub/b",
		"git clone writes the new tree, -C moves it");
	is_str(fx("apply_patch <<'P'\n*** Begin Patch\n*** Add File: n.c\n+x\n*** Update File: a.c\n"
		"*** Move to: b.c\n@@\n-y\n*** Delete File: c.c\n*** End Patch\nP"),
		"write /w/n.c; rename /w/a.c->/w/b.c; delete /w/c.c", "apply_patch through the shell");
	/* the envelope is recognised by its format, whatever the program's
	 * name, unless the program is one the analyser knows (it prints,
	 * stores or parses the text) */
	const char *env = "*** Begin Patch\n*** Add File: n.c\n+x\n*** Delete File: o.c\n*** End Patch";
	char line[512];
	snprintf(line, sizeof line, "my-patcher <<'EOF'\n%s\nEOF", env);
	is_str(fx(line), "write /w/n.c; delete /w/o.c", "an envelope on stdin of an unknown program");
	is_str(cls(line), "write", "... whose class is write");
	snprintf(line, sizeof line, "cd sub && applier '%s'", env);
	is_str(fx(line), "write /w/sub/n.c; delete /w/sub/o.c", "an envelope as the only operand, after cd");
	is_str(cls(line), "write", "... whose class is write");
	snprintf(line, sizeof line, "my-patcher '<<EOF\n%s\nEOF'", env);
	is_str(fx(line), "write /w/n.c; delete /w/o.c", "an envelope wrapped in <<EOF inside the operand");
	snprintf(line, sizeof line, "cat > notes.md <<'EOF'\n%s\nEOF", env);
	is_str(fx(line), "write /w/notes.md", "cat stores an envelope: its files are not written");
	snprintf(line, sizeof line, "echo '%s' > p.txt; printf '%s'; python3 - <<'EOF'\n%s\nEOF",
		env, env, env);
	is_str(fx(line), "write /w/p.txt", "echo, printf and a known program print or read it");
	snprintf(line, sizeof line, "my-patcher -v '%s'; my-patcher '%s' more", env, env);
	is_str(fx(line), "", "an envelope beside other operands is not the command's input");
	is_str(fx("my-patcher <<'EOF'\n*** Add File: n.c\n+x\nEOF"), "",
		"no Begin Patch line: no envelope");
	is_str(cls("apply_patch"), "other", "a patch program with no envelope is nothing known");
}

static void test_net(void)
{
	is_str(fx("curl -fsSL https://Example.COM:8443/x | sh"), "net example.com",
		"domain lower case, port dropped for a public host");
	is_str(fx("curl http://127.0.0.1:8080/ -o out.json"), "net 127.0.0.1:8080; write /w/out.json",
		"loopback keeps its port; -o writes");
	is_str(fx("curl -H 'Host: a.b' localhost:3000/api; wget -O f.tgz http://[::1]:9/x"),
		"net localhost:3000; net ::1:9; write /w/f.tgz", "bare loopback host, IPv6");
	is_str(fx("curl -o out.json -d @data.json api.example.org/v1"), "net api.example.org; write /w/out.json",
		"option arguments are not hosts");
	is_str(fx("git push origin main"), "net git.invalid", "a remote by name: pseudo-domain");
	is_str(fx("git clone git@GitHub.com:x/y.git"), "net github.com; write /w/y", "scp-style remote");
	is_str(fx("git fetch https://user:pw@gitlab.example.com/a/b"), "net gitlab.example.com",
		"user info is dropped");
	is_str(fx("git commit -m 'see https://x.org'"), "", "git commit is not network");
	is_str(fx("ssh -i key -p 2222 deploy@Prod.Example.com uptime"), "net prod.example.com", "ssh host");
	is_str(fx("scp a.txt me@srv:/tmp/; rsync -av x/ backup.lan:/d"), "net srv; net backup.lan",
		"scp and rsync remotes");
	is_str(fx("ping -c 3 8.8.8.8; nc -z db.internal 5432"), "net 8.8.8.8; net db.internal",
		"ping and nc hosts");
	is_str(fx("pip install requests; npm i x; yarn add y; cargo add z; go get w"),
		"net pypi.org; net registry.npmjs.org; net registry.yarnpkg.com; net crates.io; "
		"net proxy.golang.org", "package registries");
	is_str(fx("sudo apt-get install -y jq; brew install jq; gem install r"),
		"net apt.invalid; net formulae.brew.sh; net rubygems.org", "apt has no fixed host");
	is_str(fx("pip install --index-url https://pypi.corp.example/simple x"), "net pypi.corp.example",
		"an index URL replaces the default registry");
	is_str(fx("pip list; npm run build"), "", "subcommands that do not fetch");
	is_str(fx("gh pr create"), "net api.github.com", "gh talks to the API");

	char host[256];
	int port;
	ok(url_domain("HTTPS://WWW.Example.com./a?b", host, sizeof host, &port) &&
		!strcmp(host, "www.example.com") && port == -1, "url_domain: case and trailing dot");
	ok(url_domain("http://localhost:8000", host, sizeof host, &port) && port == 8000,
		"url_domain: loopback port");
	ok(url_domain("http://127.9.9.9:80/", host, sizeof host, &port) && port == 80, "127.x is loopback");
	ok(!url_domain("example.com/x", host, sizeof host, &port), "no scheme, no URL");
	ok(!url_domain("http://$HOST/x", host, sizeof host, &port), "an expansion is not a host");
	ok(!url_domain("file:///etc/passwd", host, sizeof host, &port), "file URLs have no host");
	ok(!url_domain("https://example.com:99999x/", host, sizeof host, &port), "bad port");
	ok(remote_domain("git@github.com:a/b", host, sizeof host) && !strcmp(host, "github.com"),
		"remote_domain: git@host:path");
	ok(!remote_domain("C:\\x", host, sizeof host) && !remote_domain("a/b:c", host, sizeof host),
		"remote_domain: drives and paths are not hosts");
}

static void test_argv(void)
{
	const char *a[] = {"bash", "-lc", "cd sub && pytest -q"};
	shell_reset(&sh);
	int n = shell_parse_argv(&sh, a, 3, NULL, 0, "/repo");
	ok(n == 2 && !strcmp(sh.cmd[1].process[0], "bash") && !strcmp(sh.cmd[1].process[1], "pytest") &&
		!strcmp(sh.cmd[1].dir, "/repo/sub") && !strcmp(sh.cmd[1].class, "test"),
		"argv [bash -lc ...]: bash>pytest in /repo/sub");
	const char *l[] = {"ls", "-la"};
	shell_reset(&sh);
	n = shell_parse_argv(&sh, l, 2, NULL, 0, "/repo");
	ok(n == 1 && sh.cmd[0].nprocess == 1 && !strcmp(sh.cmd[0].process[0], "ls") &&
		sh.cmd[0].nfx == 1 && !strcmp(sh.cmd[0].fx[0].path, "/repo"), "argv [ls -la]: ls, reads /repo");
	const char *p[] = {"apply_patch", "*** Begin Patch\n*** Add File: x.md\n+hi\n*** End Patch"};
	shell_reset(&sh);
	shell_parse_argv(&sh, p, 2, NULL, 0, "/repo");
	ok(sh.ncmd == 1 && sh.cmd[0].nfx == 1 && !strcmp(sh.cmd[0].fx[0].path, "/repo/x.md") &&
		!strcmp(sh.cmd[0].class, "write"), "argv [apply_patch PATCH]");
}

static void test_garbage(void)
{
	is_str(cmds("echo 'unbalanced && rm -rf /"), "bash>echo:other:echo unbalanced && rm -rf /",
		"unbalanced single quote: the rest is one word");
	ok(sh.flags & SHELL_PARTIAL && sh.cmd[0].flags & SHELL_PARTIAL, "and it is marked partial");
	is_str(cmds("echo \"a $(ls"), "bash>ls:read:ls; bash>echo:other:echo a $(ls",
		"unclosed $( inside quotes");
	ok(sh.flags & SHELL_PARTIAL, "marked partial");
	is_str(cmds("echo ) ; ( ls"), "bash>echo:other:echo; bash>ls:read:ls", "stray parentheses");
	ok(sh.flags & SHELL_PARTIAL, "stray ) marked partial");
	is_str(cmds("cat <<EOF\nno end"), "bash>cat:read:cat", "here-document without its end");
	ok(sh.flags & SHELL_PARTIAL, "missing delimiter marked partial");
	is_str(cmds("ls >"), "bash>ls:read:ls", "redirection without a target");
	is_str(cmds(""), "", "empty line");
	is_str(cmds(";;;|||&&&"), "", "only operators");
	is_str(cmds("\\"), "", "a lone backslash");
	/* every prefix of a tricky line, and bytes >= 0x80: no crash */
	const char *t = "A=1 sudo -u x bash -lc \"cd '$(pwd)' && cat <<E >f\n`x`\nE\n\" | xargs -I{} rm {} # c\xff";
	size_t tl = strlen(t);
	int crashed = 0;
	for (size_t i = 0; i <= tl; i++) {
		shell_reset(&sh);
		if (shell_parse(&sh, t, i, bash, 1, "/w") < 0)
			crashed++;
	}
	ok(!crashed, "every prefix of a tricky line parses");
	/* random bytes from the shell's alphabet */
	srand(7);
	const char alpha[] = "ab $()`'\"\\;&|<>{}#\n=*-c";
	char buf[200];
	for (int k = 0; k < 3000; k++) {
		int n = rand() % (int)sizeof buf;
		for (int i = 0; i < n; i++)
			buf[i] = alpha[rand() % (int)(sizeof alpha - 1)];
		shell_reset(&sh);
		shell_parse(&sh, buf, (size_t)n, bash, 1, NULL);
	}
	ok(1, "3000 random lines parse without a crash");
	/* a 1 MiB command line: one word, and many commands */
	size_t big = 1 << 20;
	char *s = xmalloc(big + 1);
	memcpy(s, "echo \"", 6);
	memset(s + 6, 'x', big - 7);
	s[big - 1] = '"';
	s[big] = 0;
	shell_reset(&sh);
	ok(shell_parse(&sh, s, big, bash, 1, "/w") == 1 && strlen(sh.cmd[0].argv[1]) == big - 7,
		"1 MiB word");
	const char *pat = "cd src && make test | tail -5; ";
	size_t pl = strlen(pat), m = 0;
	while (m + pl <= big) {
		memcpy(s + m, pat, pl);
		m += pl;
	}
	shell_reset(&sh);
	int n = shell_parse(&sh, s, m, bash, 1, "/w");
	is_int(n, (int)(m / pl) * 3, "1 MiB of commands: all of them");
	free(s);
}

int main(int argc, char **argv)
{
	shell_init(&sh);
	test_lexer();
	test_redirections();
	test_wrappers();
	test_nested();
	test_classes();
	if (argc > 1)
		test_class_pins(argv[1]);
	test_files();
	test_net();
	test_argv();
	test_garbage();
	shell_free(&sh);
	sb_free(&b);
	return tap_done();
}
