/* SPDX-License-Identifier: MIT */
/* yamlload.h: reading a small YAML configuration file (--prices, --rules)
 * with bounds on what a hostile or mistaken file can cost. */
#ifndef AP_YAMLLOAD_H
#define AP_YAMLLOAD_H
#include <stdio.h>
#include <yaml.h>
#include "util.h"

#define YAML_MAX_SIZE ((size_t)16 << 20)  /* 16 MiB */
#define YAML_MAX_DEPTH 64                 /* nested sequences and mappings */

/* Read f (named path) into doc.  A file larger than YAML_MAX_SIZE, or
 * one nesting collections deeper than YAML_MAX_DEPTH, is refused before
 * it is loaded: libyaml takes time quadratic in the depth of flow
 * collections ("[[[[...", minutes for a few megabytes).  0, or -1 with
 * "path:line: message" (or "path: message") in err. */
int yaml_load_bounded(FILE *f, const char *path, yaml_document_t *doc, struct sbuf *err);
#endif
