/* events-gemini.c: the gemini adapter's run() over the input as a session
 * file, with a fresh context each time, as agent-events would run it. */
#include "fuzz.h"
#include "events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	fuzz_quiet();
	struct ev_ctx c;
	struct lreader r;
	ev_ctx_init(&c);
	lr_fdopen(&r, fuzz_fd(data, n), "fuzz.jsonl");
	const char *head;
	size_t hn = lr_peek(&r, 65536, &head);
	(void)adapter_gemini.sniff(head, hn, "fuzz.jsonl");
	adapter_gemini.run(&c, &r, "fuzz.jsonl");
	ev_file_done(&c);
	lr_close(&r);
	sb_reset(&out);
	ev_ctx_free(&c);
	return 0;
}
