/* SPDX-License-Identifier: MIT */
/* flamelayout.c: what is drawn and where (see flame.h). */
#include "flame.h"

void flame_geometry(struct flame *f)
{
	double fs = f->o.fontsize;
	f->ypad1 = fs * 3;
	f->ypad2 = fs * 2 + 10;
	f->ypad3 = f->o.subtitle ? fs * 2 : 0;
	f->imgheight = ((double)f->maxdepth + 1) * (double)f->o.height + f->ypad1 + f->ypad2 + f->ypad3;
}

void flame_layout(struct flame *f)
{
	f->wpt = (double)(f->o.width - 2 * FLAME_XPAD) / (double)f->total;
	double mintime = f->o.minpct ? (double)f->total * f->o.minwidth / 100
		: f->o.minwidth / f->wpt;
	flame_build(f, mintime);
	flame_geometry(f);
}
