/*
 * The eight hvt hypercalls. Every argument struct is copied out of guest memory, every guest
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
};

#define TIMER_EVENT 0xfffffffeu	/* epoll data of the timerfd; network fds carry their handle */

void hvt_guest_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	hvt_gdb_guest_killed();
	tender_die("guest error: %s", msg);
}

/*
 * The host address of guest range [gpa, gpa + len), or the guest dies. `what` names the field.
 */
static void *guest_range(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
			 uint64_t len)
{
	if (gpa > h->mem_size || len > h->mem_size - gpa)
		tender_die("guest error in hypercall %s: %s at 0x%llx (%llu bytes) is outside guest "
			   "memory (0x%llx bytes)", names[nr], what, (unsigned long long)gpa,
			   (unsigned long long)len, (unsigned long long)h->mem_size);
	return h->mem + gpa;
}

/*
 * As guest_range(), for a range the tender writes into: it must not touch a read-only segment
 * (text, rodata), which the host maps read-only too.
 */
static void *guest_range_w(const struct hvt *h, unsigned nr, const char *what, uint64_t gpa,
			   uint64_t len)
{
	void *p = guest_range(h, nr, what, gpa, len);

	for (unsigned i = 0; h->img && i < h->img->nseg; i++) {
		const struct tender_segment *s = &h->img->seg[i];

		if (!(s->flags & TENDER_SEG_W) && gpa < s->page_end && gpa + len > s->page_start)
			tender_die("guest error in hypercall %s: %s at 0x%llx (%llu bytes) lies in "
				   "read-only segment %u", names[nr], what, (unsigned long long)gpa,
				   (unsigned long long)len, i);
	}
	return p;
}

/* Copies the argument struct in; the guest is stopped, so it cannot change under us. */
static void arg_in(const struct hvt *h, unsigned nr, uint64_t gpa, void *arg, size_t size)
{
	memcpy(arg, guest_range(h, nr, "the argument", gpa, size), size);
}

static void arg_out(const struct hvt *h, unsigned nr, uint64_t gpa, const void *arg, size_t size)
{
	memcpy(guest_range_w(h, nr, "the argument", gpa, size), arg, size);
}

/* The device for `handle` if it is attached and of `type`, else NULL. */
static const struct tender_device *device(const struct hvt *h, uint64_t handle, uint32_t type)
{
	if (handle == 0 || handle >= h->mft->entries || h->mft->e[handle].type != type ||
	    !h->devs->d[handle].attached)
		return NULL;
	return &h->devs->d[handle];
}

static void walltime(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_walltime a;
	struct timespec ts;

	arg_in(h, nr, gpa, &a, sizeof a);
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		tender_die("clock_gettime failed");
	a.nsecs = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	arg_out(h, nr, gpa, &a, sizeof a);
}

static void puts_(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_puts a;
	const void *data;

	arg_in(h, nr, gpa, &a, sizeof a);
	data = guest_range(h, nr, "data", a.data, a.len);
	(void)tender_write_all(1, data, a.len);	/* a closed stdout is not the guest's fault */
}

static void poll_(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct epoll_event ev[MFT_MAX_ENTRIES + 1];
	struct hvt_hc_poll a;
	int n, timeout_ms = 0;

	arg_in(h, nr, gpa, &a, sizeof a);
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
	arg_out(h, nr, gpa, &a, sizeof a);
}

_Static_assert(HVT_BLOCK_MULTI_MAX == TENDER_BLOCK_MULTI_MAX, "the ABI's limit is the tender's");

/* SOLO5_R_OK when the tender serves this request on `d`, else SOLO5_R_EINVAL. */
static int block_args(const struct hvt *h, const struct tender_device *d, uint64_t offset,
		      uint64_t len)
{
	return d && tender_block_request_ok(d, h->devs->block_max, offset, len) ? SOLO5_R_OK
										 : SOLO5_R_EINVAL;
}

static void block_write(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_block_write a;
	const struct tender_device *d;

	arg_in(h, nr, gpa, &a, sizeof a);
	d = device(h, a.handle, MFT_DEV_BLOCK_BASIC);
	a.ret = block_args(h, d, a.offset, a.len);
	if (a.ret == SOLO5_R_OK && d->readonly)
		a.ret = SOLO5_R_EINVAL;	/* see the TODO in devices.c */
	if (a.ret == SOLO5_R_OK) {
		const void *data = guest_range(h, nr, "data", a.data, a.len);
		ssize_t n = pwrite(d->fd, data, a.len, (off_t)a.offset);

		a.ret = n == (ssize_t)a.len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
	}
	arg_out(h, nr, gpa, &a, sizeof a);
}

static void block_read(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_block_read a;
	const struct tender_device *d;

	arg_in(h, nr, gpa, &a, sizeof a);
	d = device(h, a.handle, MFT_DEV_BLOCK_BASIC);
	a.ret = block_args(h, d, a.offset, a.len);
	if (a.ret == SOLO5_R_OK) {
		void *data = guest_range_w(h, nr, "data", a.data, a.len);
		ssize_t n = pread(d->fd, data, a.len, (off_t)a.offset);

		a.ret = n == (ssize_t)a.len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
	}
	arg_out(h, nr, gpa, &a, sizeof a);
}

static void net_write(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_write a;
	const struct tender_device *d;

	arg_in(h, nr, gpa, &a, sizeof a);
	d = device(h, a.handle, MFT_DEV_NET_BASIC);
	if (!d || a.len > (uint64_t)d->mtu + SOLO5_ETHER_HEADER) {
		a.ret = SOLO5_R_EINVAL;
	} else {
		const void *data = guest_range(h, nr, "data", a.data, a.len);
		ssize_t n = write(d->fd, data, a.len);

		/* A full tap queue drops the frame, as a busy wire would. */
		if (n == (ssize_t)a.len || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			a.ret = SOLO5_R_OK;
		else
			a.ret = SOLO5_R_EUNSPEC;
	}
	arg_out(h, nr, gpa, &a, sizeof a);
}

static void net_read(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_net_read a;
	const struct tender_device *d;

	arg_in(h, nr, gpa, &a, sizeof a);
	d = device(h, a.handle, MFT_DEV_NET_BASIC);
	if (!d) {
		a.ret = SOLO5_R_EINVAL;
	} else {
		void *data = guest_range_w(h, nr, "data", a.data, a.len);
		ssize_t n = read(d->fd, data, a.len);

		if (n >= 0) {
			a.len = (uint64_t)n;
			a.ret = SOLO5_R_OK;
		} else {
			a.ret = errno == EAGAIN || errno == EWOULDBLOCK ? SOLO5_R_AGAIN
								       : SOLO5_R_EUNSPEC;
		}
	}
	arg_out(h, nr, gpa, &a, sizeof a);
}

/*
 * The guest's exit. The guest has printed what it knows; the cookie (a trap frame, when the
 * guest crashed) only serves the core dump of an abort (status 255) with --dumpcore. The
 * process status is the guest's status modulo 256.
 */
static _Noreturn void halt(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_halt a;

	arg_in(h, nr, gpa, &a, sizeof a);
	if (a.exit_status == 255)
		hvt_dumpcore(h, a.cookie);
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
		block_write(h, nr, gpa);
		break;
	case HVT_HYPERCALL_BLOCK_READ:
		block_read(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_WRITE:
		net_write(h, nr, gpa);
		break;
	case HVT_HYPERCALL_NET_READ:
		net_read(h, nr, gpa);
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
	for (unsigned i = 1; i < h->mft->entries; i++) {
		if (h->mft->e[i].type != MFT_DEV_NET_BASIC)
			continue;
		ev.data.u64 = i;
		if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, h->devs->d[i].fd, &ev) < 0)
			tender_die_errno("epoll_ctl on the tap of '%s'", h->mft->e[i].name);
	}
}

#define A0(v) tender_arg(0, SCMP_CMP_EQ, (scmp_datum_t)(v))

void hvt_hypercall_sandbox(const struct hvt *h, scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp c[1];

	c[0] = A0(1);
	tender_sandbox_allow(ctx, "write(stdout)", SCMP_SYS(write), 1, c);
	c[0] = A0(2);
	tender_sandbox_allow(ctx, "write(stderr)", SCMP_SYS(write), 1, c);
	tender_sandbox_allow(ctx, "exit_group", SCMP_SYS(exit_group), 0, NULL);
	c[0] = A0(h->epoll_fd);
	tender_sandbox_allow(ctx, "epoll_pwait", SCMP_SYS(epoll_pwait), 1, c);
	c[0] = A0(h->timer_fd);
	tender_sandbox_allow(ctx, "timerfd_settime", SCMP_SYS(timerfd_settime), 1, c);
	/* The vDSO answers WALLTIME; this is its fallback. */
	c[0] = A0(CLOCK_REALTIME);
	tender_sandbox_allow(ctx, "clock_gettime", SCMP_SYS(clock_gettime), 1, c);

	for (unsigned i = 1; i < h->mft->entries; i++) {
		const struct tender_device *d = &h->devs->d[i];

		c[0] = A0(d->fd);
		if (h->mft->e[i].type == MFT_DEV_NET_BASIC) {
			tender_sandbox_allow(ctx, "read(tap)", SCMP_SYS(read), 1, c);
			tender_sandbox_allow(ctx, "write(tap)", SCMP_SYS(write), 1, c);
			continue;
		}
		tender_sandbox_allow_block(ctx, d, h->devs->block_max);
	}
}
