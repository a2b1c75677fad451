/* How an hvt guest ends after a CPU exception (platform/x86_64/traps.c reported it): halt with 255. */
#include "hvt_abi.h"
#include "platform_hvt.h"
#include "x86_traps.h"

__attribute__((no_stack_protector))
void hvt_traps_init(void)
{
	x86_traps_init(NULL, 0);
}

/* What the tender's core dump reads (struct hvt_trap_cookie in hvt_abi.h). */
static struct hvt_trap_cookie cookie;

_Noreturn void x86_trap_end(const struct x86_trap_frame *f, uint64_t cr2)
{
	cookie = (struct hvt_trap_cookie){
		.cr2 = cr2, .ec = f->error, .rip = f->rip, .cs = f->cs, .rflags = f->rflags,
		.rsp = f->rsp, .ss = f->ss, .magic = HVT_TRAP_GPRS_MAGIC,
		.rax = f->rax, .rbx = f->rbx, .rcx = f->rcx, .rdx = f->rdx, .rsi = f->rsi,
		.rdi = f->rdi, .rbp = f->rbp, .r8 = f->r8, .r9 = f->r9, .r10 = f->r10, .r11 = f->r11,
		.r12 = f->r12, .r13 = f->r13, .r14 = f->r14, .r15 = f->r15,
	};
	hvt_halt(255, &cookie);
}
