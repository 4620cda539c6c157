/* kernel/console.c - serializes console output between CPUs and sends it
 * to the UART and the screen. */
#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "drivers/uart.h"
#include "hw/uart16550.h"

static spinlock_t console_lock = SPINLOCK_INIT("console");
static const struct screen_ops *screen;
static bool have_serial;
static volatile bool panic_mode;

void console_init_early(void)
{
	have_serial = uart_init(UART_COM1_BASE);
}

bool console_has_serial(void)
{
	return have_serial;
}

void console_set_screen(const struct screen_ops *ops)
{
	u64 f = spin_lock_irqsave(&console_lock);
	screen = ops;
	spin_unlock_irqrestore(&console_lock, f);
}

void console_panic_mode(void)
{
	panic_mode = true;
}

void console_write(const char *s, size_t n)
{
	if (panic_mode) {
		uart_write(s, n);
		if (screen)
			screen->write(s, n);
		return;
	}
	u64 f = spin_lock_irqsave(&console_lock);
	uart_write(s, n);
	if (screen)
		screen->write(s, n);
	spin_unlock_irqrestore(&console_lock, f);
}
