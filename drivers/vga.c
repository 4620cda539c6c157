/* drivers/vga.c - VGA text mode (80x25 at 0xB8000) as a screen console,
 * used when GRUB leaves the machine in text mode (BIOS). */
#include "kernel/console.h"
#include "kernel/layout.h"
#include "lib/string.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07

static volatile u16 *vga;
static unsigned int col, row;

static void vga_scroll(void)
{
	for (unsigned int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		vga[i] = vga[i + VGA_COLS];
	for (unsigned int i = 0; i < VGA_COLS; i++)
		vga[(VGA_ROWS - 1) * VGA_COLS + i] = (VGA_ATTR << 8) | ' ';
	row = VGA_ROWS - 1;
}

static void vga_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n') {
			col = 0;
			row++;
		} else if (c == '\r') {
			col = 0;
		} else if (c == '\t') {
			col = (col + 8) & ~7u;
		} else {
			vga[row * VGA_COLS + col] = (u16)((VGA_ATTR << 8) | (u8)c);
			col++;
		}
		if (col >= VGA_COLS) {
			col = 0;
			row++;
		}
		if (row >= VGA_ROWS)
			vga_scroll();
	}
}

void vga_text_init(void)
{
	vga = (volatile u16 *)(HHDM_BASE + 0xb8000);
	for (unsigned int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga[i] = (VGA_ATTR << 8) | ' ';
	col = row = 0;
}

const struct screen_ops vga_text_ops = { vga_write, "VGA text" };
