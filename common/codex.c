/* codex.c: placeholder until the codex adapter lands; recognises nothing. */
#include "events.h"

static int sniff(const char *head, size_t n, const char *path)
{
	return 0;
}

static void run(struct ev_ctx *c, struct lreader *r, const char *path)
{
}

const struct adapter adapter_codex = {"codex", sniff, run};
