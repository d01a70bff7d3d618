/* SPDX-License-Identifier: MIT */
/* select.c: --select PROGRAM, a jq filter over each record (libjq).
 * A record is kept when the program's first output is neither false nor
 * null, as with jq's select(). */
#include <jq.h>
#include <stdlib.h>
#include <string.h>
#include "events.h"

struct select {
	jq_state *jq;
};

static void jq_err(void *data, jv msg)
{
	(void)data;
	if (jv_get_kind(msg) == JV_KIND_STRING)
		diag_warn("--select: %s", jv_string_value(msg));
	else
		diag_warn("--select: invalid program");
	jv_free(msg);
}

struct select *select_compile(const char *program)
{
	struct select *s = xcalloc(1, sizeof *s);
	s->jq = jq_init();
	if (!s->jq)
		die(2, "--select: cannot start jq");
	jq_set_error_cb(s->jq, jq_err, NULL);
	if (!jq_compile(s->jq, program))
		die(2, "--select: cannot compile: %s", program);
	return s;
}

bool select_match(struct select *s, const char *json, size_t len)
{
	jv v = jv_parse_sized(json, (int)len);
	if (!jv_is_valid(v)) {
		jv_free(v);
		return false;
	}
	jq_start(s->jq, v, 0);
	jv r = jq_next(s->jq);
	bool keep = jv_is_valid(r) && jv_get_kind(r) != JV_KIND_FALSE && jv_get_kind(r) != JV_KIND_NULL;
	jv_free(r);
	return keep;
}

void select_free(struct select *s)
{
	if (s) {
		jq_teardown(&s->jq);
		free(s);
	}
}
