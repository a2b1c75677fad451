/*
 * fata-hvt --count-instructions: runs the guest one instruction at a time with KVM's guest
 * debugging (the single steps --gdb uses) and counts them, with the hypercalls by kind and the
 * step at which the guest first reached its application's entry: `start` in a Fata guest,
 * `solo5_app_main` in a stock Solo5 one, looked up in the binary's symbol table before the
 * sandbox. Each step is a VM exit, so the guest runs some thousand times slower: a measuring
 * tool, not a way to run guests.
 */
#define _GNU_SOURCE
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hvt.h"
#include "hvt_abi.h"

/* The application's entry, by the names of the guests we know, in this order. */
static const char *const entry_names[] = { "start", "solo5_app_main" };

static struct {
	bool active, reported;
	int lookup;		/* 1: the entry is entry_names[name] at `entry`; 0: none; -1: no table */
	unsigned name;
	uint64_t entry;
	uint64_t steps;		/* instructions executed so far */
	uint64_t at_entry;	/* those before the entry's first instruction; UINT64_MAX until then */
	uint64_t calls[HVT_HYPERCALL_MAX];
} c;

void hvt_count_init(struct hvt *h, const uint8_t *file, size_t size)
{
	struct kvm_guest_debug d;

	c.active = true;
	c.at_entry = UINT64_MAX;
	for (c.name = 0; c.name < sizeof entry_names / sizeof entry_names[0]; c.name++) {
		c.lookup = tender_elf_symbol(file, size, entry_names[c.name], &c.entry);
		if (c.lookup != 0)
			break;
	}
	if (c.lookup == 1 && c.entry == h->img->entry)
		c.at_entry = 0;
	if (ioctl(h->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) <= 0)
		tender_die("--count-instructions: this host's KVM cannot single-step guests (no "
			   "KVM_CAP_SET_GUEST_DEBUG)");
	memset(&d, 0, sizeof d);
	d.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	if (ioctl(h->vcpu_fd, KVM_SET_GUEST_DEBUG, &d) < 0)
		tender_die_errno("--count-instructions: KVM_SET_GUEST_DEBUG");
}

bool hvt_count_step(const struct hvt *h)
{
	if (!c.active)
		return false;
	c.steps++;
	if (c.at_entry == UINT64_MAX && c.lookup == 1 && h->run->debug.arch.pc == c.entry)
		c.at_entry = c.steps;
	return true;
}

void hvt_count_io(const struct hvt *h)
{
	const struct kvm_run *run = h->run;
	unsigned nr = run->io.port - HVT_HYPERCALL_PIO_BASE;

	if (!c.active)
		return;
	if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port > HVT_HYPERCALL_PIO_BASE &&
	    nr < HVT_HYPERCALL_MAX) {
		c.calls[nr]++;
		if (nr != HVT_HYPERCALL_HALT)
			return;	/* its single step comes when the guest resumes */
		c.steps++;	/* the HALT's OUT never resumes */
	}
	hvt_count_report();
}

void hvt_count_report(void)
{
	char calls[256], entry[128];
	uint64_t total = 0;
	size_t n = 0;

	if (!c.active || c.reported)
		return;
	c.reported = true;
	calls[0] = 0;
	for (unsigned i = 1; i < HVT_HYPERCALL_MAX; i++) {
		total += c.calls[i];
		if (c.calls[i] && n < sizeof calls)	/* 8 kinds fit: no truncation */
			n += (size_t)snprintf(calls + n, sizeof calls - n, "%s%s %llu",
					      n ? ", " : " (", hvt_hypercall_name(i),
					      (unsigned long long)c.calls[i]);
	}
	if (n && n < sizeof calls)
		snprintf(calls + n, sizeof calls - n, ")");
	if (c.lookup < 0)
		snprintf(entry, sizeof entry, "no symbol table: the application's entry is unknown");
	else if (c.lookup == 0)
		snprintf(entry, sizeof entry, "no symbol start or solo5_app_main");
	else if (c.at_entry == UINT64_MAX)
		snprintf(entry, sizeof entry, "%s (0x%llx) never reached", entry_names[c.name],
			 (unsigned long long)c.entry);
	else
		snprintf(entry, sizeof entry, "%s reached after %llu instructions",
			 entry_names[c.name], (unsigned long long)c.at_entry);
	tender_note("counted %llu guest instructions, %llu hypercalls%s; %s",
		    (unsigned long long)c.steps, (unsigned long long)total, calls, entry);
}
