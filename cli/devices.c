/* The device classes a config.ini may declare, and the targets. One table entry per class. */
#include "devices.h"

#include <stddef.h>
#include <string.h>

static const struct device_field block_fields[] = {
	{ "file", "PATH, the backing file on unix (hvt and spt: the tender's --block:NAME=PATH)" },
	{ NULL, NULL },
};

static const struct device_class classes[] = {
	{
		.name = "time",
		.c_type = "struct fata_time",
		.header = "fata/time.h",
		.connect = "fata_time_connect()",
		.targets = TARGET_ALL,
		.mft_type = 0,
	},
	{
		.name = "console",
		.c_type = "struct fata_console",
		.header = "fata/console.h",
		.connect = "fata_console_connect()",
		.targets = TARGET_ALL,
		.mft_type = 0,
	},
	{
		.name = "block",
		.c_type = "struct fata_block",
		.header = "fata/block.h",
		.connect = "fata_block_connect({name}, {file})",
		.fields = block_fields,
		.targets = TARGET_ALL,
		.mft_type = 1,		/* MFT_DEV_BLOCK_BASIC */
	},
	/* Later, e.g. net: "fata_netif_connect({name}, {interface})", .mft_type = 2 (NET_BASIC). */
};

#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

const struct device_class *device_class_find(const char *name)
{
	for (size_t i = 0; i < NCLASSES; i++) {
		if (strcmp(classes[i].name, name) == 0)
			return &classes[i];
	}
	return NULL;
}

const char *device_class_list(void)
{
	static char list[512];

	if (!list[0]) {
		for (size_t i = 0; i < NCLASSES; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, classes[i].name);
		}
	}
	return list;
}

unsigned device_class_count(void)
{
	return NCLASSES;
}

const struct device_class *device_class_at(unsigned i)
{
	return i < NCLASSES ? &classes[i] : NULL;
}

static const struct {
	const char *name;
	unsigned bit;
} targets[] = {
	{ "unix", TARGET_UNIX },
	{ "hvt", TARGET_HVT },
	{ "spt", TARGET_SPT },
};

unsigned target_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (strcmp(targets[i].name, name) == 0)
			return targets[i].bit;
	}
	return 0;
}

const char *target_name(unsigned target)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (targets[i].bit == target)
			return targets[i].name;
	}
	return "?";
}
