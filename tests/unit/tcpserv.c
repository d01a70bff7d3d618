/* SPDX-License-Identifier: MIT */
/* tcpserv: a loopback TCP listener and client for agent-snoop's test.
 *   tcpserv listen FILE   listen on 127.0.0.1 (a free port), write the
 *                         port to FILE, accept one connection, exit 0
 *   tcpserv connect PORT  connect to 127.0.0.1:PORT, exit 0 on success */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return 1;
	if (!strcmp(argv[1], "connect")) {
		a.sin_port = htons((unsigned short)atoi(argv[2]));
		return connect(s, (struct sockaddr *)&a, sizeof a) ? 1 : 0;
	}
	socklen_t l = sizeof a;
	if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&a, &l))
		return 1;
	/* write the port only once listening, under a temporary name */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", ntohs(a.sin_port));
	if (fclose(f) || rename(tmp, argv[2]))
		return 1;
	int c = accept(s, NULL, NULL);
	return c < 0;
}
