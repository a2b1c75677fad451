/*
 * The device classes a config.ini may declare ([device NAME] class = CLASS). Adding a class is one
 * entry in the table of devices.c: the checks and the generators read nothing else.
 *
 * A generic class (kv_ro, stackv4) also declares, as MirageOS's generic devices do, configure-time
 * implementation keys with a closed set of values (--kv_ro=crunch|direct|archive|fat), runtime
 * keys its implementations need (--ipv4, ...), and one way of connecting per implementation.
 *
 * Templates (connect code, Makefile lines, file names) are text in which
 *   ${name}         is the device's name as a C string literal    "kv"
 *   ${id}           is the device's name as written               kv
 *   ${field:F}      is the class field F as a C string literal    "t"
 *   ${raw:F}        is the class field F as written               t
 *   ${key:K}        is the accessor call of runtime key K         fata_key_ipv4_gateway()
 */
#ifndef CLI_DEVICES_H
#define CLI_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include <fata/keys.h>

/* Targets, as bits of device_class.targets. */
enum target {
	TARGET_UNIX = 1 << 0,
	TARGET_HVT = 1 << 1,
	TARGET_SPT = 1 << 2,
	TARGET_VIRTIO = 1 << 3,
};
#define TARGET_ALL (TARGET_UNIX | TARGET_HVT | TARGET_SPT | TARGET_VIRTIO)
#define TARGET_SOLO5 (TARGET_HVT | TARGET_SPT)
/* The guests, whose devices are named by a manifest note (virtio matches them in PCI order). */
#define TARGET_GUEST (TARGET_SOLO5 | TARGET_VIRTIO)
#define NTARGETS 4

/* A field of [device NAME] beyond `class`, specific to the class. */
struct device_field {
	const char *name;	/* "file" */
	const char *expect;	/* what the value is, for messages: "PATH, the backing file on unix" */
	const char *default_value;	/* NULL: the field is required */
	bool path;		/* a relative path in the unikernel's folder (make reads it) */
};

/* One value of an implementation key. */
struct impl_choice {
	const char *value;	/* "direct" */
	unsigned targets;	/* where it is available */
	const char *why;	/* why it is not available elsewhere, for the message */
};

/* A configure-time key choosing an implementation: --kv_ro=crunch. Never a runtime key. */
struct impl_key {
	const char *name;	/* "kv_ro" */
	const char *doc;	/* as fata help configure shows it */
	const struct impl_choice *choices;	/* ends with a NULL value */
	const char *defaults[NTARGETS];	/* per target, in target_index() order */
};

/* A runtime key that an implementation needs; the unikernel's key table gets it. */
struct generic_key {
	const char *name;	/* "ipv4" */
	enum fata_key_type type;
	const char *default_text;
	const char *doc;
	const char *when;	/* implementation keys it needs: "net=direct dhcp=false" ("": always) */
	unsigned targets;
};

/* How a device is connected and built with one implementation. */
struct device_impl {
	const char *when;	/* as generic_key.when */
	unsigned targets;
	const char *decl;	/* file-scope declaration in main.c, or NULL */
	const char *prelude;	/* statements before the connection in run(), or NULL */
	const char *connect;	/* C expression yielding the device or NULL (the device logs why) */
	const char *source;	/* a C file make generates and compiles in, or NULL */
	const char *image;	/* a file make creates beside config.ini (clean removes it), or NULL */
	const char *make;	/* Makefile text (after the include of unikernel.mk), or NULL */
	unsigned mft_type;	/* hvt/spt: Solo5 manifest entry type (MFT_DEV_*), 0: none */
	const char *mft_name;	/* its name (template, as written); NULL: "${id}" */
	const char *summary;	/* for fata describe: "image kv.tar" (template), or NULL */
};

struct device_class {
	const char *name;	/* as written in config.ini: "time" */
	const char *c_type;	/* the start function's parameter type, without '*': "struct fata_time" */
	const char *header;	/* included by fata/unikernel.h: "fata/time.h" */
	const struct device_field *fields;	/* ends with a NULL name; NULL when none */
	unsigned targets;	/* TARGET_* bits where the class exists */
	bool name_is_mft;	/* the device's name always names a manifest entry (block) */
	const struct impl_key *const *impl_keys;	/* ends with NULL; NULL when none */
	const struct generic_key *keys;	/* ends with a NULL name; NULL when none */
	const struct device_impl *impls;	/* first match wins; ends with a NULL connect */
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
/* 0, 1, 2 for unix, hvt, spt. */
unsigned target_index(unsigned target);

/* The choice of `key` named `value`, or NULL. */
const struct impl_choice *impl_key_choice(const struct impl_key *key, const char *value);

/* "crunch, direct, archive, fat", or only those available on `targets` when non-zero. */
void impl_key_choices(const struct impl_key *key, unsigned targets, char *out, size_t len);

/*
 * Whether a `when` condition holds: each "KEY=VALUE" word must match `value_of(KEY)`, which
 * returns the chosen value of an implementation key.
 */
bool when_holds(const char *when, const char *(*value_of)(void *arg, const char *key), void *arg);

#endif
