/* SPDX-License-Identifier: MIT */
/* Unit tests of common/effects.c: the effect records of each agent's
 * tools, written through ev_emit into `out`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agents/events.h"
#include "tap.h"
#include "util.h"

static struct ev_ctx ctx;

/* The records effects_tool writes for tool NAME with arguments ARGS,
 * with the keys every effect shares cut off: from "effect" on. */
static const char *run(const char *name, const char *cwd, const char *args)
{
	static struct sbuf r;
	struct event t;
	ev_init(&t);
	t.kind = "tool";
	t.agent = "claude";
	t.session = "s1";
	t.id = "t1";
	t.prompt = "p1";
	t.tool = name;
	t.cwd = cwd;
	t.status = "ok";
	t.ts = 1700000000000;
	sb_reset(&stdout_sb);
	sb_reset(&r);
	int n = effects_tool(&ctx, &t, args, strlen(args));
	int lines = 0;
	for (char *p = stdout_sb.p; p && *p; ) {
		char *e = strchr(p, '\n');
		char *k = strstr(p, "\"effect\":");
		if (k && k < e)
			sb_add(&r, k, (size_t)(e - k) - 1);
		else
			sb_add(&r, p, (size_t)(e - p));
		sb_addc(&r, '\n');
		lines++;
		p = e + 1;
	}
	if (lines != n)
		sb_printf(&r, "count %d != %d lines\n", n, lines);
	return r.p ? r.p : "";
}

static const char *class_of(const char *name, const char *args)
{
	struct event t;
	ev_init(&t);
	t.tool = name;
	t.cwd = "/w";
	return effects_class(&t, args, strlen(args));
}

static void test_common(void)
{
	sb_reset(&stdout_sb);
	struct event t;
	ev_init(&t);
	t.kind = "tool";
	t.agent = "codex";
	t.session = "s";
	t.subagent = "sub";
	t.id = "call_1";
	t.prompt = "p";
	t.tool = "Read";
	t.cwd = "/w";
	t.status = "error";
	t.ts = 1700000000123;
	effects_tool(&ctx, &t, "{\"file_path\":\"a.c\"}", 19);
	is_str(stdout_sb.p, "{\"kind\":\"effect\",\"agent\":\"codex\",\"session\":\"s\",\"subagent\":\"sub\","
		"\"ts\":\"2023-11-14T22:13:20.123Z\",\"id\":\"call_1#1\",\"parent\":\"call_1\",\"prompt\":\"p\","
		"\"cwd\":\"/w\",\"status\":\"error\",\"effect\":\"read\",\"class\":\"read\",\"path\":\"/w/a.c\"}\n",
		"an effect record: the tool's fields, id tool#N, parent the tool");
}

static void test_claude(void)
{
	is_str(run("Read", "/w", "{\"file_path\":\"/w/src/../a.c\",\"limit\":5}"),
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/w/a.c\"\n", "Read");
	is_str(run("Write", "/w", "{\"file_path\":\"b/c.txt\",\"content\":\"x\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/w/b/c.txt\"\n", "Write, relative path");
	is_str(run("Edit", "/w", "{\"file_path\":\"/x/./y\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/x/y\"\n", "Edit");
	is_str(run("MultiEdit", NULL, "{\"file_path\":\"rel\",\"edits\":[]}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"rel\"\n", "MultiEdit, no cwd: as recorded");
	is_str(run("NotebookEdit", "/w", "{\"notebook_path\":\"n.ipynb\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/w/n.ipynb\"\n", "NotebookEdit");
	is_str(run("Grep", "/w", "{\"pattern\":\"x\",\"path\":\"src\"}"),
		"\"effect\":\"read\",\"class\":\"search\",\"path\":\"/w/src\"\n", "Grep: search root");
	is_str(run("Glob", "/w", "{\"pattern\":\"**/*.c\"}"),
		"\"effect\":\"read\",\"class\":\"search\",\"path\":\"/w\"\n", "Glob: default root is cwd");
	is_str(run("LS", "/w", "{\"path\":\"/etc\"}"),
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/etc\"\n", "LS");
	is_str(run("WebFetch", "/w", "{\"url\":\"https://Docs.Example.com/a\",\"prompt\":\"x\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"docs.example.com\"\n", "WebFetch");
	is_str(run("WebSearch", "/w", "{\"query\":\"q\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"search.invalid\"\n", "WebSearch");
	is_str(run("Bash", "/w", "{\"command\":\"cd x && make test > log 2>&1 | tail -5\"}"),
		"\"effect\":\"exec\",\"class\":\"other\",\"process\":[\"bash\",\"cd\"],\"argv\":[\"cd\",\"x\"]\n"
		"\"effect\":\"exec\",\"class\":\"test\",\"process\":[\"bash\",\"make\"],\"argv\":[\"make\",\"test\"]\n"
		"\"effect\":\"write\",\"class\":\"test\",\"process\":[\"bash\",\"make\"],\"path\":\"/w/x/log\"\n"
		"\"effect\":\"exec\",\"class\":\"read\",\"process\":[\"bash\",\"tail\"],\"argv\":[\"tail\",\"-5\"]\n",
		"Bash: a command per exec, its writes after it");
	is_str(run("Bash", "/w", "{\"command\":\"curl -H 'Authorization: Bearer sk-ant-abcdefghijklmnopqrstuvwxyz' https://api.x.io\"}"),
		"\"effect\":\"exec\",\"class\":\"net\",\"process\":[\"bash\",\"curl\"],\"argv\":[\"curl\",\"-H\",\"Authorization: Bearer [REDACTED]\",\"https://api.x.io\"]\n"
		"\"effect\":\"net\",\"class\":\"net\",\"process\":[\"bash\",\"curl\"],\"domain\":\"api.x.io\"\n",
		"Bash: secrets in argv are redacted");
	is_str(run("Task", "/w", "{\"prompt\":\"go\",\"subagent_type\":\"x\"}"), "", "Task: none");
	is_str(run("TodoWrite", "/w", "{\"todos\":[]}"), "", "TodoWrite: none");
	is_str(run("mcp__fetch__fetch", "/w", "{\"url\":\"http://localhost:3000/x\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"localhost\",\"port\":3000\n",
		"MCP tool with a url: net, loopback port");
	is_str(run("mcp__db__query", "/w", "{\"sql\":\"select 1\"}"), "", "MCP tool without a url: none");
}

static void test_codex(void)
{
	is_str(run("shell", "/repo", "{\"command\":[\"bash\",\"-lc\",\"PYTHONPATH=. pytest -q\"],\"workdir\":\"/repo/sub\"}"),
		"\"effect\":\"exec\",\"class\":\"test\",\"process\":[\"bash\",\"pytest\"],\"argv\":[\"pytest\",\"-q\"]\n",
		"shell: argv array through bash -lc");
	is_str(run("shell", "/repo", "{\"command\":[\"ls\"]}"),
		"\"effect\":\"exec\",\"class\":\"read\",\"process\":[\"ls\"],\"argv\":[\"ls\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"ls\"],\"path\":\"/repo\"\n",
		"shell: a plain argv");
	is_str(run("shell", "/repo", "\"{\\\"command\\\":[\\\"cat\\\",\\\"a\\\"],\\\"workdir\\\":\\\"w\\\"}\""),
		"\"effect\":\"exec\",\"class\":\"read\",\"process\":[\"cat\"],\"argv\":[\"cat\",\"a\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"cat\"],\"path\":\"/repo/w/a\"\n",
		"arguments as a JSON string; workdir relative to cwd");
	is_str(run("shell_command", "/repo", "{\"command\":\"mkdir -p myapp\",\"workdir\":\"/x\"}"),
		"\"effect\":\"exec\",\"class\":\"write\",\"process\":[\"bash\",\"mkdir\"],\"argv\":[\"mkdir\",\"-p\",\"myapp\"]\n"
		"\"effect\":\"write\",\"class\":\"write\",\"process\":[\"bash\",\"mkdir\"],\"path\":\"/x/myapp\"\n",
		"shell_command: a string, workdir");
	is_str(run("exec_command", "/repo", "{\"cmd\":\"rg -n x docs/a.md\",\"shell\":\"/bin/zsh\"}"),
		"\"effect\":\"exec\",\"class\":\"search\",\"process\":[\"zsh\",\"rg\"],\"argv\":[\"rg\",\"-n\",\"x\",\"docs/a.md\"]\n"
		"\"effect\":\"read\",\"class\":\"search\",\"process\":[\"zsh\",\"rg\"],\"path\":\"/repo/docs/a.md\"\n",
		"exec_command: cmd and its shell");
	is_str(run("apply_patch", "/repo", "*** Begin Patch\n*** Add File: a/n.py\n+x\n*** Update File: b.py\n*** Move to: c.py\n@@\n-y\n+z\n*** Delete File: d.py\n*** End Patch"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/repo/a/n.py\"\n"
		"\"effect\":\"rename\",\"class\":\"write\",\"path\":\"/repo/b.py\",\"to\":\"/repo/c.py\"\n"
		"\"effect\":\"delete\",\"class\":\"write\",\"path\":\"/repo/d.py\"\n",
		"apply_patch: the raw envelope");
	is_str(run("apply_patch", "/repo", "{\"input\":\"*** Begin Patch\\n*** Update File: /abs/x\\n*** End Patch\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/abs/x\"\n", "apply_patch: function_call {input}");
	is_str(run("exec", "/repo", "const r = await tools.exec_command({\"cmd\":\"sed -n '1,5p' a.md\",\"workdir\":\"/repo/d\"}); text(r.output);\n"
		"await tools.view_image({\"path\":\"i.png\"});"),
		"\"effect\":\"exec\",\"class\":\"read\",\"process\":[\"bash\",\"sed\"],\"argv\":[\"sed\",\"-n\",\"1,5p\",\"a.md\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"bash\",\"sed\"],\"path\":\"/repo/d/a.md\"\n"
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/repo/i.png\"\n",
		"exec: the tools its script calls");
	is_str(run("update_plan", "/repo", "{\"plan\":[]}"), "", "update_plan: none");
	is_str(run("web_search", "/repo", "{\"query\":\"x\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"search.invalid\"\n", "web_search");
}

static void test_gemini(void)
{
	is_str(run("read_file", "/g", "{\"absolute_path\":\"/g/a.c\"}"),
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/g/a.c\"\n", "read_file absolute_path");
	is_str(run("read_many_files", "/g", "{\"paths\":[\"a.c\",\"src/**/*.h\"]}"),
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/g/a.c\"\n"
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/g/src/**/*.h\"\n", "read_many_files");
	is_str(run("write_file", "/g", "{\"file_path\":\"o.txt\",\"content\":\"\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/g/o.txt\"\n", "write_file");
	is_str(run("replace", "/g", "{\"file_path\":\"/g/o.txt\",\"old_string\":\"a\",\"new_string\":\"b\"}"),
		"\"effect\":\"write\",\"class\":\"write\",\"path\":\"/g/o.txt\"\n", "replace");
	is_str(run("run_shell_command", "/g", "{\"command\":\"npm ci && npm test\",\"directory\":\"web\"}"),
		"\"effect\":\"exec\",\"class\":\"install\",\"process\":[\"bash\",\"npm\"],\"argv\":[\"npm\",\"ci\"]\n"
		"\"effect\":\"net\",\"class\":\"install\",\"process\":[\"bash\",\"npm\"],\"domain\":\"registry.npmjs.org\"\n"
		"\"effect\":\"exec\",\"class\":\"test\",\"process\":[\"bash\",\"npm\"],\"argv\":[\"npm\",\"test\"]\n",
		"run_shell_command");
	is_str(run("list_directory", "/g", "{\"path\":\"/g/src\"}"),
		"\"effect\":\"read\",\"class\":\"read\",\"path\":\"/g/src\"\n", "list_directory");
	is_str(run("search_file_content", "/g", "{\"pattern\":\"x\"}"),
		"\"effect\":\"read\",\"class\":\"search\",\"path\":\"/g\"\n", "search_file_content");
	is_str(run("web_fetch", "/g", "{\"prompt\":\"summarise https://a.example.org/x and http://B.example.org\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"a.example.org\"\n"
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"b.example.org\"\n", "web_fetch: URLs in the prompt");
	is_str(run("google_web_search", "/g", "{\"query\":\"x\"}"),
		"\"effect\":\"net\",\"class\":\"net\",\"domain\":\"google.com\"\n", "google_web_search");
}

static void test_class(void)
{
	is_str(class_of("Bash", "{\"command\":\"cd x && make test | tail -5\"}"), "test", "test wins");
	is_str(class_of("Bash", "{\"command\":\"npm ci && npm run build\"}"), "build", "build over install");
	is_str(class_of("Bash", "{\"command\":\"git add . && git commit -m x\"}"), "vcs", "vcs");
	is_str(class_of("Bash", "{\"command\":\"cat a | grep x\"}"), "search", "search over read");
	is_str(class_of("Bash", "{\"command\":\"echo hi\"}"), NULL, "nothing stands out: NULL");
	is_str(class_of("Read", "{\"file_path\":\"a\"}"), "read", "Read");
	is_str(class_of("Grep", "{\"pattern\":\"a\"}"), "search", "Grep");
	is_str(class_of("apply_patch", "*** Begin Patch\n*** Add File: a\n*** End Patch"), "write", "apply_patch");
	is_str(class_of("TodoWrite", "{}"), NULL, "TodoWrite");
}

static void test_garbage(void)
{
	is_str(run("Read", "/w", "{\"file_path\":"), "", "truncated JSON: nothing");
	is_str(run("Read", "/w", "[1,2]"), "", "not an object: nothing");
	is_str(run("Bash", "/w", "{\"command\":42}"), "", "command not a string: nothing");
	is_str(run("exec", "/w", "tools.exec_command({\"cmd\":\"ls\""), "", "exec: unclosed object");
	is_str(run(NULL, "/w", "{}"), "", "no tool name");
}

/* The class and then the effects of one call are answered from the
 * analysis asked for last only for the same bytes: arguments changed in
 * the same buffer, another tool or cwd, NULL and "" apart.  Ids of tools
 * longer than the short buffer. */
static void test_last(void)
{
	char args[64];
	strcpy(args, "{\"command\":\"make test\"}");
	struct event t;
	ev_init(&t);
	t.tool = "Bash";
	t.cwd = "/w";
	t.agent = "claude";
	is_str(effects_class(&t, args, strlen(args)), "test", "last: first question");
	strcpy(args, "{\"command\":\"git diff\"}");
	is_str(effects_class(&t, args, strlen(args)), "vcs", "last: the same buffer, other bytes");
	is_str(run("Bash", "/w", "{\"command\":\"cat a\"}"), "\"effect\":\"exec\",\"class\":\"read\","
		"\"process\":[\"bash\",\"cat\"],\"argv\":[\"cat\",\"a\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"bash\",\"cat\"],\"path\":\"/w/a\"\n",
		"last: cwd /w");
	is_str(run("Bash", "/v", "{\"command\":\"cat a\"}"), "\"effect\":\"exec\",\"class\":\"read\","
		"\"process\":[\"bash\",\"cat\"],\"argv\":[\"cat\",\"a\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"bash\",\"cat\"],\"path\":\"/v/a\"\n",
		"last: the same arguments in another cwd");
	is_str(run("Bash", NULL, "{\"command\":\"cat a\"}"), "\"effect\":\"exec\",\"class\":\"read\","
		"\"process\":[\"bash\",\"cat\"],\"argv\":[\"cat\",\"a\"]\n"
		"\"effect\":\"read\",\"class\":\"read\",\"process\":[\"bash\",\"cat\"],\"path\":\"a\"\n",
		"last: no cwd");
	is_str(run("Read", NULL, "{\"command\":\"cat a\"}"), "", "last: another tool");
	t.cwd = NULL;
	t.tool = "Read";
	strcpy(args, "{\"file_path\":\"a\"}");
	is_str(effects_class(&t, args, strlen(args)), "read", "last: NULL cwd");
	t.cwd = "";
	is_str(effects_class(&t, args, strlen(args)), "read", "last: empty cwd");
	t.agent = NULL;
	is_str(effects_class(&t, args, strlen(args)), "read", "last: no agent");

	/* tool ids of every length around the short buffer's */
	int bad = 0;
	for (size_t l = 220; l < 300; l++) {
		char id[320];
		memset(id, 'i', l);
		id[l] = 0;
		ev_init(&t);
		t.kind = "tool";
		t.agent = "claude";
		t.id = id;
		t.tool = "Bash";
		t.cwd = "/w";
		sb_reset(&stdout_sb);
		effects_tool(&ctx, &t, "{\"command\":\"cat a\"}", 19);
		char want[800];
		snprintf(want, sizeof want, "\"id\":\"%s#2\",\"parent\":\"%s\"", id, id);
		bad += !stdout_sb.p || !strstr(stdout_sb.p, want);
	}
	is_int(bad, 0, "effect ids of tools with ids of 220 to 299 bytes");
}

/* --- one analysis, many calls ------------------------------------------------
 * effects_tool writes the calling tool's fields (session, subagent, ids,
 * prompt, status, ts, cwd) into the cached analysis's events before each
 * ev_emit: the pointers stay there after the call, into records that may be
 * freed by then.  Safe because every one of them is written again, by every
 * call, before anything reads it, and effects_each's readers read only what
 * the analysis wrote.  Pinned here: the same bytes asked for by tools of other
 * sessions, subagents, statuses, kinds and agents, in between other calls,
 * give what a fresh cache gives; the tools' strings are freed after each call
 * so that the sanitizer build sees any later read of them. */

struct who {
	const char *agent, *session, *subagent, *subagent_type, *id, *prompt, *status, *tool, *cwd;
	long long ts;
};

/* effects_class and effects_tool for w's call with ARGS in c; its strings
 * live on the heap only for the call.  The records written, the class
 * after them. */
static char *call_as(struct ev_ctx *c, const struct who *w, const char *args)
{
	const char *const *v = &w->agent;
	char *s[9];
	for (int i = 0; i < 9; i++)
		s[i] = v[i] ? xstrdup(v[i]) : NULL;
	struct event t;
	ev_init(&t);
	t.kind = "tool";
	t.agent = s[0], t.session = s[1], t.subagent = s[2], t.subagent_type = s[3];
	t.id = s[4], t.prompt = s[5], t.status = s[6], t.tool = s[7], t.cwd = s[8];
	t.ts = w->ts;
	char *in = xstrdup(args);
	sb_reset(&stdout_sb);
	const char *cl = effects_class(&t, in, strlen(in));
	effects_tool(c, &t, in, strlen(in));
	struct sbuf r = {0};
	sb_adds(&r, stdout_sb.p ? stdout_sb.p : "");
	sb_printf(&r, "class %s\n", cl ? cl : "-");
	free(in);
	for (int i = 0; i < 9; i++)
		free(s[i]);
	return r.p;
}

/* effects_each's events as text: only the fields the analysis writes */
static void each_fn(void *arg, const struct event *e)
{
	struct sbuf *b = arg;
	sb_printf(b, "%s %s", e->effect, e->class ? e->class : "-");
	for (int i = 0; i < e->nargv; i++)
		sb_printf(b, " %s", e->argv[i]);
	sb_printf(b, " %s %s %s\n", e->path ? e->path : "-", e->to ? e->to : "-",
		e->domain ? e->domain : "-");
}

static char *each_of(const struct who *w, const char *args)
{
	struct event t;
	ev_init(&t);
	t.kind = "tool";
	t.agent = w->agent, t.tool = w->tool, t.cwd = w->cwd;
	struct sbuf b = {0};
	sb_addc(&b, 0);
	b.len = 0;
	effects_each(&t, args, strlen(args), each_fn, &b);
	return b.p;
}

static void test_shared(void)
{
	static const char *const args[] = {
		"{\"command\":\"cd web && npm install && curl -s https://x.example.com/a | tee out.txt\"}",
		"{\"file_path\":\"src/a.c\"}",
		"{\"command\":\"git push\"}",
	};
	static const struct who ws[] = {
		{"claude", "s-a", "sub-1", "Explore", "toolu_a", "p-a", "ok", "Bash", "/w", 1700000000001},
		{"claude", "s-b", NULL, NULL, "toolu_b", NULL, "error", "Bash", "/w", 1700000000002},
		{"claude", "s-c", "sub-2", NULL, "toolu_c", "p-c", NULL, "Bash", "/w", 1700000000003},
		{"claude", "s-d", NULL, "task", NULL, "p-d", "unknown", "Bash", "/w", EV_NONE},
		{"claude", "s-e", NULL, NULL, "toolu_e", "p-e", "ok", "Read", "/w", 1700000000005},
		{"claude", "s-f", NULL, NULL, "toolu_f", "p-f", "ok", "Write", "/w", 1700000000006},
		{"claude", "s-g", NULL, NULL, "toolu_g", "p-g", "ok", "Grep", "/w", 1700000000007},
		{"gemini", "s-h", NULL, NULL, "run_shell_command-1", "p-h", "ok", "run_shell_command",
			"/w", 1700000000008},
		{"gemini", "s-i", NULL, NULL, "read_file-1", "p-i", "ok", "read_file", "/w", 1700000000009},
		{"codex", "s-j", NULL, NULL, "call_j", "p-j", "ok", "Bash", "/w", 1700000000010},
		{"claude", "s-k", NULL, NULL, "toolu_k", "p-k", "ok", "Bash", "/v", 1700000000011},
		{"claude", "s-l", NULL, NULL, "toolu_l", "p-l", "ok", "Bash", NULL, 1700000000012},
	};
	enum { NW = sizeof ws / sizeof *ws, NA = sizeof args / sizeof *args };
	struct ev_ctx fresh;
	/* what each call gives when it is the first the cache sees */
	char *want[NW][NA], *want_each[NW][NA];
	for (int i = 0; i < NW; i++)
		for (int a = 0; a < NA; a++) {
			effects_done();
			ev_ctx_init(&fresh);
			want[i][a] = call_as(&fresh, &ws[i], args[a]);
			ev_ctx_free(&fresh);
			effects_done();
			want_each[i][a] = each_of(&ws[i], args[a]);
		}
	effects_done();
	/* the same, each call after all the others, in both orders, with
	 * other calls between and around: hits of the last analysis and of
	 * the cache, evictions */
	int bad = 0, bad_each = 0, n = 0;
	for (int round = 0; round < 4; round++)
		for (int k = 0; k < NW * NA; k++) {
			int x = round & 1 ? NW * NA - 1 - k : k;
			int i = x % NW, a = x / NW;
			ev_ctx_init(&fresh);
			char *got = call_as(&fresh, &ws[i], args[a]);
			if (strcmp(got, want[i][a])) {
				bad++;
				if (bad == 1)
					printf("# got:\n%s# want:\n%s", got, want[i][a]);
			}
			free(got);
			if (round >= 2) {   /* other calls, then the same bytes again */
				char other[64];
				for (int j = 0; j < (k % 3) * 20; j++) {
					snprintf(other, sizeof other, "{\"command\":\"ls /o/%d\"}", (k + j) % 40);
					free(call_as(&fresh, &ws[j % NW], other));
				}
			}
			got = each_of(&ws[i], args[a]);
			bad_each += strcmp(got, want_each[i][a]) != 0;
			free(got);
			ev_ctx_free(&fresh);
			n++;
		}
	is_int(bad, 0, "shared analyses: %d calls of the same bytes as other sessions, "
		"subagents, statuses, kinds and agents write what a fresh cache writes", n);
	is_int(bad_each, 0, "shared analyses: effects_each after effects_tool sees the analysis's effects");
	/* a remote learnt in one session's context is not the other's: the
	 * shared analysis keeps git.invalid */
	struct ev_ctx learnt;
	ev_ctx_init(&learnt);
	ev_ctx_init(&fresh);
	free(call_as(&learnt, &ws[0], "{\"command\":\"git remote add origin https://git.example.org/t/a.git\"}"));
	char *g1 = call_as(&learnt, &ws[1], args[2]);
	char *g2 = call_as(&fresh, &ws[1], args[2]);
	char *g3 = call_as(&learnt, &ws[1], args[2]);
	ok(strstr(g1, "\"domain\":\"git.example.org\"") && !strcmp(g1, g3),
		"shared analyses: git push goes to the remote its context learnt");
	is_str(g2, want[1][2], "shared analyses: ... and stays git.invalid in another context");
	free(g1), free(g2), free(g3);
	ev_ctx_free(&learnt);
	ev_ctx_free(&fresh);
	/* no agent, tool or cwd and no arguments: the bytes kept are none */
	effects_done();
	struct event t;
	ev_init(&t);
	const char *c1 = effects_class(&t, "", 0), *c2 = effects_class(&t, "", 0);
	ok(!c1 && !c2 && effects_tool(&ctx, &t, "", 0) == 0,
		"shared analyses: nothing named and no arguments, asked again: nothing");
	for (int i = 0; i < NW; i++)
		for (int a = 0; a < NA; a++)
			free(want[i][a]), free(want_each[i][a]);
	effects_done();
}

/* The cache's key tells questions apart whose bytes join the same way:
 * a tool, agent or cwd given or not, "" or NULL, the arguments' length
 * against the names after them.  Asked in turn (so that each is answered
 * from the cache, not from the last question), each gives the records a
 * fresh cache gives. */
static const char *ask(const char *tool, const char *agent, const char *cwd, const char *args,
	size_t len, struct sbuf *r)
{
	struct event t;
	ev_init(&t);
	t.kind = "tool";
	t.session = "s1";
	t.id = "t1";
	t.tool = tool;
	t.agent = agent;
	t.cwd = cwd;
	sb_reset(&stdout_sb);
	sb_reset(r);
	const char *class = effects_class(&t, args, len);
	sb_adds(r, class ? class : "(none)");
	sb_addc(r, '|');
	effects_tool(&ctx, &t, args, len);
	sb_adds(r, stdout_sb.p ? stdout_sb.p : "");
	return r->p;
}

static void test_key(void)
{
	static const struct { const char *tool, *agent, *cwd, *args; size_t len; } q[] = {
		{"Bash", "claude", NULL, "{\"command\":\"cat a\"}", 19},
		{"Bash", NULL, "claude", "{\"command\":\"cat a\"}", 19},
		{NULL, "Bash", "claude", "{\"command\":\"cat a\"}", 19},
		{"Bash", "claude", "", "{\"command\":\"cat a\"}", 19},
		{"Bash", "", "claude", "{\"command\":\"cat a\"}", 19},
		{"", "Bash", "claude", "{\"command\":\"cat a\"}", 19},
		{"Bash", "claude", "/w", "{\"command\":\"cat a\"}", 19},
		{"Bash", "claude", "/w", "{\"command\":\"cat a\"}Bash", 19},
		{"ash", "claude", "/w", "{\"command\":\"cat a\"}B", 20},
		{"Bash", "claude", "/w", "{\"command\":\"cat ab\"}", 20},
		{"Read", "codex", "/w", "{\"file_path\":\"a\"}", 17},
		{"Read", "codex", "/w\0", "{\"file_path\":\"a\"}", 17},
		{"Read", "code", "x/w", "{\"file_path\":\"a\"}", 17},
		{"Read", NULL, NULL, "", 0},
		{NULL, NULL, NULL, "", 0},
	};
	enum { NQ = sizeof q / sizeof *q };
	struct sbuf want[NQ], r = {0};
	for (int i = 0; i < NQ; i++) {
		effects_done();
		want[i] = (struct sbuf){0};
		sb_adds(&want[i], ask(q[i].tool, q[i].agent, q[i].cwd, q[i].args, q[i].len, &r));
	}
	effects_done();
	int bad = 0;
	for (int round = 0; round < 4; round++)
		for (int i = 0; i < NQ; i++) {
			int k = (i * 7 + round) % NQ;
			bad += strcmp(ask(q[k].tool, q[k].agent, q[k].cwd, q[k].args, q[k].len, &r),
				want[k].p) != 0;
		}
	is_int(bad, 0, "%d questions that join to the same bytes, asked in turn, as a fresh cache answers", NQ);
	for (int i = 0; i < NQ; i++)
		sb_free(&want[i]);
	sb_free(&r);
}

int main(void)
{
	ev_ctx_init(&ctx);
	test_common();
	test_claude();
	test_codex();
	test_gemini();
	test_class();
	test_garbage();
	test_last();
	test_key();
	test_shared();
	ev_ctx_free(&ctx);
	sb_reset(&stdout_sb);
	return tap_done();
}
