/* SPDX-License-Identifier: MIT */
/* Unit tests of the redaction of records (privacy.c): the block scan that
 * passes over quiet text (quiet_fill, quiet_next) finds what looking at
 * every byte finds.  Exact bytes for each thing that makes the scan stop,
 * at every offset in the 64-byte windows, across the end of a chunk of
 * 4096 and in the copied last bytes, with the windows classified 32 bytes
 * a step (AVX2) and 16 (SSE2); then
 * random secret-like text redacted both ways (privacy_noskip). */
#include <stdint.h>
#include <stdlib.h>
#include "event.h"
#include "tap.h"

/* what s becomes in a record string, quotes stripped */
static const char *red(struct sbuf *b, const char *s, size_t n)
{
	sb_reset(b);
	sb_json_str_redacted(b, s, n);
	b->p[b->len - 1] = 0;
	return b->p + 1;
}

static const struct { const char *in, *out, *what; } cases[] = {
	{"sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "[REDACTED]", "a key: a long run, keystart"},
	{"xoxb-0123456789", "[REDACTED]", "the shortest key (minkey 15)"},
	{"xoxb-012345678", "xoxb-012345678", "a byte shorter: no key"},
	{"discord.com/api/webhooks/123456789/abcdefgh", "discord.com/api/webhooks/[REDACTED]",
		"a webhook: the shortest run looked at (QUIET_RUN 11)"},
	{"hooks.slack.com/services/T000/B000/XXXXXXXX", "hooks.slack.com/services/[REDACTED]",
		"a Slack webhook"},
	{"Bearer abcdef0123456789", "Bearer [REDACTED]", "B starts a word: Bearer"},
	{"basic Basic dXNlcjpwYXNzd29yZA==", "basic Basic [REDACTED]", "b and B"},
	{"aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"aws_secret_access_key [REDACTED]", "an AWS secret's name"},
	{"AKIAABCDEFGHIJKLMNOP", "[REDACTED]", "an AWS key id"},
	{"OPENAI_API_KEY=abc123def456", "OPENAI_API_KEY=[REDACTED]", "=: an assignment"},
	{"password: hunter2hunter2", "password: [REDACTED]", "a colon"},
	{"--password s3cr3t-v4lue", "--password [REDACTED]", "-: an option"},
	{"https://user:pw@host", "https://[REDACTED]@host", "@: a URL's password"},
	{"consectetur adipiscing", "consectetur adipiscing", "long words that start nothing"},
	{"x-sk-ant-api03-abcdefghijklmnopqrstu", "x-[REDACTED]", "a key after a dash"},
	{"tokensk-ant-api03-abcdefghijklmnopqrstu", "tokensk-ant-api03-abcdefghijklmnopqrstu",
		"a key inside a word is none"},
	{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop", "[REDACTED]", "a JWT"},
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static unsigned rnd(unsigned n)
{
	return (unsigned)(tap_xorshift(&rng) % n);
}

static const char *const parts[] = {"sk-ant-", "ghp_", "xoxb-", "AKIA", "eyJ", "SG.", "hf_",
	"discord.com/api/webhooks/", "hooks.slack.com/services/", "Bearer ", "Basic ", "bearer ",
	"aws_secret_access_key ", "API_KEY=", "password", ": ", "=", "==", "--token ", "-u ",
	"mysql -pX ", "https://u:p@h", "@", "-", "a@b.co", "\"", "'", "$X", " ", "\n", "lorem ipsum ",
	"consectetur ", "-----BEGIN PRIVATE KEY-----\nabc\n-----END", "\xc3\xa9", "\\", "\x01", "0"};
static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=/+";

/* A random text in t of at least len bytes: pieces[n] (odds: each piece
 * is one of them in odds tries out of odds + 1) or runs of 1 to run bytes
 * of fill. */
static void rnd_text(struct sbuf *t, size_t len, const char *const *pieces, unsigned n,
	unsigned odds, const char *fill, unsigned run)
{
	sb_reset(t);
	size_t nfill = strlen(fill);
	while (t->len < len) {
		if (rnd(odds + 1))
			sb_adds(t, pieces[rnd(n)]);
		else
			for (unsigned l = 1 + rnd(run); l; l--)
				sb_addc(t, fill[rnd((unsigned)nfill)]);
	}
}

/* t redacted with every shortcut off (privacy_noskip) into want, then
 * twice as usual into b (the second from the memo): 1 when either
 * differs, said for the first three (shown: how many differed before) */
static int twice_as_noskip(const struct sbuf *t, struct sbuf *want, struct sbuf *b, int shown)
{
	int differs = 0;
	privacy_noskip = true;
	sb_reset(want);
	sb_json_str_redacted(want, t->p, t->len);
	privacy_noskip = false;
	for (int k = 0; k < 2; k++) {
		sb_reset(b);
		sb_json_str_redacted(b, t->p, t->len);
		if (b->len != want->len || memcmp(b->p, want->p, b->len)) {
			if (!differs && shown < 3)
				printf("# differs on: %.*s\n#  skip: %s\n#  each: %s\n", (int)t->len, t->p,
					b->p, want->p);
			differs = 1;
		}
	}
	return differs;
}

int main(void)
{
	struct sbuf b = {0}, t = {0}, want = {0};
	const char *fill = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
		"tempor incididunt ut labore et dolore magna aliqua ";
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		is_str(red(&b, cases[c].in, strlen(cases[c].in)), cases[c].out, "%s", cases[c].what);
		/* at every offset: in the windows, the copied end, the last bytes */
		int bad = 0;
		for (size_t k = 0; k < 120; k++) {
			size_t tail = k % 40;
			sb_reset(&t);
			sb_add(&t, fill, k);
			sb_addc(&t, ' ');
			sb_adds(&t, cases[c].in);
			sb_addc(&t, ' ');
			sb_add(&t, fill, tail);
			sb_reset(&want);
			sb_json_body(&want, fill, k);
			sb_addc(&want, ' ');
			sb_adds(&want, cases[c].out);
			sb_addc(&want, ' ');
			sb_json_body(&want, fill, tail);
			bad += strcmp(red(&b, t.p, t.len), want.p) != 0;
		}
		is_int(bad, 0, "%s: at every offset", cases[c].what);
	}
	/* random text: the block scan and the look at every byte agree */
	int diff = 0;
	for (int it = 0; it < 20000; it++) {
		sb_reset(&t);
		for (unsigned k = 1 + rnd(14); k; k--) {
			if (rnd(2)) {
				sb_adds(&t, parts[rnd(sizeof parts / sizeof *parts)]);
			} else {
				for (unsigned l = rnd(rnd(4) ? 14 : 50); l; l--)
					sb_addc(&t, alpha[rnd(sizeof alpha - 1)]);
			}
		}
		privacy_noskip = true;
		sb_reset(&want);
		sb_json_str_redacted(&want, t.p, t.len);
		privacy_noskip = false;
		sb_reset(&b);
		sb_json_str_redacted(&b, t.p, t.len);
		if (strcmp(b.p, want.p) && diff++ < 3)
			printf("# differs on: %s\n#  skip: %s\n#  each: %s\n", t.p, b.p, want.p);
	}
	is_int(diff, 0, "20,000 random texts: the same with and without the block scan");
	/* short texts (privacy.c's plain_text and memo): every length to 70,
	 * words that start a long run or not, b inside a word and first,
	 * the bytes that are escaped; each twice (the second from the memo) */
	static const char *const shorts[] = {"tokensabcdefg", "abcdefghijk", "abcdefghij",
		"toolu_012_3#1", "sk", "hooks", "dapi", "b", "B", "ab", "Bash", "x.y", "a_b",
		" ", "#", "/", ",", "\"", "\\", "\n", "\x1f", "\x7f", "\xc3\xa9", "\xff", ":", "=",
		"-", "@", "0123456789", "secretaccesskey", "AKIA", "Bearer ", "Basic ", "bearer ",
		"xoxb-", "eyJ"};
	static const char words[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.#/ ,";
	diff = 0;
	for (int it = 0; it < 40000; it++) {
		size_t want_len = (size_t)rnd(71);
		rnd_text(&t, want_len, shorts, sizeof shorts / sizeof *shorts, 2, words, 13);
		if (t.len > want_len)
			t.len = want_len;
		diff += twice_as_noskip(&t, &want, &b, diff);
	}
	is_int(diff, 0, "40,000 short texts, twice: the same with and without the shortcuts");
	/* ids (privacy.c's plain_text takes '-' and ':' where next_secret
	 * finds nothing): names before ':' that are a secret's or not, with
	 * the last name's verdict kept (the same bytes again, one byte off,
	 * the same length), dashes after a space, at the start, before
	 * another, near the end; words long enough for a key, an AWS
	 * secret's name or a webhook's host, or a byte short; every length
	 * to 70, and the bytes that are escaped */
	static const char *const idp[] = {"aider-20260101T000003-0eb4c00f", "history-cursor",
		":", ":", "::", "://", ":/", "-", "-", "--", "---", "-----BEGIN PRIVATE KEY-----\nab\n-----END",
		" ", " -", " -x", "\t", "l", "t12", "p1", "#1", "password", "passwd", "passxd", "api_key",
		"apikey", "API-KEY", "secret", "token", "x_token", "no_token", "token_file", "auth",
		"authorization", "cookie", "aws_secret_access_key", "AWS_SECRETACCESSKEY",
		"aws_secret_access_ke", "secretaccesskey", "secretaccesske", "sk-ant-api03-abcdefghi",
		"sk-ant-api03-abcdefgh", "ghp_0123456789abcdefghij", "ghp_0123456789abcdefghi",
		"hooks.slack.com/services/T0/B0/XXXXXXXX", "hooks.slack.com", "discord.com/api/webhooks/12345678/x",
		"discordx", "dapi0123456789abcdef0123456789abcdef", "AKIAABCDEFGHIJKLMNOP", "Bearer abc123456",
		"bx", "xb", "@", "=", "\"", "'", "'-u ", "\\", "\xc3\xa9", "\x01", ".", "_", "/", "0", "abcdefghijklmnopqrstuvwxyz"};
	diff = 0;
	for (int it = 0; it < 60000; it++) {
		size_t want_len = (size_t)rnd(71);
		rnd_text(&t, want_len, idp, sizeof idp / sizeof *idp, 3, alpha, 24);
		if (t.len > want_len && rnd(2))
			t.len = want_len;
		diff += twice_as_noskip(&t, &want, &b, diff);
	}
	is_int(diff, 0, "60,000 ids with '-' and ':', twice: the same with and without the shortcuts");
	/* exactly: the name before ':' judged, then kept; a name of the same
	 * length that is a secret's is not taken for the kept one */
	static const struct { const char *in, *out; } idcases[] = {
		{"aider-20260101T000003-0eb4c00f:l3", "aider-20260101T000003-0eb4c00f:l3"},
		{"aider-20260101T000003-0eb4c00f:t4", "aider-20260101T000003-0eb4c00f:t4"},
		{"passxd:abc12345", "passxd:abc12345"},
		{"passwd:abc12345", "passwd:[REDACTED]"},
		{"passxd:abc12346", "passxd:abc12346"},
		{"x passwd: abc12345", "x passwd: [REDACTED]"},
		{"a-b", "a-b"}, {"-ab", "-ab"}, {"-a", "-a"}, {"x -u a:b", "x -u a:[REDACTED]"},
		{"a --password abc123", "a --password [REDACTED]"}, {"x-", "x-"}, {"x --", "x --"},
		{"history-cursor:l1", "history-cursor:l1"}, {"http://a:b@h", "http://[REDACTED]@h"},
		/* a name before ':' and an option start after a "'" */
		{"secret':l1234", "secret':[REDACTED]"}, {"x '-u a:l3", "x '-u a:[REDACTED]"},
		{"'secret':abc12345", "'secret':[REDACTED]"}, {"a'b:c", "a'b:c"},
	};
	for (size_t c = 0; c < sizeof idcases / sizeof *idcases; c++)
		for (int k = 0; k < 2; k++)
			is_str(red(&b, idcases[c].in, strlen(idcases[c].in)), idcases[c].out,
				"%s (%s)", idcases[c].in, k ? "again" : "first");
	/* the name before '=' read back sixteen bytes a step (name_before):
	 * it ends at the first byte that is none of a name's, at every
	 * distance; "passwd" starts a secret's name, "password" before the
	 * stop is not the name's */
	static const char namebytes[] = "aZ09_.-";
	static const char stops[] = "/ +,;\x80\xff\t\"'";
	int wrong = 0;
	for (size_t l = 0; l < 70; l++)
		for (size_t k = 0; k < sizeof stops - 1; k++) {
			char c = namebytes[l % (sizeof namebytes - 1)];
			sb_reset(&t);
			sb_adds(&t, "password");
			sb_addc(&t, stops[k]);
			for (size_t i = 0; i < l; i++)
				sb_addc(&t, c);
			sb_adds(&t, "x=value99");
			red(&b, t.p, t.len);
			wrong += strstr(b.p, "[REDACTED]") != NULL;
			sb_reset(&t);
			sb_adds(&t, "passwd");
			for (size_t i = 0; i < l; i++)
				sb_addc(&t, c);
			sb_adds(&t, "x=value99");
			red(&b, t.p, t.len);
			wrong += strstr(b.p, "=[REDACTED]") == NULL;
		}
	/* and exactly: a name of more than 128 bytes is no secret's */
	for (size_t l = 100; l < 160; l++)
		for (size_t k = 0; k < 20; k++) {
			sb_reset(&t);
			for (size_t i = 0; i < k; i++)
				sb_addc(&t, ' ');
			sb_addc(&t, stops[k % (sizeof stops - 1)]);
			sb_adds(&t, "passwd");
			for (size_t i = 6; i < l; i++)
				sb_addc(&t, 'x');
			sb_adds(&t, "=value99");
			red(&b, t.p, t.len);
			wrong += (strstr(b.p, "=[REDACTED]") != NULL) != (l <= 128);
		}
	is_int(wrong, 0, "names of 1 to 160 bytes before '=': where they start");
	/* the windows of 64 bytes, classified 32 bytes a step (AVX2) or 16
	 * (SSE2): each thing that stops the scan at every offset across the
	 * windows' ends (runs of QUIET_RUN that go on into the next window,
	 * words that start at a window's first byte or end at its last), in
	 * texts too long for the memo, and random long texts; both forms
	 * against the look at every byte */
	static const char *const fills[] = {"lorem ipsum dolor sit amet ",
		"abcdefghijklmnopqrstuvwxyz0123456789", "a=b c-d e:f B ", "xx.yy_zz-"};
	for (int form = 0; form < 2; form++) {
		privacy_avx2 = form == 0;
		int bad = 0;
		for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
			for (size_t k = 0; k < 200; k++) {
				const char *f = fills[k % 4];
				size_t fl = strlen(f);
				sb_reset(&t);
				while (t.len < k)
					sb_addc(&t, f[t.len % fl]);
				sb_adds(&t, cases[c].in);
				for (size_t i = 0; i < 93 + k % 70; i++)
					sb_addc(&t, f[i % fl]);
				bad += twice_as_noskip(&t, &want, &b, bad);
			}
		is_int(bad, 0, "%s: what stops the scan at every offset across the windows",
			form ? "16 bytes a step" : "32 bytes a step where the CPU has AVX2");
		/* and across the end of a chunk of 4096 (the hits found for
		 * a chunk at once), in texts that end in the next one or go
		 * on past it */
		bad = 0;
		for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
			for (size_t k = 4096 - 70; k < 4096 + 40; k++) {
				const char *f = fills[k % 4];
				size_t fl = strlen(f);
				sb_reset(&t);
				while (t.len < k)
					sb_addc(&t, f[t.len % fl]);
				sb_adds(&t, cases[c].in);
				for (size_t i = 0; i < (k % 3 ? k % 70 : 4200); i++)
					sb_addc(&t, f[i % fl]);
				bad += twice_as_noskip(&t, &want, &b, bad);
			}
		is_int(bad, 0, "%s: what stops the scan at every offset across a chunk's end",
			form ? "16 bytes a step" : "32 bytes a step where the CPU has AVX2");
		bad = 0;
		for (int it = 0; it < 5000; it++) {
			sb_reset(&t);
			size_t want_len = 93 + rnd(800);
			while (t.len < want_len) {
				if (rnd(2))
					sb_adds(&t, parts[rnd(sizeof parts / sizeof *parts)]);
				else
					for (unsigned l = rnd(rnd(4) ? 14 : 70); l; l--)
						sb_addc(&t, alpha[rnd(sizeof alpha - 1)]);
			}
			bad += twice_as_noskip(&t, &want, &b, bad);
		}
		is_int(bad, 0, "%s: 5,000 random texts of 93 to 900 bytes",
			form ? "16 bytes a step" : "32 bytes a step where the CPU has AVX2");
	}
	privacy_avx2 = true;
	/* a word that makes a name a secret's, at every place in it (the
	 * last is the name's fifth byte from its end) */
	static const char *const psa[] = {"secre", "SECRE", "Passw", "passp", "apike", "API_K", "api-k"};
	wrong = 0;
	for (size_t k = 0; k < 40; k++)
		for (size_t w = 0; w < sizeof psa / sizeof *psa; w++) {
			sb_reset(&t);
			for (size_t i = 0; i < k; i++)
				sb_addc(&t, 'x');
			sb_adds(&t, psa[w]);
			sb_adds(&t, "=value99");
			wrong += strstr(red(&b, t.p, t.len), "=[REDACTED]") == NULL;
			t.len -= 8;
			t.p[t.len - 1] = 'x';       /* the word cut: none */
			sb_adds(&t, "=value99");
			wrong += strstr(red(&b, t.p, t.len), "=[REDACTED]") != NULL;
		}
	is_int(wrong, 0, "p, s and a words at every place of a name");
	/* the byte before an '=' that makes it an operator's (op_byte):
	 * every byte, after a secret's name */
	wrong = 0;
	for (int c = 0; c < 256; c++) {
		sb_reset(&t);
		sb_adds(&t, "api_key");
		sb_addc(&t, (char)c);
		sb_adds(&t, "=abc12345");
		bool op = strchr("=!<>:+-*/%^&|~", c) != NULL,
			named = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
			(c && strchr("_. \t\"'", c));
		bool hidden = strstr(red(&b, t.p, t.len), "=[REDACTED]") != NULL;
		if (hidden != (named && !op) && wrong++ < 3)
			printf("# byte %d before '=': %s\n", c, b.p + 1);
	}
	is_int(wrong, 0, "every byte before an '=': an operator's or not");
	/* ids put together (privacy.c's heads): a head found plain is kept,
	 * and the head followed by a tail of counters is written as it is.
	 * Heads of every length to 65 made of plain and other pieces
	 * (secrets, names of secrets before ':', options, home paths,
	 * escapes, non-ASCII), learned from "H:p1", from H alone or not at
	 * all, then followed by tails that are counters and tails that are
	 * almost (b first, a letter after the first byte, 10 digits, '/',
	 * '=', an empty counter, escapes): each against the look at every
	 * byte, and the way taken counted */
	static const char *const hp[] = {"aider-20260101T000003-0eb4c00f", "history-cursor",
		"toolu_01", "call_", "/home/dev/project", "/Users/me", "~/src", "-", " -", " -u", " -p",
		"--", "-u ", ":", "::", "://", "password", "passwd", "api_key", "x_token", "secret",
		"authorization", "cookie", "sk-ant-api03-", "ghp_", "abcdefghijklmnopqrst",
		"hooks.slack.com/", "discord", "aws_secret_access_key", "AKIA", "Bearer ", "b", "B",
		"@", "=", "\"", "'", "\\", "\x01", "\xc3\xa9", "\xff", " ", "#", ".", "_", "0", "p1",
		"l3"};
	static const char *const tails[] = {":p1", ":l3", ":l3:t1", ":l3:t1#1", "#1", "#12",
		"#1:2", ":1", ":123456789", ":l123456789", ":1234567890", ":a1:c2:d3#4", ":z9", ":b1",
		":B1", ":L3", ":l", ":", "#", ":l3:", ":ab1", ":1a", ":p1/", ":p1=", "::1", "#p1",
		":l3:t1#1#2#3#4#5", ":0:0:0:0:0:0:0:0:0:0:0:0", ":l3 ", ":-1", ":l3\\", ":l3\xc3\xa9",
		"#1@h", ":l3\"", "#-", ":p1-"};
	struct sbuf h = {0};
	diff = 0;
	int took = 0;
	bool took_at[66] = {0};
	for (int it = 0; it < 40000; it++) {
		size_t hl = (size_t)(it % 66);
		/* half of them of the pieces that may be plain */
		if ((it / 66) & 1)
			rnd_text(&h, hl, hp, 7, 1, "acdefghijklmnopqrstuvwxyz0123456789/_.-", 8);
		else
			rnd_text(&h, hl, hp, sizeof hp / sizeof *hp, 3, alpha, 20);
		h.len = hl;
		sb_grow(&h, 0);
		h.p[hl] = 0;
		unsigned learn = rnd(4);
		if (learn & 1) {
			sb_reset(&t);
			sb_add(&t, h.p, h.len);
			sb_adds(&t, ":p1");
			red(&b, t.p, t.len);
		}
		if (learn & 2)
			red(&b, h.p, h.len);
		for (int k = 0; k < 4; k++) {
			sb_reset(&t);
			sb_add(&t, h.p, h.len);
			for (unsigned m = 1 + rnd(2) * rnd(3); m; m--)
				sb_adds(&t, tails[rnd(sizeof tails / sizeof *tails)]);
			if (privacy_id_composed(t.p, t.len)) {
				took++;
				took_at[hl] = true;
			}
			diff += twice_as_noskip(&t, &want, &b, diff);
		}
	}
	is_int(diff, 0, "160,000 ids of a head and a tail, twice: the same with and without the shortcuts");
	int lens = 0;
	for (size_t l = 1; l < 66; l++)
		lens += took_at[l];
	ok(took > 8000 && lens == 62, "the kept heads took %d of them, with heads of %d lengths (1 to 62)",
		took, lens);
	/* exactly: what each kind of kept head lets through */
	static const struct { const char *learn, *in, *out; bool fast; } heads[] = {
		{"aider-20260101T000003-0eb4c00f:p1", "aider-20260101T000003-0eb4c00f:l3:t1#1",
			"aider-20260101T000003-0eb4c00f:l3:t1#1", true},
		{"aider-20260101T000003-0eb4c00f:p1", "aider-20260101T000003-0eb4c00f:b3",
			"aider-20260101T000003-0eb4c00f:b3", false},
		{"aider-20260101T000003-0eb4c00f:p1", "aider-20260101T000003-0eb4c00f:l1234567890",
			"aider-20260101T000003-0eb4c00f:l1234567890", false},
		{"toolu_01", "toolu_01#2", "toolu_01#2", true},
		{"toolu_01", "toolu_01:l3", "toolu_01:l3", false},   /* H alone: '#' only */
		{"x-password", "x-password#1", "x-password#1", true},
		{"x-password", "x-password:l10000", "x-password:[REDACTED]", false},
		{"x-password:p1", "x-password:l10000", "x-password:[REDACTED]", false},
		{"x -u", "x -u#1:2", "x -u#1:[REDACTED]", false},
		{"x -", "x -#1", "x -#1", false},
		{"x-u", "x-u#1:2", "x-u#1:2", true},
		{"a:p1", "a:l3:password:1", "a:l3:password:1", false},
		{"a:p1", "a:l3:t1", "a:l3:t1", true},
		{"0123456789012345678901234567890123456789012345678901234567890", "0123456789012345678901234567890123456789012345678901234567890#1",
			"0123456789012345678901234567890123456789012345678901234567890#1", true},
		{"01234567890123456789012345678901234567890123456789012345678901", "01234567890123456789012345678901234567890123456789012345678901#1",
			"01234567890123456789012345678901234567890123456789012345678901#1", true},
		{"01234567890123456789012345678901234567890123456789012345678901", "01234567890123456789012345678901234567890123456789012345678901#12",
			"01234567890123456789012345678901234567890123456789012345678901#12", false},
	};
	for (size_t c = 0; c < sizeof heads / sizeof *heads; c++) {
		red(&b, heads[c].learn, strlen(heads[c].learn));
		bool fast = privacy_id_composed(heads[c].in, strlen(heads[c].in));
		is_str(red(&b, heads[c].in, strlen(heads[c].in)), heads[c].out, "%s after %s (%s)",
			heads[c].in, heads[c].learn, fast ? "kept head" : "scanned");
		ok(fast == heads[c].fast, "%s after %s: %s", heads[c].in, heads[c].learn,
			heads[c].fast ? "the kept head's" : "not the kept head's");
	}
	sb_free(&h);
	sb_free(&b);
	sb_free(&t);
	sb_free(&want);
	return tap_done();
}
