/* drivers/fb.c - text console on a linear RGB framebuffer (16, 24 or 32 bits
 * per pixel), with the glyphs of build/font.c; and the early backlog that
 * holds the text printed before kmain chose a screen.  kmain calls
 * fb_init() with the multiboot2 framebuffer tag; console_write() calls
 * fb_write() under the console lock.
 *
 * The text grid starts at the top left pixel; pixels right of and below the
 * last whole cell are left alone.  Scrolling copies the framebuffer up one
 * text row.  That reads the framebuffer, which is slow on real video memory
 * but cheap in QEMU (its VRAM is ordinary host memory).
 *
 * Every drawing function re-checks the cell against the grid, so a panic,
 * which writes without the console lock, can garble the screen but never
 * write outside the framebuffer. */
#include "drivers/fb.h"
#include "kernel/layout.h"
#include "kernel/mb2.h"
#include "kernel/printk.h"

/* Weak, so that a kernel linked without build/font.o (a Makefile that does
 * not include mk/font.mk) still links, and fb_init() refuses. */
#pragma weak fb_font

/* Larger than any real display; a tag beyond these is corrupt. */
#define FB_MAX_DIM    16384u
#define FB_MAX_BYTES  (512ULL << 20)

#define FB_TAB        8

/* VGA's light grey on black, like the text console. */
#define FB_FG_RGB     0xaaaaaa
#define FB_BG_RGB     0x000000

static struct {
	u8 *base;		/* direct-map address of pixel (0, 0) */
	u64 phys;
	u32 pitch, width, height, bpp, bytespp;
	u32 cols, rows;		/* the text grid */
	u32 col, row;		/* next cell; col == cols: wrap before the next character */
	u32 fg, bg;		/* pixel values */
	bool ready;
} scr;

/* One 8-bit colour channel scaled to `size` bits at bit `pos`. */
static u32 fb_channel(u32 value8, u8 pos, u8 size)
{
	u32 v = size >= 8 ? value8 << (size - 8) : value8 >> (8 - size);
	return v << pos;
}

static u32 fb_pixel(const struct mb2_framebuffer *fb, u32 rgb)
{
	return fb_channel((rgb >> 16) & 0xff, fb->red_pos, fb->red_size) |
	       fb_channel((rgb >> 8) & 0xff, fb->green_pos, fb->green_size) |
	       fb_channel(rgb & 0xff, fb->blue_pos, fb->blue_size);
}

static void fb_put(u8 *p, u32 v)
{
	switch (scr.bytespp) {
	case 4:
		*(volatile u32 *)p = v;
		break;
	case 3:
		((volatile u8 *)p)[0] = (u8)v;
		((volatile u8 *)p)[1] = (u8)(v >> 8);
		((volatile u8 *)p)[2] = (u8)(v >> 16);
		break;
	default:
		*(volatile u16 *)p = (u16)v;
		break;
	}
}

/* Pixel lines [y, y + n) of the text area, background colour. */
static void fb_clear_lines(u32 y, u32 n)
{
	u32 w = scr.width;
	for (u8 *line = scr.base + (u64)y * scr.pitch; n; n--, line += scr.pitch)
		for (u32 x = 0; x < w; x++)
			fb_put(line + (u64)x * scr.bytespp, scr.bg);
}

/* Forward copy, dst below src.  Volatile word accesses: GCC would turn a
 * plain loop into memcpy(), whose "rep movsb" costs one TCG iteration per
 * byte. */
static void fb_copy_down(u8 *dst, const u8 *src, u64 n)
{
	volatile u64 *d = (volatile u64 *)dst;
	const volatile u64 *s = (const volatile u64 *)src;
	for (u64 i = 0; i < n / 8; i++)
		d[i] = s[i];
	for (u64 i = n & ~7ULL; i < n; i++)
		((volatile u8 *)dst)[i] = ((const volatile u8 *)src)[i];
}

static void fb_draw_cell(u32 col, u32 row, u8 c)
{
	const struct fb_font *f = &fb_font;
	if (col >= scr.cols || row >= scr.rows)
		return;
	if (c >= f->count)
		c = '?';
	const u8 *g = f->glyphs + (u64)c * f->height * f->stride;
	u8 *line = scr.base + (u64)row * f->height * scr.pitch + (u64)col * f->width * scr.bytespp;
	u32 top = f->stride * 8 - 1;
	for (u32 y = 0; y < f->height; y++, line += scr.pitch) {
		u32 bits = 0;
		for (u32 i = 0; i < f->stride; i++)
			bits = bits << 8 | *g++;
		for (u32 x = 0; x < f->width; x++)
			fb_put(line + (u64)x * scr.bytespp, (bits >> (top - x)) & 1 ? scr.fg : scr.bg);
	}
}

static void fb_newline(void)
{
	scr.col = 0;
	if (scr.row + 1 < scr.rows) {
		scr.row++;
		return;
	}
	u64 text_row = (u64)fb_font.height * scr.pitch;
	fb_copy_down(scr.base, scr.base + text_row, (scr.rows - 1) * text_row);
	fb_clear_lines((scr.rows - 1) * fb_font.height, fb_font.height);
	scr.row = scr.rows - 1;
}

static void fb_write(const char *s, size_t n)
{
	if (!scr.ready)
		return;
	for (size_t i = 0; i < n; i++) {
		u8 c = (u8)s[i];
		switch (c) {
		case '\n':
			fb_newline();
			break;
		case '\r':
			scr.col = 0;
			break;
		case '\t':
			scr.col = MIN((scr.col / FB_TAB + 1) * FB_TAB, scr.cols);
			break;
		case '\b':
			if (scr.col)
				scr.col--;
			break;
		default:
			if (c < ' ' || c == 0x7f)
				break;
			if (scr.col >= scr.cols)
				fb_newline();
			fb_draw_cell(scr.col, scr.row, c);
			scr.col++;
			break;
		}
	}
}

const struct screen_ops fb_ops = { fb_write, "framebuffer" };

static const char *fb_check(const struct mb2_framebuffer *fb, u64 map_limit)
{
	const struct fb_font *f = &fb_font;
	if (!f)
		return "no built-in font (build/font.o, see mk/font.mk)";
	if (fb->type != MB2_FB_RGB)
		return "not a direct-colour (RGB) framebuffer";
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return "only 16, 24 and 32 bits per pixel are supported";
	if (!fb->width || !fb->height || fb->width > FB_MAX_DIM || fb->height > FB_MAX_DIM)
		return "absurd width or height";
	if ((u64)fb->pitch < (u64)fb->width * (fb->bpp / 8))
		return "pitch shorter than a line of pixels";
	if ((u64)fb->pitch * fb->height > FB_MAX_BYTES)
		return "absurd size (pitch * height)";
	const u8 ch[3][2] = { { fb->red_pos, fb->red_size }, { fb->green_pos, fb->green_size },
			      { fb->blue_pos, fb->blue_size } };
	for (int i = 0; i < 3; i++)
		if (!ch[i][1] || ch[i][1] > 16 || ch[i][0] + ch[i][1] > fb->bpp)
			return "colour channel outside the pixel";
	if (!fb->addr || fb->addr >= map_limit ||
	    (u64)fb->pitch * fb->height > map_limit - fb->addr)
		return "not inside the direct map";
	if (!f->width || f->width > 32 || f->stride != (f->width + 7) / 8 || !f->height ||
	    f->count <= '?' || !f->glyphs)
		return "the built-in font is malformed";
	if (fb->width < f->width || fb->height < f->height)
		return "smaller than one character";
	return NULL;
}

int fb_init(const struct mb2_framebuffer *fb, u64 map_limit)
{
	const char *why = fb_check(fb, map_limit);
	if (why) {
		kprintf("console: framebuffer %ux%ux%u (type %u, pitch %u) at %#llx unusable: %s\n",
			fb->width, fb->height, fb->bpp, fb->type, fb->pitch,
			(unsigned long long)fb->addr, why);
		return -EINVAL;
	}
	scr.ready = false;
	scr.phys = fb->addr;
	scr.base = (u8 *)(HHDM_BASE + fb->addr);
	scr.pitch = fb->pitch;
	scr.width = fb->width;
	scr.height = fb->height;
	scr.bpp = fb->bpp;
	scr.bytespp = fb->bpp / 8;
	scr.cols = fb->width / fb_font.width;
	scr.rows = fb->height / fb_font.height;
	scr.col = scr.row = 0;
	scr.fg = fb_pixel(fb, FB_FG_RGB);
	scr.bg = fb_pixel(fb, FB_BG_RGB);
	fb_clear_lines(0, scr.height);
	scr.ready = true;
	return 0;
}

void fb_print_info(void)
{
	kprintf("console: framebuffer %ux%ux%u at %#llx, font %ux%u (%s), %ux%u characters\n",
		scr.width, scr.height, scr.bpp, (unsigned long long)scr.phys,
		fb_font.width, fb_font.height, fb_font.name, scr.cols, scr.rows);
}

/* ---- the early backlog ---- */

/* Enough for the banner and a few boot-information warnings. */
#define FB_BACKLOG_SIZE 4096

static char backlog[FB_BACKLOG_SIZE];
static size_t backlog_len;

static void fb_backlog_write(const char *s, size_t n)
{
	n = MIN(n, FB_BACKLOG_SIZE - backlog_len);
	for (size_t i = 0; i < n; i++)
		backlog[backlog_len + i] = s[i];
	backlog_len += n;
}

const struct screen_ops fb_backlog_ops = { fb_backlog_write, "backlog" };

void fb_backlog_replay(const struct screen_ops *to)
{
	if (to)
		to->write(backlog, backlog_len);
	backlog_len = 0;
}
