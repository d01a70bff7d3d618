/* SPDX-License-Identifier: MIT */
/* fakellama: a stand-in for llama.cpp's server in agent-tag's tests.  Not
 * a test itself: it listens on 127.0.0.1, prints the port on stdout, and
 * answers POST /v1/chat/completions the way the real server does, or
 * misbehaves as told.
 *
 *   fakellama [-m mode,mode,...] [-a tag] [-n requests] [-t seconds]
 *
 * Request i gets the i-th mode (the last one repeats): ok (answer the
 * tag), invalid (answer "Not A Tag!"), json (a body that is not JSON),
 * 500 (HTTP 500), stall (no answer until the client gives up), close
 * (close without answering).  A request without "temperature":0 or a
 * "grammar" gets HTTP 400.  One line per request on stderr.  Exits after
 * -n requests (default 100) or -t seconds (default 30), whichever first. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "json.h"

static char *modes[32];
static int nmodes;
static const char *answer = "research";

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Read until the request is complete, the peer closes, or 5 s pass. */
static int readreq(int fd, struct sbuf *b, size_t *hdrlen)
{
	double end = now() + 5;
	size_t need = 0;
	char buf[8192];
	for (;;) {
		char *e = b->p ? memmem(b->p, b->len, "\r\n\r\n", 4) : NULL;
		if (e && !need) {
			*hdrlen = (size_t)(e - b->p) + 4;
			char *cl = strcasestr(b->p, "\r\nContent-Length:");
			need = *hdrlen + (cl && cl < e ? strtoul(cl + 17, NULL, 10) : 0);
			if (strcasestr(b->p, "\r\nExpect: 100-continue"))
				(void)!write(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		}
		if (need && b->len >= need)
			return 0;
		struct pollfd p = {fd, POLLIN, 0};
		int ms = (int)((end - now()) * 1000);
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			return -1;
		ssize_t r = read(fd, buf, sizeof buf);
		if (r <= 0)
			return -1;
		sb_add(b, buf, (size_t)r);
	}
}

static void reply(int fd, int code, const char *body)
{
	char h[256];
	int n = snprintf(h, sizeof h, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n", code, code == 200 ? "OK" : "Error",
		strlen(body));
	(void)!write(fd, h, (size_t)n);
	(void)!write(fd, body, strlen(body));
}

static void completion(int fd, const char *content)
{
	struct sbuf b = {0};
	sb_adds(&b, "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"created\":0,"
		"\"model\":\"fake\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
		"\"content\":");
	sb_json_str(&b, content, strlen(content));
	sb_adds(&b, "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,"
		"\"completion_tokens\":1,\"total_tokens\":11}}");
	reply(fd, 200, b.p);
	sb_free(&b);
}

/* Hold the connection until the client hangs up (its timeout), at most
 * 20 s. */
static void stall(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char buf[256];
	double end = now() + 20;
	while (now() < end && poll(&p, 1, 100) >= 0)
		if ((p.revents & (POLLIN | POLLHUP)) && read(fd, buf, sizeof buf) <= 0)
			return;
}

static void serve(int fd, int n)
{
	struct sbuf b = {0};
	struct jdoc d = {0};
	size_t hl = 0;
	const char *mode = modes[n < nmodes ? n : nmodes - 1];
	if (readreq(fd, &b, &hl) < 0) {
		fprintf(stderr, "fakellama: request %d: incomplete\n", n + 1);
		goto out;
	}
	const struct jnode *r = NULL;
	bool post = !strncmp(b.p, "POST /v1/chat/completions ", 26);
	bool parsed = jparse(&d, b.p + hl, b.len - hl) == 0 && (r = jroot(&d)) && r->type == J_OBJ;
	const struct jnode *t = parsed ? jget(&d, r, "temperature") : NULL;
	const struct jnode *g = parsed ? jget(&d, r, "grammar") : NULL;
	const struct jnode *m = parsed ? jget(&d, r, "messages") : NULL;
	if (!post || !parsed || !t || jnum(t, -1) != 0 || !g || g->type != J_STR || !g->len ||
	    !m || m->type != J_ARR) {
		fprintf(stderr, "fakellama: request %d: bad request\n", n + 1);
		reply(fd, 400, "{\"error\":{\"code\":400,\"message\":\"bad request\"}}");
		goto out;
	}
	fprintf(stderr, "fakellama: request %d: %s\n", n + 1, mode);
	if (!strcmp(mode, "ok"))
		completion(fd, answer);
	else if (!strcmp(mode, "invalid"))
		completion(fd, "Not A Tag!");
	else if (!strcmp(mode, "json"))
		reply(fd, 200, "{\"choices\":[{\"message\":");
	else if (!strcmp(mode, "500"))
		reply(fd, 500, "{\"error\":{\"code\":500,\"message\":\"model crashed\"}}");
	else if (!strcmp(mode, "stall"))
		stall(fd);
	/* close: nothing */
out:
	close(fd);
	sb_free(&b);
	jdoc_free(&d);
}

int main(int argc, char **argv)
{
	int c, max = 100;
	double limit = 30;
	char *list = "ok";
	while ((c = getopt(argc, argv, "m:a:n:t:")) != -1) {
		switch (c) {
		case 'm': list = optarg; break;
		case 'a': answer = optarg; break;
		case 'n': max = atoi(optarg); break;
		case 't': limit = atof(optarg); break;
		default:
			fprintf(stderr, "usage: fakellama [-m modes] [-a tag] [-n requests] [-t seconds]\n");
			return 2;
		}
	}
	for (char *s = strtok(list, ","); s && nmodes < 32; s = strtok(NULL, ","))
		modes[nmodes++] = s;
	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 16) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		perror("fakellama");
		return 2;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	double end = now() + limit;
	for (int n = 0; n < max;) {
		struct pollfd p = {ls, POLLIN, 0};
		int ms = (int)((end - now()) * 1000);
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			break;
		int fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		serve(fd, n++);
	}
	close(ls);
	return 0;
}
