/*
 * CPU exceptions in the x86_64 guests (hvt, virtio): a GDT with a TSS so that every exception
 * runs on a stack of its own, the IDT, and the report of the vector, error code and registers;
 * then the platform ends the guest (x86_trap_end).
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "x86_traps.h"

/* An IDT entry: two quadwords (gate()). */
struct idt_entry {
	uint64_t lo, hi;
};

#define NTRAPS 21
#define DECL(n) void x86_trap_##n(void);
DECL(0) DECL(1) DECL(2) DECL(3) DECL(4) DECL(5) DECL(6) DECL(7) DECL(8) DECL(9) DECL(10)
DECL(11) DECL(12) DECL(13) DECL(14) DECL(15) DECL(16) DECL(17) DECL(18) DECL(19) DECL(20)
static void (*const stubs[NTRAPS])(void) = {
	x86_trap_0, x86_trap_1, x86_trap_2, x86_trap_3, x86_trap_4, x86_trap_5, x86_trap_6,
	x86_trap_7, x86_trap_8, x86_trap_9, x86_trap_10, x86_trap_11, x86_trap_12, x86_trap_13,
	x86_trap_14, x86_trap_15, x86_trap_16, x86_trap_17, x86_trap_18, x86_trap_19, x86_trap_20,
};

static const char *const names[NTRAPS] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
	"device not available", "double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check", "SIMD floating point",
	"virtualization",
};

static struct idt_entry idt[X86_IRQ_BASE + X86_MAX_IRQS] __attribute__((aligned(16)));

/*
 * Our own GDT with a TSS, so that every exception runs on a stack of its own (IST 1): a fault
 * whose stack is unusable (an overflow into unmapped memory, a wild RSP) still reaches the
 * handler instead of becoming a triple fault. Selectors as the tender's: code 0x08, data 0x10;
 * the TSS at 0x18 takes two slots.
 */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "a 64-bit TSS is 104 bytes");

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18

static struct tss tss __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16))) = {
	0,
	0x00af9b000000ffffull,	/* 64-bit code, present, ring 0, accessed */
	0x00cf93000000ffffull,	/* data, read/write, accessed */
	0, 0,			/* the TSS, filled in at boot */
};
static uint8_t trap_stack[16 * 1024] __attribute__((aligned(16)));

struct table_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

__attribute__((no_stack_protector))
static void load_gdt_and_tss(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct table_reg gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	tss.ist[0] = (uint64_t)(uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |	/* available TSS */
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;
	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %2, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "movl %%eax, %%fs\n\t"
			     "movl %%eax, %%gs\n\t"
			     "movw %3, %%ax\n\t"
			     "ltr %%ax"
			     :
			     : "m"(gdtr), "i"(SEL_CODE), "i"(SEL_DATA), "i"(SEL_TSS)
			     : "rax", "memory");
}

/*
 * An interrupt gate to `fn`; exceptions run on IST 1, interrupts on the current stack. The low
 * quadword holds offset bits 0-15, the selector, the IST, the type (present, DPL 0, 64-bit
 * interrupt gate) and offset bits 16-31; the high one offset bits 32-63. Built as two words, as
 * a few instructions: it runs once per vector at boot.
 */
static struct idt_entry gate(void (*fn)(void), uint64_t ist)
{
	uint64_t off = (uint64_t)(uintptr_t)fn;

	return (struct idt_entry){
		.lo = (off & 0xffff) | (uint64_t)SEL_CODE << 16 | ist << 32 | 0x8eull << 40 |
		      (off & 0xffff0000) << 32,
		.hi = off >> 32,
	};
}

__attribute__((no_stack_protector))
void x86_traps_init(void (*const irqs[])(void), unsigned nirqs)
{
	unsigned entries = nirqs ? X86_IRQ_BASE + nirqs : NTRAPS;
	struct table_reg idtr = { (uint16_t)(entries * sizeof(idt[0]) - 1),
				  (uint64_t)(uintptr_t)idt };

	load_gdt_and_tss();
	for (unsigned i = 0; i < NTRAPS; i++)
		idt[i] = gate(stubs[i], 1);
	for (unsigned i = 0; i < nirqs; i++)
		idt[X86_IRQ_BASE + i] = gate(irqs[i], 0);
	__asm__ __volatile__("lidt %0" : : "m"(idtr));
}

_Noreturn void x86_trap(struct x86_trap_frame *f)
{
	char buf[640];
	uint64_t cr2;
	int n;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(cr2));
	n = snprintf(buf, sizeof(buf),
		     "fata: trap %llu (%s), error code 0x%llx, rip 0x%llx, rsp 0x%llx, rflags 0x%llx, "
		     "cr2 0x%llx\n"
		     "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		     "  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n"
		     "  r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n"
		     "  r13 %016llx r14 %016llx r15 %016llx\n",
		     (unsigned long long)f->vector,
		     f->vector < NTRAPS ? names[f->vector] : "?", (unsigned long long)f->error,
		     (unsigned long long)f->rip, (unsigned long long)f->rsp,
		     (unsigned long long)f->rflags, (unsigned long long)cr2,
		     (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
		     (unsigned long long)f->rdx, (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		     (unsigned long long)f->rbp, (unsigned long long)f->r8, (unsigned long long)f->r9,
		     (unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12,
		     (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	plat_console_err(buf, (size_t)n);
	x86_trap_end(f, cr2);
}
