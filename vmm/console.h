/* vmm/console.h - svmhv's interactive console: one serial line shared by
 * the guests and svmhv itself, like Xen's serial console.  Input goes to
 * the guest with the focus (its COM1 RX) or to svmhv's own command keys;
 * three Ctrl-A switch (vmm/conmux.h has the rules, docs/console.md the
 * keys).  kernel/boot.c starts it; vm_start/vm_destroy register guests. */
#ifndef SVMHV_VMM_CONSOLE_H
#define SVMHV_VMM_CONSOLE_H
#include "lib/types.h"

struct vm;

/* Takes serial input from now on (kernel/console.c's interrupt).  A guest
 * named `focus` (may be "" or NULL) gets the focus when it starts; until
 * then svmhv has it. */
void vmm_console_start(const char *focus);
/* A command key of svmhv's console that the core cannot offer itself
 * (the backend's counters): kernel/boot.c adds them. */
void vmm_console_add_key(char key, const char *help, void (*fn)(void));
/* The 'Q' key was pressed: every guest was told to stop, and svmhv
 * should end instead of going on to its benchmarks. */
bool vmm_console_quit_requested(void);

/* A guest joins the focus cycle (vm_start) or leaves it (vm_destroy). */
void vm_console_attach(struct vm *vm);
void vm_console_detach(struct vm *vm);

/* One byte from the serial line (interrupt context); vmm_console_start
 * hands it to kernel/console.c. */
void vmm_console_input(u8 c);
#endif
