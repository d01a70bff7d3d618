/* effects.c: effects_tool and effects_class over (tool name from the
 * first byte, its arguments from the rest), as the adapters call them. */
#include "fuzz.h"
#include "agents/events.h"

static const char *const tools[] = {
	"Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "Grep", "Glob", "LS",
	"WebFetch", "WebSearch", "Bash", "shell", "container.exec", "local_shell",
	"shell_command", "exec_command", "apply_patch", "exec", "view_image",
	"web_search", "list_dir", "grep_files", "read_file", "read_many_files",
	"write_file", "replace", "edit", "run_shell_command", "list_directory",
	"glob", "search_file_content", "grep", "web_fetch", "google_web_search",
	"mcp__x__y", "Task", "unknown",
};
#define NTOOLS (sizeof tools / sizeof *tools)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	if (!n)
		return 0;
	struct ev_ctx c;
	struct event t;
	ev_ctx_init(&c);
	ev_init(&t);
	t.kind = "tool";
	t.agent = "claude";
	t.session = "s";
	t.id = "t1";
	t.prompt = "p1";
	t.ts = 1700000000000;
	t.status = "ok";
	t.tool = tools[(data[0] & 0x7f) % NTOOLS];
	t.cwd = data[0] & 0x80 ? "/home/u/proj" : NULL;
	char *s = fuzz_str(data + 1, n - 1);
	effects_tool(&c, &t, s, n - 1);
	(void)effects_class(&t, s, n - 1);
	free(s);
	sb_reset(&out);
	ev_ctx_free(&c);
	return 0;
}
