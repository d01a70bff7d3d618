/* SPDX-License-Identifier: MIT */
/* yamlload.c: bounded loading of YAML configuration files. */
#include <errno.h>
#include <string.h>
#include "yamlload.h"

/* The deepest nesting, stopping as soon as it passes the limit: the
 * events come with at most a line's lookahead, so a file of brackets is
 * refused after its first few hundred bytes.  -1 when the events end in a
 * syntax error (the load reports it). */
static int too_deep(const unsigned char *s, size_t n, size_t *line)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, s, n);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = -1;
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > YAML_MAX_DEPTH) {
				*line = ev.start_mark.line + 1;
				rc = 1;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (rc || t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&p);
	return rc;
}

int yaml_load_bounded(FILE *f, const char *path, yaml_document_t *doc, struct sbuf *err)
{
	struct sbuf b = {0};
	char chunk[65536];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + r > YAML_MAX_SIZE) {
			sb_printf(err, "%s: larger than %zu MiB; not a configuration file this program reads",
				path, YAML_MAX_SIZE >> 20);
			sb_free(&b);
			return -1;
		}
		sb_add(&b, chunk, r);
	}
	if (ferror(f)) {
		sb_printf(err, "%s: %s", path, strerror(errno));
		sb_free(&b);
		return -1;
	}
	const unsigned char *s = (const unsigned char *)(b.p ? b.p : "");
	size_t line = 0;
	if (too_deep(s, b.len, &line) > 0) {
		sb_printf(err, "%s:%zu: nested deeper than %d levels", path, line, YAML_MAX_DEPTH);
		sb_free(&b);
		return -1;
	}
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, s, b.len);
	int rc = 0;
	if (!yaml_parser_load(&p, doc)) {
		sb_printf(err, "%s:%zu: %s", path, p.problem_mark.line + 1,
			p.problem ? p.problem : "not YAML");
		rc = -1;
	}
	yaml_parser_delete(&p);
	sb_free(&b);
	return rc;
}
