/* kernel/console.c - serializes console output between CPUs and sends it
 * to the UART and the screen; takes serial input by interrupt and hands
 * each byte to whoever console_input_start() named (vmm/console.c, the
 * console multiplexer).
 *
 * Two kinds of output share the terminal: lines (kprintf, guests' lines)
 * and raw bytes (the focused guest's own line editing, console_write_raw).
 * A line that comes while raw output stopped in mid-line starts on a new
 * line, so that it is never glued to a guest's half-typed prompt. */
#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/uart.h"
#include "hw/acpi.h"
#include "hw/uart16550.h"

static spinlock_t console_lock = SPINLOCK_INIT("console");
static const struct screen_ops *screen;
static bool have_serial;
static volatile bool panic_mode;
static bool mid_line;		/* raw output left the cursor in mid-line; console_lock */
static void (*input_fn)(u8 c);
static u64 input_bytes;

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
	if (mid_line && n) {
		uart_write("\n", 1);
		if (screen)
			screen->write("\n", 1);
		mid_line = false;
	}
	uart_write(s, n);
	if (screen)
		screen->write(s, n);
	spin_unlock_irqrestore(&console_lock, f);
}

void console_write_raw(const char *s, size_t n)
{
	if (!n)
		return;
	u64 f = spin_lock_irqsave(&console_lock);
	uart_write_raw(s, n);
	/* The screen drivers know '\n' and printable text only: a terminal's
	 * control sequences would show there as garbage, so it gets what it
	 * can draw (the serial line is the terminal of record). */
	if (screen)
		for (size_t i = 0; i < n; i++)
			if (s[i] == '\n' || ((u8)s[i] >= 0x20 && (u8)s[i] < 0x7f))
				screen->write(&s[i], 1);
	mid_line = s[n - 1] != '\n';
	spin_unlock_irqrestore(&console_lock, f);
}

/* ---- records ---- */

static bool records_aux;

int console_records_to_com2(void)
{
	if (!uart_aux_init(UART_COM2_BASE)) {
		kprintf("console: records=com2, but no UART answers at %#x; records stay on the console\n",
			UART_COM2_BASE);
		return -ENODEV;
	}
	records_aux = true;
	kprintf("console: machine-readable records (BENCH lines) go to COM2\n");
	return 0;
}

void console_record(const char *s, size_t n)
{
	if (!records_aux) {
		console_write(s, n);
		return;
	}
	u64 f = spin_lock_irqsave(&console_lock);
	uart_aux_write(s, n);
	spin_unlock_irqrestore(&console_lock, f);
}

/* ---- input ---- */

/* The UART's interrupt, on the boot CPU.  Drains the receiver, so that
 * the chip's interrupt line goes low and the next byte makes a new edge
 * (the ISA line is edge-triggered); the bound only guards against a
 * receiver that never empties. */
static void console_rx_irq(struct trap_frame *tf)
{
	lapic_eoi();
	for (u32 i = 0; i < 4096; i++) {
		int c = uart_getc();
		if (c < 0)
			return;
		input_bytes++;
		if (input_fn)
			input_fn((u8)c);
	}
}

int console_input_start(void (*fn)(u8 c))
{
	if (!have_serial)
		return -ENODEV;
	u16 flags;
	u32 gsi = ioapic_isa_irq_to_gsi(UART_COM1_IRQ, &flags);
	if (!ioapic_count() || VEC_FIRST_IRQ + gsi >= VEC_LAPIC_TIMER) {
		kprintf("console: no I/O APIC line for COM1 (IRQ %u); serial input off\n", UART_COM1_IRQ);
		return -ENODEV;
	}
	u8 vec = (u8)(VEC_FIRST_IRQ + gsi);
	input_fn = fn;
	trap_register(vec, console_rx_irq);
	/* ISA defaults (MPS flags 0): edge-triggered, active high. */
	bool level = (flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL;
	bool low = (flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW;
	int r = ioapic_route(gsi, vec, cpu_table[0]->apic_id, level, low);
	if (r) {
		kprintf("console: COM1's GSI %u cannot be routed (%d); serial input off\n", gsi, r);
		input_fn = NULL;
		return r;
	}
	uart_rx_irq_enable();
	kprintf("console: serial input on (COM1, GSI %u, vector %#x, CPU 0)\n", gsi, vec);
	return 0;
}

u64 console_input_count(void)
{
	return input_bytes;
}
