/*
 * The device classes a config.ini may declare ([device NAME] class = CLASS). Adding a class is one
 * entry in the table of devices.c: the generators and the checks read nothing else.
 */
#ifndef CLI_DEVICES_H
#define CLI_DEVICES_H

#include <stdbool.h>

/* Targets, as bits of device_class.targets. */
enum target {
	TARGET_UNIX = 1 << 0,
	TARGET_HVT = 1 << 1,
	TARGET_SPT = 1 << 2,
};
#define TARGET_ALL (TARGET_UNIX | TARGET_HVT | TARGET_SPT)

/* A field of [device NAME] beyond `class`, specific to the class. Every one is required. */
struct device_field {
	const char *name;	/* "file" */
	const char *expect;	/* what the value is, for messages: "PATH, the backing file on unix" */
};

struct device_class {
	const char *name;	/* as written in config.ini: "time" */
	const char *c_type;	/* the start function's parameter type, without '*': "struct fata_time" */
	const char *header;	/* included by fata/unikernel.h: "fata/time.h" */
	/*
	 * C expression yielding the device, or NULL on failure (the device logs why):
	 * "fata_time_connect()". "{name}" in it stands for the device's name and "{FIELD}" for the
	 * value of a class field, each as a C string literal: "fata_block_connect({name}, {file})".
	 */
	const char *connect;
	const struct device_field *fields;	/* ends with a NULL name; NULL when none */
	unsigned targets;	/* TARGET_* bits where the class exists */
	unsigned mft_type;	/* Solo5 manifest entry type (1 block, 2 net), 0: needs no entry */
};

/* The class named `name`, or NULL. */
const struct device_class *device_class_find(const char *name);

/* Every class, for messages: "time, console, block". */
const char *device_class_list(void);

/* Number of classes and the i-th one (for listing). */
unsigned device_class_count(void);
const struct device_class *device_class_at(unsigned i);

/* Target by name ("unix", "hvt", "spt"); returns 0 when unknown. */
unsigned target_parse(const char *name);
const char *target_name(unsigned target);

#endif
