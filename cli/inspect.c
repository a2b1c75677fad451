/*
 * fata inspect: prints what a unikernel binary declares in its ELF notes (Solo5's ABI1 and
 * MFT1, Fata's FEX1), using the tenders' own checked parser, so that what it accepts is what
 * fata-hvt and fata-spt would load (apart from the target).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "inspect.h"
#include "hvt_abi.h"
#include "spt_abi.h"
#include "../tender/common/elf_load.h"

/* The extensions fata inspect can name, per ABI target; other bits are shown as "bit N". */
static const struct {
	uint32_t target;
	uint32_t bit;
	const char *name;
} extensions[] = {
	{ SOLO5_ABI_TARGET_HVT, HVT_FEATURE_BLOCK_MULTI, "block-multi" },
	{ SOLO5_ABI_TARGET_SPT, SPT_FEATURE_BLOCK_MULTI, "block-multi" },
	{ SOLO5_ABI_TARGET_SPT, SPT_FEATURE_STACK_GUARD, "stack-guard" },
	{ SOLO5_ABI_TARGET_HVT, HVT_FEATURE_ENTROPY, "entropy" },
	{ SOLO5_ABI_TARGET_SPT, SPT_FEATURE_ENTROPY, "entropy" },
	{ SOLO5_ABI_TARGET_HVT, HVT_FEATURE_NET_OFFLOAD, "net-offload" },
	{ SOLO5_ABI_TARGET_SPT, SPT_FEATURE_NET_OFFLOAD, "net-offload" },
	{ SOLO5_ABI_TARGET_HVT, HVT_FEATURE_NET_BATCH, "net-batch" },
};

static const char *mft_type_name(uint32_t type)
{
	return type == MFT_DEV_BLOCK_BASIC ? "BLOCK_BASIC" : "NET_BASIC";	/* checked: no other */
}

/* Appends the name of feature bit `bit` of target `target`. */
static void put_extension(struct buf *b, uint32_t target, uint32_t bit)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		if (extensions[i].target == target && extensions[i].bit == bit) {
			buf_puts(b, extensions[i].name);
			return;
		}
	}
	buf_printf(b, "bit %d", __builtin_ctz(bit));
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_json_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

#define LABEL "%-11s"

static void put_text(struct buf *b, const char *path, const struct tender_image *img)
{
	const struct mft *m = img->mft;
	uint32_t features = img->fex_features;

	buf_printf(b, LABEL "%s\n", "File", path);
	buf_printf(b, LABEL "%s (Solo5 ABI target %u, version %u)\n", "Target",
		   tender_abi_target_name(img->abi_target), img->abi_target, img->abi_version);
	if (m->entries == 1)
		buf_printf(b, LABEL "(none)\n", "Devices");
	for (uint32_t i = 1; i < m->entries; i++)
		buf_printf(b, LABEL "handle %u: %s (%s)\n", i == 1 ? "Devices" : "", i, m->e[i].name,
			   mft_type_name(m->e[i].type));
	buf_printf(b, LABEL, "Extensions");
	if (!img->has_fex)
		buf_puts(b, "none (not a Fata unikernel)");
	else if (!features)
		buf_puts(b, "none");
	for (int first = 1; features; features &= features - 1, first = 0) {
		if (!first)
			buf_puts(b, ", ");
		put_extension(b, img->abi_target, features & -features);
	}
	buf_putc(b, '\n');
}

static void put_json(struct buf *b, const char *path, const struct tender_image *img)
{
	const struct mft *m = img->mft;
	uint32_t features = img->fex_features;

	buf_puts(b, "{\"file\":");
	put_json_string(b, path);
	buf_printf(b, ",\"target\":\"%s\",\"abi_target\":%u,\"abi_version\":%u,\"devices\":[",
		   tender_abi_target_name(img->abi_target), img->abi_target, img->abi_version);
	for (uint32_t i = 1; i < m->entries; i++)
		buf_printf(b, "%s{\"handle\":%u,\"name\":\"%s\",\"type\":\"%s\"}", i > 1 ? "," : "",
			   i, m->e[i].name, mft_type_name(m->e[i].type));
	buf_printf(b, "],\"fata\":%s,\"extensions\":[", img->has_fex ? "true" : "false");
	for (int first = 1; features; features &= features - 1, first = 0) {
		struct buf name = BUF_INIT;

		put_extension(&name, img->abi_target, features & -features);
		if (!first)
			buf_putc(b, ',');
		put_json_string(b, buf_str(&name));
		buf_free(&name);
	}
	buf_puts(b, "]}\n");
}

int inspect_file(const char *path, bool json)
{
	struct tender_err err;
	struct tender_image img;
	struct buf out = BUF_INIT;
	uint8_t *file;
	size_t size;

	if (tender_read_file(path, &file, &size, &err) < 0) {
		fprintf(stderr, "fata: %s\n", err.msg);
		return 1;
	}
	if (tender_elf_parse_any(file, size, &img, &err) < 0) {
		free(file);
		fprintf(stderr, "fata: %s: %s\n", path, err.msg);
		return 1;
	}
	free(file);
	if (json)
		put_json(&out, path, &img);
	else
		put_text(&out, path, &img);
	tender_image_free(&img);
	fwrite(buf_str(&out), 1, out.len, stdout);
	buf_free(&out);
	return 0;
}
