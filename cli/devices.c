/* The device classes a config.ini may declare, and the targets. One table entry per class. */
#include "devices.h"

#include <stdio.h>
#include <string.h>

#include "mft_abi.h"

/* --- time, console, block ----------------------------------------------------------------------- */

static const struct device_impl time_impls[] = {
	{ .when = "", .targets = TARGET_ALL, .connect = "fata_time_connect()" },
	{ .connect = NULL },
};

static const struct device_impl console_impls[] = {
	{ .when = "", .targets = TARGET_ALL, .connect = "fata_console_connect()" },
	{ .connect = NULL },
};

static const struct device_field block_fields[] = {
	{ "file", "PATH, the backing file on unix (hvt and spt: the tender's --block:NAME=PATH)",
	  NULL, false },
	{ NULL, NULL, NULL, false },
};

static const struct device_impl block_impls[] = {
	{
		.when = "",
		.targets = TARGET_ALL,
		.connect = "fata_block_connect(${name}, ${field:file})",
		.mft_type = MFT_DEV_BLOCK_BASIC,
	},
	{ .connect = NULL },
};

/* --- random: the library's CSPRNG (include/fata/random.h) -------------------------------------- */

static const struct device_impl random_impls[] = {
	{ .when = "", .targets = TARGET_ALL, .connect = "fata_random_connect(${name})" },
	{ .connect = NULL },
};

/* --- kv_ro: generic_kv_ro ------------------------------------------------------------------------ */

static const struct device_field kv_ro_fields[] = {
	{ "directory", "PATH, the folder holding the store's data (relative, inside the unikernel's "
	  "folder)", NULL, true },
	{ NULL, NULL, NULL, false },
};

static const struct impl_choice kv_ro_choices[] = {
	{ "crunch", TARGET_ALL, NULL },
	{ "direct", TARGET_UNIX, "direct reads the host's folder at run time, which only unix can" },
	{ "archive", TARGET_ALL, NULL },
	{ "fat", TARGET_ALL, NULL },
	{ NULL, 0, NULL },
};

static const struct impl_key kv_ro_key = {
	.name = "kv_ro",
	.doc = "Use a fat, archive, crunch or direct pass-through implementation for the unikernel.",
	.choices = kv_ro_choices,
	.defaults = { "crunch", "crunch", "crunch", "crunch" },
};

static const struct impl_key *const kv_ro_impl_keys[] = { &kv_ro_key, NULL };

/* Each image's rule also makes `make depends` check the tools (mk/kv.mk). */
static const struct device_impl kv_ro_impls[] = {
	{
		.when = "kv_ro=crunch",
		.targets = TARGET_ALL,
		.decl = "extern const struct fata_kv_crunch fata_static_${id};",
		.connect = "fata_kv_crunch_connect(${name}, &fata_static_${id})",
		.source = "fata/static_${id}.c",
		.make = "fata/static_${id}.c: $(call fata_kv_files,${raw:directory})\n"
			"\t$(call msg,CRUNCH,$@)\n"
			"\t$(Q)$(call fata_kv_crunch,${id},${raw:directory},$@)\n",
		.summary = "crunch: fata/static_${id}.c",
	},
	{
		.when = "kv_ro=direct",
		.targets = TARGET_UNIX,
		.connect = "fata_kv_direct_connect(${name}, ${field:directory})",
		.summary = "direct: the folder ${raw:directory} at run time",
	},
	{
		.when = "kv_ro=archive",
		.targets = TARGET_ALL,
		.connect = "fata_kv_archive_connect(${name}, \"${id}.tar\")",
		.image = "${id}.tar",
		.make = "${id}.tar: $(call fata_kv_files,${raw:directory})\n"
			"\t$(call msg,TAR,$@)\n"
			"\t$(Q)$(call fata_kv_archive,${raw:directory},$@)\n"
			"depends: fata-kv-depends\n",
		.mft_type = MFT_DEV_BLOCK_BASIC,
		.summary = "archive: image ${id}.tar",
	},
	{
		.when = "kv_ro=fat",
		.targets = TARGET_ALL,
		.connect = "fata_kv_fat_connect(${name}, \"${id}.img\")",
		.image = "${id}.img",
		.make = "${id}.img: $(call fata_kv_files,${raw:directory})\n"
			"\t$(call msg,MKFS.FAT,$@)\n"
			"\t$(Q)$(call fata_kv_fat,${raw:directory},$@)\n"
			"depends: fata-kv-depends\n",
		.mft_type = MFT_DEV_BLOCK_BASIC,
		.summary = "fat: image ${id}.img",
	},
	{ .connect = NULL },
};

/* --- stackv4: generic_stackv4 -------------------------------------------------------------------- */

static const struct device_field stackv4_fields[] = {
	{ "netif", "NAME, the network interface's manifest entry on hvt and spt (the tender's "
	  "--net:NAME=TAP)", "service", false },
	{ NULL, NULL, NULL, false },
};

static const struct impl_choice net_choices[] = {
	{ "socket", TARGET_UNIX, "socket uses the host's sockets, which only unix has" },
	{ "direct", TARGET_ALL, NULL },
	{ NULL, 0, NULL },
};

static const struct impl_key net_key = {
	.name = "net",
	.doc = "Use socket (the host's TCP/IP stack, unix only) or direct (Fata's own stack on a "
	       "network interface) networking.",
	.choices = net_choices,
	.defaults = { "socket", "direct", "direct", "direct" },
};

static const struct impl_choice dhcp_choices[] = {
	{ "true", TARGET_ALL, NULL },
	{ "false", TARGET_ALL, NULL },
	{ NULL, 0, NULL },
};

static const struct impl_key dhcp_key = {
	.name = "dhcp",
	.doc = "Enable DHCP: the direct stack gets its address from a DHCP server instead of "
	       "--ipv4.",
	.choices = dhcp_choices,
	.defaults = { "false", "false", "false", "false" },
};

static const struct impl_key *const stackv4_impl_keys[] = { &net_key, &dhcp_key, NULL };

static const struct generic_key stackv4_keys[] = {
	{ "ipv4", FATA_KEY_IPV4_PREFIX, "10.0.0.2/24",
	  "The IPv4 address and prefix length of the unikernel.", "net=direct dhcp=false", TARGET_ALL },
	{ "ipv4-gateway", FATA_KEY_IPV4, "0.0.0.0", "The IPv4 gateway (0.0.0.0: none).",
	  "net=direct dhcp=false", TARGET_ALL },
	{ "interface", FATA_KEY_STRING, "tap0", "The tap interface to plug into.", "net=direct",
	  TARGET_UNIX },
	{ "ipv4", FATA_KEY_IPV4_PREFIX, "0.0.0.0/0", "The address to listen on.", "net=socket",
	  TARGET_UNIX },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

#define STACK_CFG_OPEN "\tstruct fata_stack_config ${id}_cfg = {\n\t\t.name = ${name}, "
#define STACK_STATIC "\t\t.dhcp = false, .ipv4 = ${key:ipv4}, .gateway = ${key:ipv4-gateway},\n\t};\n"
#define STACK_DHCP "\t\t.dhcp = true,\n\t};\n"

static const struct device_impl stackv4_impls[] = {
	{
		.when = "net=socket",
		.targets = TARGET_UNIX,
		.prelude = "\tstruct fata_stack_config ${id}_cfg = {\n\t\t.name = ${name},\n"
			   "\t\t.dhcp = false, .ipv4 = ${key:ipv4},\n\t};\n",
		/* The connect call picks the implementation: the other calls dispatch on the
		 * stack object (lib/net/stack_impl.h). */
		.connect = "fata_stack_connect_socket(&${id}_cfg)",
		.summary = "socket: the host's sockets",
	},
	{
		.when = "net=direct dhcp=false",
		.targets = TARGET_UNIX,
		.prelude = STACK_CFG_OPEN ".netif = ${key:interface},\n" STACK_STATIC,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.summary = "direct: static address, tap interface from --interface",
	},
	{
		.when = "net=direct dhcp=true",
		.targets = TARGET_UNIX,
		.prelude = STACK_CFG_OPEN ".netif = ${key:interface},\n" STACK_DHCP,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.summary = "direct: DHCP, tap interface from --interface",
	},
	{
		.when = "net=direct dhcp=false",
		.targets = TARGET_GUEST,
		.prelude = STACK_CFG_OPEN ".netif = ${field:netif},\n" STACK_STATIC,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.mft_type = MFT_DEV_NET_BASIC,
		.mft_name = "${raw:netif}",
		.summary = "direct: static address, network interface ${raw:netif}",
	},
	{
		.when = "net=direct dhcp=true",
		.targets = TARGET_GUEST,
		.prelude = STACK_CFG_OPEN ".netif = ${field:netif},\n" STACK_DHCP,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.mft_type = MFT_DEV_NET_BASIC,
		.mft_name = "${raw:netif}",
		.summary = "direct: DHCP, network interface ${raw:netif}",
	},
	{ .connect = NULL },
};

/* --- stackv4v6 and stackv6: generic_stackv4v6, IPv6 beside (or instead of) IPv4 ------------------ */

#define V6_KEYS(when) \
	{ "ipv6", FATA_KEY_IPV6_PREFIX, "::/0", \
	  "A static IPv6 address and prefix length (::/0: none; the link-local address and SLAAC " \
	  "still give addresses).", when, TARGET_ALL }, \
	{ "ipv6-gateway", FATA_KEY_IPV6, "::", \
	  "The IPv6 default router (:: for none: then the one router advertisements name).", when, \
	  TARGET_ALL }, \
	{ "accept-router-advertisements", FATA_KEY_BOOL, "true", \
	  "Take addresses (SLAAC), the default router and the MTU from router advertisements.", \
	  when, TARGET_ALL }

static const struct generic_key stackv4v6_keys[] = {
	{ "ipv4", FATA_KEY_IPV4_PREFIX, "10.0.0.2/24",
	  "The IPv4 address and prefix length of the unikernel.", "net=direct dhcp=false", TARGET_ALL },
	{ "ipv4-gateway", FATA_KEY_IPV4, "0.0.0.0", "The IPv4 gateway (0.0.0.0: none).",
	  "net=direct dhcp=false", TARGET_ALL },
	V6_KEYS("net=direct"),
	{ "ipv4-only", FATA_KEY_BOOL, "false", "Speak IPv4 only (no IPv6 at all).", "net=direct",
	  TARGET_ALL },
	{ "ipv6-only", FATA_KEY_BOOL, "false", "Speak IPv6 only (no IPv4, ARP or DHCP).",
	  "net=direct", TARGET_ALL },
	{ "interface", FATA_KEY_STRING, "tap0", "The tap interface to plug into.", "net=direct",
	  TARGET_UNIX },
	{ "ipv4", FATA_KEY_IPV4_PREFIX, "0.0.0.0/0", "The address to listen on.", "net=socket",
	  TARGET_UNIX },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct generic_key stackv6_keys[] = {
	V6_KEYS("net=direct"),
	{ "interface", FATA_KEY_STRING, "tap0", "The tap interface to plug into.", "net=direct",
	  TARGET_UNIX },
	{ NULL, 0, NULL, NULL, NULL, 0 },
};

static const struct impl_key *const stackv4v6_impl_keys[] = { &net_key, &dhcp_key, NULL };
static const struct impl_key *const stackv6_impl_keys[] = { &net_key, NULL };

#define V6_CFG "\t\t.ipv6_addr = ${key:ipv6}, .ipv6_gateway = ${key:ipv6-gateway},\n" \
	"\t\t.accept_ra = ${key:accept-router-advertisements},\n"
#define V4V6_CFG "\t\t.ipv6 = !${key:ipv4-only}, .ipv6_only = ${key:ipv6-only},\n" V6_CFG
#define V4V6_STATIC "\t\t.dhcp = false, .ipv4 = ${key:ipv4}, .gateway = ${key:ipv4-gateway},\n" \
	V4V6_CFG "\t};\n"
#define V4V6_DHCP "\t\t.dhcp = !${key:ipv6-only},\n" V4V6_CFG "\t};\n"
#define V6_ONLY "\t\t.ipv6 = true, .ipv6_only = true,\n" V6_CFG "\t};\n"

static const struct device_impl stackv4v6_impls[] = {
	{
		.when = "net=socket",
		.targets = TARGET_UNIX,
		.prelude = "\tstruct fata_stack_config ${id}_cfg = {\n\t\t.name = ${name},\n"
			   "\t\t.dhcp = false, .ipv4 = ${key:ipv4}, .ipv6 = true,\n\t};\n",
		.connect = "fata_stack_connect_socket(&${id}_cfg)",
		.summary = "socket: the host's sockets",
	},
	{
		.when = "net=direct dhcp=false",
		.targets = TARGET_UNIX,
		.prelude = STACK_CFG_OPEN ".netif = ${key:interface},\n" V4V6_STATIC,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.summary = "direct: IPv4 and IPv6, static IPv4 address, tap interface from --interface",
	},
	{
		.when = "net=direct dhcp=true",
		.targets = TARGET_UNIX,
		.prelude = STACK_CFG_OPEN ".netif = ${key:interface},\n" V4V6_DHCP,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.summary = "direct: IPv4 (DHCP) and IPv6, tap interface from --interface",
	},
	{
		.when = "net=direct dhcp=false",
		.targets = TARGET_GUEST,
		.prelude = STACK_CFG_OPEN ".netif = ${field:netif},\n" V4V6_STATIC,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.mft_type = MFT_DEV_NET_BASIC,
		.mft_name = "${raw:netif}",
		.summary = "direct: IPv4 and IPv6, static IPv4 address, network interface ${raw:netif}",
	},
	{
		.when = "net=direct dhcp=true",
		.targets = TARGET_GUEST,
		.prelude = STACK_CFG_OPEN ".netif = ${field:netif},\n" V4V6_DHCP,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.mft_type = MFT_DEV_NET_BASIC,
		.mft_name = "${raw:netif}",
		.summary = "direct: IPv4 (DHCP) and IPv6, network interface ${raw:netif}",
	},
	{ .connect = NULL },
};

static const struct device_impl stackv6_impls[] = {
	{
		.when = "net=socket",
		.targets = TARGET_UNIX,
		.prelude = "\tstruct fata_stack_config ${id}_cfg = {\n\t\t.name = ${name},\n"
			   "\t\t.ipv6 = true, .ipv6_only = true,\n\t};\n",
		.connect = "fata_stack_connect_socket(&${id}_cfg)",
		.summary = "socket: the host's sockets",
	},
	{
		.when = "net=direct",
		.targets = TARGET_UNIX,
		.prelude = STACK_CFG_OPEN ".netif = ${key:interface},\n" V6_ONLY,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.summary = "direct: IPv6 only, tap interface from --interface",
	},
	{
		.when = "net=direct",
		.targets = TARGET_GUEST,
		.prelude = STACK_CFG_OPEN ".netif = ${field:netif},\n" V6_ONLY,
		.connect = "fata_stack_connect(&${id}_cfg)",
		.mft_type = MFT_DEV_NET_BASIC,
		.mft_name = "${raw:netif}",
		.summary = "direct: IPv6 only, network interface ${raw:netif}",
	},
	{ .connect = NULL },
};

/* --- the table -------------------------------------------------------------------------------------- */

static const struct device_class classes[] = {
	{
		.name = "time",
		.c_type = "struct fata_time",
		.header = "fata/time.h",
		.targets = TARGET_ALL,
		.impls = time_impls,
	},
	{
		.name = "console",
		.c_type = "struct fata_console",
		.header = "fata/console.h",
		.targets = TARGET_ALL,
		.impls = console_impls,
	},
	{
		.name = "block",
		.c_type = "struct fata_block",
		.header = "fata/block.h",
		.fields = block_fields,
		.targets = TARGET_ALL,
		.name_is_mft = true,
		.impls = block_impls,
	},
	{
		.name = "kv_ro",
		.c_type = "struct fata_kv",
		.header = "fata/kv.h",
		.fields = kv_ro_fields,
		.targets = TARGET_ALL,
		.impl_keys = kv_ro_impl_keys,
		.impls = kv_ro_impls,
	},
	{
		.name = "stackv4",
		.c_type = "struct fata_stack",
		.header = "fata/net.h",
		.fields = stackv4_fields,
		.targets = TARGET_ALL,
		.impl_keys = stackv4_impl_keys,
		.keys = stackv4_keys,
		.impls = stackv4_impls,
	},
	{
		.name = "stackv4v6",
		.c_type = "struct fata_stack",
		.header = "fata/net.h",
		.fields = stackv4_fields,
		.targets = TARGET_ALL,
		.impl_keys = stackv4v6_impl_keys,
		.keys = stackv4v6_keys,
		.impls = stackv4v6_impls,
	},
	{
		.name = "stackv6",
		.c_type = "struct fata_stack",
		.header = "fata/net.h",
		.fields = stackv4_fields,
		.targets = TARGET_ALL,
		.impl_keys = stackv6_impl_keys,
		.keys = stackv6_keys,
		.impls = stackv6_impls,
	},
	{
		.name = "random",
		.c_type = "struct fata_random",
		.header = "fata/random.h",
		.targets = TARGET_ALL,
		.impls = random_impls,
	},
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
	{ "virtio", TARGET_VIRTIO },
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

unsigned target_index(unsigned target)
{
	for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (targets[i].bit == target)
			return i;
	}
	return 0;
}

const struct impl_choice *impl_key_choice(const struct impl_key *key, const char *value)
{
	for (const struct impl_choice *c = key->choices; c->value; c++) {
		if (strcmp(c->value, value) == 0)
			return c;
	}
	return NULL;
}

void impl_key_choices(const struct impl_key *key, unsigned targets_mask, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const struct impl_choice *c = key->choices; c->value; c++) {
		if (targets_mask && !(c->targets & targets_mask))
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", c->value);
		if (n >= len)
			return;
	}
}

bool when_holds(const char *when, const char *(*value_of)(void *arg, const char *key), void *arg)
{
	const char *s = when;

	while (*s) {
		char key[64], want[64];
		const char *eq, *end, *got;
		size_t klen, vlen;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		end = strchr(s, ' ');
		if (!end)
			end = s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (!eq)
			return false;
		klen = (size_t)(eq - s);
		vlen = (size_t)(end - eq - 1);
		if (klen >= sizeof(key) || vlen >= sizeof(want))
			return false;
		memcpy(key, s, klen);
		key[klen] = '\0';
		memcpy(want, eq + 1, vlen);
		want[vlen] = '\0';
		got = value_of(arg, key);
		if (!got || strcmp(got, want) != 0)
			return false;
		s = end;
	}
	return true;
}
