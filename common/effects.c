/* effects.c: placeholder until shell analysis lands; no effects yet. */
#include "events.h"

int effects_tool(struct ev_ctx *c, const struct event *tool, const char *input, size_t len)
{
	return 0;
}

const char *effects_class(const struct event *tool, const char *input, size_t len)
{
	return NULL;
}
