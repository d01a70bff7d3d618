/* events.c: the emitter shared by agent-events' adapters. */
#include <stdlib.h>
#include <string.h>
#include "events.h"

void ev_ctx_init(struct ev_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->since = c->until = TS_NONE;
}

void ev_ctx_free(struct ev_ctx *c)
{
	hm_free(&c->seen_call);
	hm_free(&c->seen_msg);
	hm_free(&c->seen_tool);
	hm_free(&c->seen_prompt);
	hm_free(&c->link);
	for (size_t i = 0; i < c->nlinks; i++)
		free(c->links[i]);
	free(c->links);
	sb_free(&c->pending_session);
}

static bool in_time(const struct ev_ctx *c, int64_t ts)
{
	if (c->since == TS_NONE && c->until == TS_NONE)
		return true;
	if (ts == TS_NONE)
		return false;
	return (c->since == TS_NONE || ts >= c->since) && (c->until == TS_NONE || ts < c->until);
}

static bool selected(struct ev_ctx *c, const char *json, size_t len)
{
	/* the line without its newline */
	return !c->select || select_match(c->select, json, len - 1);
}

/* The pending session record: always before a record of its session
 * that passed the filters (downstream tools need its cwd and agent); on
 * its own only when it matches --select itself. */
static void flush_session(struct ev_ctx *c, bool alone)
{
	struct sbuf *p = &c->pending_session;
	if (!p->len)
		return;
	if (!alone || selected(c, p->p, p->len)) {
		sb_add(&out, p->p, p->len);
		c->written++;
	}
	sb_reset(p);
}

void ev_session(struct ev_ctx *c, const struct event *e)
{
	sb_reset(&c->pending_session);
	ev_write(&c->pending_session, e, c->wflags);
	c->pending_ts = e->ts;
}

void ev_emit(struct ev_ctx *c, const struct event *e)
{
	if (!in_time(c, e->ts)) {
		c->filtered++;
		return;
	}
	size_t mark = out.len;
	ev_write(&out, e, c->wflags);
	if (!selected(c, out.p + mark, out.len - mark)) {
		out.len = mark;
		out.p[mark] = 0;
		c->filtered++;
		return;
	}
	if (c->pending_session.len) {
		/* the session record goes first: move this record behind it */
		size_t n = out.len - mark;
		char *rec = xstrndup(out.p + mark, n);
		out.len = mark;
		flush_session(c, false);
		sb_add(&out, rec, n);
		free(rec);
	}
	c->written++;
	out_maybe_flush();
}

void ev_file_done(struct ev_ctx *c)
{
	if (c->pending_session.len && c->since == TS_NONE && c->until == TS_NONE)
		flush_session(c, true);
	sb_reset(&c->pending_session);
	out_maybe_flush();
}

const struct jnode *ev_parse_line(struct lreader *r, struct jdoc *d, const char *line, size_t len)
{
	if (jparse(d, line, len) < 0) {
		if (r->partial)
			lr_note(r, "partial", "incomplete last line (a session still being written?); skipped");
		else
			lr_warn(r, "json", "not JSON: %s", d->err);
		return NULL;
	}
	const struct jnode *o = jroot(d);
	if (o->type != J_OBJ) {
		lr_warn(r, "notobj", "not a JSON object; skipped");
		return NULL;
	}
	if (d->badutf8)
		lr_warn(r, "utf8", "invalid UTF-8 replaced by U+FFFD");
	return o;
}

bool ev_seen(struct hmap *m, const char *a, const char *b)
{
	uint64_t h = hash64(a, strlen(a), 0x5eed);
	if (b)
		h = hash64(b, strlen(b), h);
	bool ins;
	hm_put(m, h, &ins);
	return !ins;
}

void ev_link_put(struct ev_ctx *c, const char *key, const char *value)
{
	bool ins;
	int64_t *v = hm_put(&c->link, hash64(key, strlen(key), 0x11), &ins);
	if (!ins) {
		free(c->links[*v]);
		c->links[*v] = xstrdup(value);
		return;
	}
	c->links = xrealloc(c->links, sizeof *c->links * (c->nlinks + 1));
	c->links[c->nlinks] = xstrdup(value);
	*v = (int64_t)c->nlinks++;
}

const char *ev_link_get(struct ev_ctx *c, const char *key)
{
	int64_t *v = hm_get(&c->link, hash64(key, strlen(key), 0x11));
	return v ? c->links[*v] : NULL;
}
