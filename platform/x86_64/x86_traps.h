/*
 * CPU exceptions in the x86_64 guests (hvt, virtio): platform/x86_64/traps.c loads a GDT with a TSS
 * and the IDT, and reports each exception; the platform says how the guest then ends.
 */
#ifndef FATA_PLATFORM_X86_TRAPS_H
#define FATA_PLATFORM_X86_TRAPS_H

#include <stdint.h>

/* What the entry stubs (trap_stubs_x86_64.S) push, from the stack pointer up. */
struct x86_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define X86_IRQ_BASE 32	/* the first interrupt vector (the legacy PIC is remapped here) */
#define X86_MAX_IRQS 16

/*
 * Loads our GDT and TSS (selectors as the tender's: code 0x08, data 0x10) and an IDT: vectors
 * 0-20 to the exception stubs, each on a stack of its own (IST 1), and vectors 32.. to the
 * `nirqs` (at most X86_MAX_IRQS) interrupt handlers `irqs`, on the current stack.
 */
void x86_traps_init(void (*const irqs[])(void), unsigned nirqs);

/* Called by the stubs: prints the report, then x86_trap_end(). */
_Noreturn void x86_trap(struct x86_trap_frame *f);

/* The platform's end of a guest that took exception `f` (cr2: the last page-fault address). */
_Noreturn void x86_trap_end(const struct x86_trap_frame *f, uint64_t cr2);

#endif
