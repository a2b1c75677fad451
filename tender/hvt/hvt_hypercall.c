/*
 * The hvt hypercalls: dispatch, the checked access to guest memory every handler uses, and the
 * ones that are no device's (WALLTIME, PUTS, POLL, HALT); the block and net hypercalls are in
 * hvt_block.c and hvt_net.c. Every argument struct is copied out of guest memory, every guest
 * address and length in it is checked against guest memory with overflow-safe arithmetic, and
 * results are copied back; a malformed request stops the guest with a message naming the
 * hypercall. Bad device requests (wrong handle, size or offset) get SOLO5_R_EINVAL instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "../common/sandbox.h"
#include "hvt.h"
#include "solo5_abi.h"

static const char *const names[HVT_HYPERCALL_MAX] = {
	[HVT_HYPERCALL_WALLTIME] = "WALLTIME",
	[HVT_HYPERCALL_PUTS] = "PUTS",
	[HVT_HYPERCALL_POLL] = "POLL",
	[HVT_HYPERCALL_BLOCK_WRITE] = "BLOCK_WRITE",
	[HVT_HYPERCALL_BLOCK_READ] = "BLOCK_READ",
	[HVT_HYPERCALL_NET_WRITE] = "NET_WRITE",
	[HVT_HYPERCALL_NET_READ] = "NET_READ",
	[HVT_HYPERCALL_HALT] = "HALT",
	[HVT_HYPERCALL_NET_READV] = "NET_READV",
	[HVT_HYPERCALL_NET_WRITEV] = "NET_WRITEV",
};

#define TIMER_EVENT 0xfffffffeu	/* epoll data of the timerfd; network fds carry their handle */

void hvt_guest_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	hvt_count_report();	/* --count-instructions: the counts first */
	hvt_gdb_guest_killed();
	tender_die("guest error: %s", msg);
}

void *hvt_guest_range(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
			 uint64_t len)
{
	if (gpa > h->mem_size || len > h->mem_size - gpa) {
		hvt_count_report();
		tender_die("guest error in hypercall %s: %s at 0x%llx (%llu bytes) is outside guest "
			   "memory (0x%llx bytes)", names[nr], what, (unsigned long long)gpa,
			   (unsigned long long)len, (unsigned long long)h->mem_size);
	}
	return h->mem + gpa;
}

void *hvt_guest_range_w(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
			   uint64_t len)
{
	void *p = hvt_guest_range(h, nr, what, gpa, len);

	for (unsigned i = 0; h->img && i < h->img->nseg; i++) {
		const struct tender_segment *s = &h->img->seg[i];

		if (!(s->flags & TENDER_SEG_W) && gpa < s->page_end && gpa + len > s->page_start) {
			hvt_count_report();
			tender_die("guest error in hypercall %s: %s at 0x%llx (%llu bytes) lies in "
				   "read-only segment %u", names[nr], what, (unsigned long long)gpa,
				   (unsigned long long)len, i);
		}
	}
	return p;
}

void hvt_arg_in(const struct hvt *h, unsigned nr, uint64_t gpa, void *arg, size_t size)
{
	memcpy(arg, hvt_guest_range(h, nr, "the argument", gpa, size), size);
}

void hvt_arg_out(const struct hvt *h, unsigned nr, uint64_t gpa, const void *arg, size_t size)
{
	memcpy(hvt_guest_range_w(h, nr, "the argument", gpa, size), arg, size);
}

const struct tender_device *hvt_device(const struct hvt *h, uint64_t handle, uint32_t type)
{
	if (handle == 0 || handle >= h->mft->entries || h->mft->e[handle].type != type ||
	    !h->devs->d[handle].attached)
		return NULL;
	return &h->devs->d[handle];
}

const char *hvt_hypercall_name(unsigned nr)
{
	return nr < HVT_HYPERCALL_MAX && names[nr] ? names[nr] : "?";
}

static void walltime(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_walltime a;
	struct timespec ts;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		tender_die("clock_gettime failed");
	a.nsecs = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

static void puts_(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_puts a;
	const void *data;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	data = hvt_guest_range(h, nr, "data", a.data, a.len);
	(void)tender_write_all(1, data, a.len);	/* a closed stdout is not the guest's fault */
}

static void poll_(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct epoll_event ev[MFT_MAX_ENTRIES + 1];
	struct hvt_hc_poll a;
	int n, timeout_ms = 0;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	if (a.timeout_nsecs > 0) {
		struct itimerspec it = { 0 };

		it.it_value.tv_sec = (time_t)(a.timeout_nsecs / 1000000000ull);
		it.it_value.tv_nsec = (long)(a.timeout_nsecs % 1000000000ull);
		if (timerfd_settime(h->timer_fd, 0, &it, NULL) < 0)
			tender_die("timerfd_settime failed (errno %d)", errno);
		timeout_ms = -1;	/* the timerfd wakes us, with nanosecond precision */
	}
	do
		n = epoll_pwait(h->epoll_fd, ev, MFT_MAX_ENTRIES + 1, timeout_ms, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		tender_die("epoll_pwait failed (errno %d)", errno);
	a.ready_set = 0;
	a.ret = 0;
	for (int i = 0; i < n; i++) {
		if (ev[i].data.u64 == TIMER_EVENT)
			continue;
		a.ready_set |= 1ull << ev[i].data.u64;
		a.ret++;
	}
	hvt_arg_out(h, nr, gpa, &a, sizeof a);
}

/*
 * The guest's exit. The guest has printed what it knows; the cookie (a trap frame, when the
 * guest crashed) only serves the core dump of an abort (status 255) with --dumpcore. The
 * process status is the guest's status modulo 256.
 */
static _Noreturn void halt(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_halt a;

	hvt_arg_in(h, nr, gpa, &a, sizeof a);
	if (a.exit_status == 255)
		hvt_dumpcore(h, a.cookie);
	if (!h->quiet && (h->net_stats.readv || h->net_stats.writev))
		tender_note("network batches: %llu frames in %llu NET_READV (at most %llu per exit), "
			    "%llu frames in %llu NET_WRITEV (at most %llu)",
			    (unsigned long long)h->net_stats.frames_in,
			    (unsigned long long)h->net_stats.readv,
			    (unsigned long long)h->net_stats.most_in,
			    (unsigned long long)h->net_stats.frames_out,
			    (unsigned long long)h->net_stats.writev,
			    (unsigned long long)h->net_stats.most_out);
	if (!h->quiet)
		tender_note("guest exited with status %d", a.exit_status);
	hvt_gdb_guest_exit(a.exit_status);
	_exit(a.exit_status & 0xff);
}

void hvt_hypercall_serve(struct hvt *h, unsigned nr, uint64_t gpa)
{
	switch (nr) {
	case HVT_HYPERCALL_WALLTIME:
		walltime(h, nr, gpa);
		break;
	case HVT_HYPERCALL_PUTS:
		puts_(h, nr, gpa);
		break;
	case HVT_HYPERCALL_POLL:
		poll_(h, nr, gpa);
		break;
	case HVT_HYPERCALL_BLOCK_WRITE:
		hvt_block_write(h, nr, gpa);
		break;
	case HVT_HYPERCALL_BLOCK_READ:
		hvt_block_read(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_WRITE:
		hvt_net_write(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_READ:
		hvt_net_read(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_READV:
		if (!h->net_batch)
			hvt_guest_error("unknown hypercall %u (NET_READV needs HVT_FEATURE_NET_BATCH, "
					"which this fata-hvt does not offer with --no-extensions)", nr);
		hvt_net_readv(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_WRITEV:
		if (!h->net_batch)
			hvt_guest_error("unknown hypercall %u (NET_WRITEV needs HVT_FEATURE_NET_BATCH, "
					"which this fata-hvt does not offer with --no-extensions)", nr);
		hvt_net_writev(h, nr, gpa);
		break;
	case HVT_HYPERCALL_HALT:
		halt(h, nr, gpa);
	default:
		hvt_guest_error("unknown hypercall %u", nr);
	}
}

void hvt_hypercall_init(struct hvt *h)
{
	struct epoll_event ev = { .events = EPOLLIN };

	h->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (h->epoll_fd < 0)
		tender_die_errno("epoll_create1");
	h->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (h->timer_fd < 0)
		tender_die_errno("timerfd_create");
	ev.data.u64 = TIMER_EVENT;
	if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, h->timer_fd, &ev) < 0)
		tender_die_errno("epoll_ctl on the timerfd");
	tender_net_watch(h->epoll_fd, h->mft, h->devs);
}

void hvt_hypercall_sandbox(const struct hvt *h, scmp_filter_ctx ctx)
{
	tender_sandbox_base(ctx, h->epoll_fd, h->timer_fd);
	tender_devices_sandbox(ctx, h->mft, h->devs);
}
