/* SPDX-License-Identifier: MIT */
/* flamecolour.c: the fill of a frame (see flame.h). */
#include <math.h>
#include <string.h>
#include "flame.h"

/* A number in [0,1) from the name: the same name, the same colour. */
static double hashv(const char *s, size_t n, uint64_t seed)
{
	return (double)(hash64(s, n, seed) >> 11) * (1.0 / 9007199254740992.0);
}

/* --hash: weigh the first characters most, so that names that start
 * alike get alike colours (rev: the last characters). */
static double namev(const char *s, size_t n, bool rev)
{
	double v = 0, w = 1, max = 0;
	for (size_t i = 0; i < 3 && i < n; i++) {
		unsigned c = (unsigned char)(rev ? s[n - 1 - i] : s[i]);
		unsigned mod = 10 + (unsigned)i;
		v += w * (c % mod) / (mod - 1);
		max += w;
		w *= 0.7;
	}
	return max != 0 ? 1 - v / max : 0;
}

static struct rgb hsl(double h, double s, double l)
{
	h = fmod(h, 360);
	if (h < 0)
		h += 360;
	double c = (1 - fabs(2 * l - 1)) * s, x = c * (1 - fabs(fmod(h / 60, 2) - 1)), m = l - c / 2;
	double r = 0, g = 0, b = 0;
	switch ((int)(h / 60)) {
	case 0: r = c; g = x; break;
	case 1: r = x; g = c; break;
	case 2: g = c; b = x; break;
	case 3: g = x; b = c; break;
	case 4: r = x; b = c; break;
	default: r = c; b = x; break;
	}
	return (struct rgb){(int)lround((r + m) * 255), (int)lround((g + m) * 255), (int)lround((b + m) * 255)};
}

/* The agent palette: a hue family per frame kind, a shade per value. */
static const struct { const char *kind; int hue, sat; } kinds[] = {
	{"project", 275, 45}, {"agent", 195, 55}, {"session", 248, 45}, {"prompt", 45, 85},
	{"call", 22, 80}, {"tool", 90, 55}, {"kind", 175, 50}, {"model", 312, 45},
	{"process", 330, 30}, {"effect", 32, 30}, {"path", 218, 60}, {"domain", 152, 50},
	{"price", 60, 70},
};

static struct rgb agent_colour(const struct flame *f, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return hsl(0, 0, 0.80);
	size_t kl = (size_t)(colon - s);
	const char *val = colon + 1;
	size_t vl = n - kl - 1;
	double v = f->o.hash ? namev(val, vl, false) : hashv(val, vl, 7);
	double j = f->o.hash ? namev(val, vl, true) : hashv(val, vl, 8);
	if (kl == 6 && !memcmp(s, "status", 6)) {
		if ((vl == 2 && !memcmp(val, "ok", 2)) || (vl == 7 && !memcmp(val, "success", 7)))
			return hsl(130, 0.50, 0.62);
		if (vl >= 4 && (!memcmp(val, "error", vl < 5 ? vl : 5) || !memcmp(val, "fail", 4) ||
				!memcmp(val, "timeout", vl < 7 ? vl : 7) || !memcmp(val, "denied", vl < 6 ? vl : 6)))
			return hsl(0, 0.80, 0.58 + 0.06 * v);
		return hsl(0, 0, 0.72 + 0.08 * v);
	}
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strlen(kinds[i].kind) == kl && !memcmp(kinds[i].kind, s, kl))
			return hsl(kinds[i].hue + 20 * (j - 0.5), kinds[i].sat / 100.0, 0.60 + 0.16 * v);
	/* a kind we do not know: its own muted hue */
	return hsl(360 * hashv(s, kl, 9), 0.25, 0.62 + 0.14 * v);
}

struct rgb flame_colour(const struct flame *f, uint32_t i)
{
	size_t n;
	const char *s = flame_label(f, i, &n);
	int64_t maxdelta = f->maxdelta;
	if (f->ncols == 2) {
		int64_t d = f->nodes[i].n - f->nodes[i].n1;
		if (f->o.negate)
			d = -d;
		if (!d || !maxdelta)
			return (struct rgb){250, 250, 250};
		int64_t a = d < 0 ? -d : d;
		if (a > maxdelta)
			a = maxdelta;
		/* light red (grew) or blue (shrank), deeper by magnitude but
		 * never so deep that the dark labels fade; exact: the same
		 * delta, the same shade on every machine */
		int v = 235 - (int)((__int128)115 * a / maxdelta);
		return d > 0 ? (struct rgb){255, v, v} : (struct rgb){v, v + 10, 255};
	}
	if (f->o.pal == PAL_AGENT)
		return agent_colour(f, s, n);
	double v1, v2, v3;
	if (f->o.hash) {
		v1 = namev(s, n, false);
		v2 = v3 = namev(s, n, true);
	} else {
		v1 = hashv(s, n, 1);
		v2 = hashv(s, n, 2);
		v3 = hashv(s, n, 3);
	}
	switch (f->o.pal) {
	case PAL_MEM:
		return (struct rgb){0, 190 + (int)(50 * v2), (int)(210 * v1)};
	case PAL_IO: {
		int r = 80 + (int)(60 * v1);
		return (struct rgb){r, r, 190 + (int)(55 * v2)};
	}
	default:
		return (struct rgb){205 + (int)(50 * v3), (int)(230 * v1), 55 + (int)(50 * v2)};
	}
}
