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
/* Bytes as they are (no "\r\n" for '\n'): a guest's own terminal output.
 * The next console_write after it starts on a new line if it left one open. */
void console_write_raw(const char *s, size_t n);
/* Serial input: routes COM1's interrupt to the boot CPU and calls fn with
 * each received byte, in interrupt context.  0, or -ENODEV (no UART, no
 * I/O APIC) after saying so. */
int console_input_start(void (*fn)(u8 c));
u64 console_input_count(void);
/* Machine-readable records (the benchmarks' BENCH lines): on the console,
 * or on COM2 alone once console_records_to_com2() found one there
 * (records=com2: `make run` keeps them off the terminal, in a file). */
void console_record(const char *s, size_t n);
int console_records_to_com2(void);

/* drivers/vga.c */
void vga_text_init(void);
extern const struct screen_ops vga_text_ops;
#endif
