/* kernel/console.h - where kernel text goes: the serial port first (the
 * log of record), then the screen (VGA text or a linear framebuffer). */
#ifndef SVMHV_CONSOLE_H
#define SVMHV_CONSOLE_H
#include "lib/types.h"

struct screen_ops {
	void (*write)(const char *s, size_t n);
	const char *name;
};

void console_init_early(void);
void console_set_screen(const struct screen_ops *ops);
void console_write(const char *s, size_t n);
void console_panic_mode(void);   /* break the lock: the panicking CPU owns the console */
bool console_has_serial(void);

/* drivers/vga.c */
void vga_text_init(void);
extern const struct screen_ops vga_text_ops;
#endif
