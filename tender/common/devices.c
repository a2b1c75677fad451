/*
 * Attaching host devices to the devices a unikernel's manifest declares: the part every kind
 * shares. What a kind does with its device is in its module (block.c, net.c), reached through
 * `kinds`.
 */
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "elf_load.h"
#include "mft.h"

typedef unsigned long long ull;

/* One entry per manifest device type; tender_mft_check() lets no other type through. */
static const struct tender_devkind *const kinds[] = {
	&tender_block_kind,
	&tender_net_kind,
};

static const struct tender_devkind *kind_of(uint32_t type)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i]->type == type)
			return kinds[i];
	tender_die("no device kind for manifest type %u", type);
}

/* "storage (block), service (net)" or "none", for messages. */
static void list_devices(const struct mft *mft, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 1; i < mft->entries && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s (%s)", i > 1 ? ", " : "",
				      mft->e[i].name, tender_mft_type_name(mft->e[i].type));
	if (mft->entries <= 1)
		snprintf(buf, size, "none");
}

int tender_devices_resolve(const struct tender_opts *o, const struct mft *mft, const char *kernel,
			   struct tender_devices *devs, struct tender_err *err)
{
	char missing[400];
	size_t n = 0;

	memset(devs, 0, sizeof *devs);
	devs->n = mft->entries;
	for (unsigned i = 0; i < MFT_MAX_ENTRIES; i++)
		devs->d[i].fd = -1;

	for (unsigned k = 0; k < o->ndev; k++) {
		const struct tender_devopt *opt = &o->dev[k];
		int h = tender_mft_find(mft, opt->name);
		struct tender_device *d;

		if (h < 0) {
			char list[300];

			list_devices(mft, list, sizeof list);
			return tender_fail(err, "%s: %s declares no device '%s' (its devices: %s)",
					   opt->arg, kernel, opt->name, list);
		}
		if (mft->e[h].type != opt->type)
			return tender_fail(err, "%s: '%s' is a %s device, not a %s device", opt->arg,
					   opt->name, tender_mft_type_name(mft->e[h].type),
					   tender_mft_type_name(opt->type));
		d = &devs->d[h];
		if (opt->kind == TENDER_OPT_SECTOR)
			d->sector = opt;
		else if (opt->kind == TENDER_OPT_MAC)
			d->mac_opt = opt;
		else
			d->opt = opt;
	}

	missing[0] = 0;
	for (unsigned i = 1; i < mft->entries; i++) {
		const struct tender_devkind *k = kind_of(mft->e[i].type);

		if (devs->d[i].opt)
			continue;
		if (n < sizeof missing)
			n += (size_t)snprintf(missing + n, sizeof missing - n, "%s--%s:%s=%s",
					      n ? ", " : "", k->opt, mft->e[i].name, k->value);
	}
	if (missing[0])
		return tender_fail(err, "%s: declared devices are not attached; give %s", kernel,
				   missing);
	return 0;
}

int tender_devices_open(const struct mft *mft, struct tender_devices *devs, bool net_offload,
			struct tender_err *err)
{
	devs->block_max = tender_block_max(mft);
	/* One header format for all of a guest's devices: offloads on every tap, or on none. */
	for (unsigned i = 1; i < mft->entries; i++)
		if (mft->e[i].type == MFT_DEV_NET_BASIC && devs->d[i].opt && devs->d[i].opt->is_fd)
			net_offload = false;
	devs->net_offload = net_offload;
	for (unsigned i = 1; i < mft->entries; i++)
		devs->d[i].vnet = net_offload && mft->e[i].type == MFT_DEV_NET_BASIC;
	for (unsigned i = 1; i < mft->entries; i++)
		if (kind_of(mft->e[i].type)->open(mft->e[i].name, &devs->d[i], err) < 0)
			return -1;
	return 0;
}

void tender_mft_fill(const struct mft *mft, size_t mft_size, const struct tender_devices *devs,
		     bool with_hostfd, void *out)
{
	struct mft *m = out;

	memcpy(m, mft, mft_size);
	for (unsigned i = 1; i < m->entries; i++) {
		struct mft_entry *e = &m->e[i];
		const struct tender_device *d = &devs->d[i];

		kind_of(e->type)->fill(e, d);
		e->b.data = 0;
		if (with_hostfd)
			e->b.hostfd = d->fd;
		e->attached = d->attached;
	}
}

static const char *segment_kind(uint32_t flags)
{
	if (flags & TENDER_SEG_X)
		return "text";
	if (flags & TENDER_SEG_W)
		return "data";
	return "rodata";
}

void tender_print_banner(const char *target, const char *kernel, const struct tender_image *img,
			 uint64_t mem_size, const struct mft *mft,
			 const struct tender_devices *devs)
{
	fprintf(stderr, "%s %s: %s unikernel %s, %llu MB of memory\n", tender_name,
		TENDER_VERSION, target, kernel, (ull)(mem_size >> 20));
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct tender_segment *s = &img->seg[i];

		fprintf(stderr, "%s:   %-7s 0x%08llx-0x%08llx %c%c%c\n", tender_name,
			segment_kind(s->flags), (ull)s->page_start, (ull)s->page_end,
			s->flags & TENDER_SEG_R ? 'r' : '-', s->flags & TENDER_SEG_W ? 'w' : '-',
			s->flags & TENDER_SEG_X ? 'x' : '-');
	}
	fprintf(stderr, "%s:   %-7s 0x%08llx-0x%08llx rw- (heap and stack)\n", tender_name, "heap",
		(ull)img->kernel_end, (ull)mem_size);
	for (unsigned i = 1; i < mft->entries; i++)
		kind_of(mft->e[i].type)->banner(mft->e[i].name, &devs->d[i]);
}

void tender_devices_sandbox(scmp_filter_ctx ctx, const struct mft *mft,
			    const struct tender_devices *devs)
{
	for (unsigned i = 1; i < mft->entries; i++)
		kind_of(mft->e[i].type)->sandbox(ctx, &devs->d[i], devs);
}
