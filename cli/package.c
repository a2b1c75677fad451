/*
 * fata package: writes dist/NAME-oci/, an OCI image layout of the built hvt or spt unikernel with
 * the annotations urunc reads (docs/oci.md); for spt the same image also runs in any container
 * engine, through a static fata-spt and an entry point that gives the guest the container's
 * network (tender/spt/spt_init.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mft_abi.h"

#include "oci.h"
#include "package.h"

/* Where the unikernel and its block images live inside the image. */
#define UNIKERNEL_DIR "unikernel"
/* Where the spt container's tender and entry point live. */
#define SPT_DIR "fata"

#define MAX_ANNOTATIONS 8

struct package {
	const struct plan *plan;
	const struct project *pr;
	const char *name;		/* the unikernel's */
	const char *target;		/* "hvt" or "spt" */
	bool tar;
	const char **keys;		/* the unikernel's command line, NULL-terminated */
	size_t nkeys;
	char *cmdline;			/* the keys joined as the guest splits them */
	char *net;			/* manifest name of the network device, or NULL */
	char *block;			/* manifest name of the block device, or NULL */
	char *block_file;		/* its image in the unikernel's folder */
	char *binary;			/* "/unikernel/NAME.spt" */
	char *block_path;		/* "/unikernel/IMAGE" or NULL */
	char *dir;			/* dist/NAME-oci */
	struct oci_blob layers[3];
	size_t nlayers;
	struct oci_pair ann[MAX_ANNOTATIONS];
	size_t nann;
};

static int say(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	return 1;
}

/* Reads the file at `path` into `out`. Returns 0 or 1 after a message naming `what`. */
static int slurp(const char *path, const char *what, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int bad;

	if (!f) {
		fprintf(stderr, "fata: cannot read %s %s: %s; expected %s\n", what, path,
			strerror(errno), strcmp(what, "the unikernel") == 0 ? "make first" :
			"make in Fata's source tree (or make install)");
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(out, chunk, n);
	bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "fata: cannot read %s %s\n", what, path);
		return 1;
	}
	return 0;
}

/* --- the command line --------------------------------------------------------------------------- */

/* Checks one --KEY=VALUE against the unikernel's runtime keys: 0, or 1 after a message. */
static int check_key(const struct config *cfg, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;
	const struct config_key *k;
	union fata_key_value v;
	int r = 0;

	if (strncmp(arg, "--", 2) != 0 || !eq) {
		fprintf(stderr, "fata: unexpected argument \"%s\" for fata package; expected --tar or "
			"the unikernel's runtime keys as --KEY=VALUE\n", arg);
		return 1;
	}
	name = xstrndup(arg + 2, (size_t)(eq - arg - 2));
	k = config_find_key(cfg, name);
	if (strcmp(name, "logs") == 0) {
		/* the runtime checks the sources and levels */
	} else if (!k) {
		fprintf(stderr, "fata: unknown key \"%s\" for fata package; expected one of the "
			"unikernel's runtime keys (fata help configure lists them)\n", name);
		r = 1;
	} else if (k->stage == FATA_STAGE_CONFIGURE) {
		fprintf(stderr, "fata: key \"%s\" is fixed at configure time; expected fata configure "
			"--%s=... then make, or a runtime key\n", name, name);
		r = 1;
	} else if (fata_key_value_parse(k->type, eq + 1, &v) < 0) {
		fprintf(stderr, "fata: invalid value \"%s\" for key \"%s\"; expected %s\n", eq + 1, name,
			fata_key_type_expect(k->type));
		r = 1;
	}
	free(name);
	return r;
}

static void add_key(struct package *p, const char *arg)
{
	p->keys = xrealloc(p->keys, (p->nkeys + 2) * sizeof(*p->keys));
	p->keys[p->nkeys++] = arg;
	p->keys[p->nkeys] = NULL;
}

/* The keys as one line, quoted as the tenders quote (tender_cmdline_join()). */
static char *join_keys(const struct package *p)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < p->nkeys; i++) {
		const char *a = p->keys[i];

		if (i)
			buf_putc(&b, ' ');
		if (*a && !strpbrk(a, " \t\"\\")) {
			buf_puts(&b, a);
			continue;
		}
		buf_putc(&b, '"');
		for (; *a; a++) {
			if (*a == '"' || *a == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *a);
		}
		buf_putc(&b, '"');
	}
	if (!b.s)
		return xstrdup("");
	return b.s;
}

static int parse_args(struct package *p, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--tar") == 0) {
			p->tar = true;
		} else if (strcmp(a, "-l") == 0) {
			if (i + 1 == argc)
				return say("fata: -l needs a value; expected -l SRC:LEVEL,...");
			add_key(p, "-l");
			add_key(p, argv[++i]);
		} else if (check_key(p->plan->cfg, a)) {
			return 1;
		} else {
			add_key(p, a);
		}
	}
	if (!p->keys) {
		p->keys = xmalloc(sizeof(*p->keys));	/* an empty, NULL-terminated list */
		p->keys[0] = NULL;
	}
	p->cmdline = join_keys(p);
	return 0;
}

/* --- devices ------------------------------------------------------------------------------------ */

/* Finds the network and block devices; urunc attaches one of each. 0, or 1 after a message. */
static int find_devices(struct package *p)
{
	const struct config *cfg = p->plan->cfg;

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];
		char **slot;
		struct buf name = BUF_INIT;

		if (d->impl->mft_type == MFT_DEV_NET_BASIC)
			slot = &p->net;
		else if (d->impl->mft_type == MFT_DEV_BLOCK_BASIC)
			slot = &p->block;
		else
			continue;
		if (*slot) {
			fprintf(stderr, "%s:%d: a second %s device \"%s\"; fata package (like urunc) "
				"attaches one network and one block device\n", cfg->path, d->line,
				slot == &p->net ? "network" : "block", d->name);
			return 1;
		}
		gen_mft_name(&name, d);
		*slot = xstrdup(buf_str(&name));
		buf_free(&name);
		if (slot == &p->block) {
			struct buf file = BUF_INIT;

			if (d->impl->image)
				gen_expand(&file, d->impl->image, d);
			else
				buf_puts(&file, config_device_field(d, "file") ?
					 config_device_field(d, "file") : "");
			if (!file.s || strchr(file.s, '/')) {
				fprintf(stderr, "%s:%d: block device \"%s\": fata package needs its image "
					"as a file in the unikernel's folder; expected file = NAME\n",
					cfg->path, d->line, d->name);
				buf_free(&file);
				return 1;
			}
			p->block_file = file.s;
		}
	}
	return 0;
}

/* --- layers ------------------------------------------------------------------------------------- */

static int put_layer(struct package *p, struct buf *tar)
{
	char err[ERR_MAX];

	oci_tar_end(tar);
	if (oci_blob_put(p->dir, tar->s, tar->len, &p->layers[p->nlayers], err, sizeof(err)) < 0)
		return say(err);
	p->nlayers++;
	return 0;
}

/* spt: fata/fata-spt (static) and fata/spt-init, from FATA_HOME/build/oci/. */
static int runtime_layer(struct package *p)
{
	static const char *const files[] = { "fata-spt", "spt-init" };
	struct buf tar = BUF_INIT;
	char err[ERR_MAX];
	int r = 1;

	if (oci_tar_dir(&tar, SPT_DIR, err, sizeof(err)) < 0) {
		say(err);
		goto out;
	}
	for (size_t i = 0; i < 2; i++) {
		struct buf src = BUF_INIT, dst = BUF_INIT, data = BUF_INIT;
		int bad;

		buf_printf(&src, "%s/build/oci/%s", p->plan->fata_home, files[i]);
		buf_printf(&dst, SPT_DIR "/%s", files[i]);
		bad = slurp(buf_str(&src), "the container's", &data) ||
		      (oci_tar_file(&tar, buf_str(&dst), 0755, data.s, data.len, err, sizeof(err)) < 0
		       && say(err));
		buf_free(&src);
		buf_free(&dst);
		buf_free(&data);
		if (bad)
			goto out;
	}
	r = put_layer(p, &tar);
out:
	buf_free(&tar);
	return r;
}

/* One file in unikernel/ as a layer of its own (the block image). */
static int file_layer(struct package *p, const char *file, unsigned mode, const char *what)
{
	struct buf tar = BUF_INIT, src = BUF_INIT, dst = BUF_INIT, data = BUF_INIT;
	char err[ERR_MAX];
	int r = 1;

	src.s = project_path(p->pr, file);
	buf_printf(&dst, UNIKERNEL_DIR "/%s", file);
	if (slurp(src.s, what, &data))
		goto out;
	if (oci_tar_dir(&tar, UNIKERNEL_DIR, err, sizeof(err)) < 0 ||
	    oci_tar_file(&tar, buf_str(&dst), mode, data.s, data.len, err, sizeof(err)) < 0) {
		say(err);
		goto out;
	}
	r = put_layer(p, &tar);
out:
	free(src.s);
	buf_free(&dst);
	buf_free(&data);
	buf_free(&tar);
	return r;
}

/* urunc.json: the annotations again, values in base64, for engines that drop annotations. */
static void urunc_json(const struct package *p, struct buf *b)
{
	buf_putc(b, '{');
	for (size_t i = 0; i < p->nann; i++) {
		buf_printf(b, "%s\n  ", i ? "," : "");
		oci_json_string(b, p->ann[i].name);
		buf_puts(b, ": \"");
		oci_base64(b, p->ann[i].value, strlen(p->ann[i].value));
		buf_putc(b, '"');
	}
	buf_puts(b, "\n}\n");
}

/* The unikernel in unikernel/ and urunc.json at the root. */
static int unikernel_layer(struct package *p)
{
	struct buf tar = BUF_INIT, src = BUF_INIT, data = BUF_INIT, json = BUF_INIT;
	char err[ERR_MAX];
	int r = 1;

	buf_printf(&src, "dist/%s.%s", p->name, p->target);
	{
		char *path = project_path(p->pr, buf_str(&src));

		r = slurp(path, "the unikernel", &data);
		free(path);
		if (r)
			goto out;
		r = 1;
	}
	urunc_json(p, &json);
	if (oci_tar_dir(&tar, UNIKERNEL_DIR, err, sizeof(err)) < 0 ||
	    oci_tar_file(&tar, p->binary + 1, 0755, data.s, data.len, err, sizeof(err)) < 0 ||
	    oci_tar_file(&tar, "urunc.json", 0644, json.s, json.len, err, sizeof(err)) < 0) {
		say(err);
		goto out;
	}
	r = put_layer(p, &tar);
out:
	buf_free(&src);
	buf_free(&data);
	buf_free(&json);
	buf_free(&tar);
	return r;
}

/* --- the image ---------------------------------------------------------------------------------- */

static void annotate(struct package *p, const char *name, const char *value)
{
	p->ann[p->nann++] = (struct oci_pair){ name, value };
}

/* spt: fata/spt-init [--net=NAME] [--block:NAME=PATH] -- /unikernel/NAME.spt, then the keys. */
static const char **spt_entrypoint(const struct package *p, struct buf *net, struct buf *block)
{
	const char **e = xmalloc(7 * sizeof(*e));
	size_t n = 0;

	e[n++] = "/" SPT_DIR "/spt-init";
	if (p->net) {
		buf_printf(net, "--net=%s", p->net);
		e[n++] = net->s;
	}
	if (p->block) {
		buf_printf(block, "--block:%s=%s", p->block, p->block_path);
		e[n++] = block->s;
	}
	e[n++] = "--";
	e[n++] = p->binary;
	e[n] = NULL;
	return e;
}

static int write_image(struct package *p)
{
	struct buf net = BUF_INIT, block = BUF_INIT;
	const char **entry = NULL;
	struct oci_blob manifest;
	struct oci_image img;
	char err[ERR_MAX];
	int r = 1;

	if (oci_layout_create(p->dir, err, sizeof(err)) < 0)
		return say(err);
	/* Sorted by name, as urunc's documentation lists them. */
	if (p->block)
		annotate(p, "com.urunc.unikernel.block", p->block_path);
	annotate(p, "com.urunc.unikernel.binary", p->binary);
	annotate(p, "com.urunc.unikernel.cmdline", p->cmdline);
	annotate(p, "com.urunc.unikernel.hypervisor", p->target);
	annotate(p, "com.urunc.unikernel.unikernelType", "mirage");
	annotate(p, "org.opencontainers.image.title", p->name);
	/* Layers from the least to the most often changed: tender, block image, unikernel. */
	if (strcmp(p->target, "spt") == 0 && runtime_layer(p))
		goto out;
	if (p->block && file_layer(p, p->block_file, 0644, "the block image"))
		goto out;
	if (unikernel_layer(p))
		goto out;
	if (strcmp(p->target, "spt") == 0)
		entry = spt_entrypoint(p, &net, &block);
	img = (struct oci_image){
		.layers = p->layers,
		.nlayers = p->nlayers,
		.annotations = p->ann,
		.nannotations = p->nann,
		.entrypoint = entry,
		.cmd = p->keys,
		.ref = "latest",
	};
	if (oci_image_write(p->dir, &img, &manifest, err, sizeof(err)) < 0) {
		say(err);
		goto out;
	}
	printf("%s: %s image %s\n", p->dir, p->target, manifest.digest);
	if (p->tar) {
		struct buf tar = BUF_INIT;

		buf_printf(&tar, "%s.tar", p->dir);
		if (oci_layout_tar(p->dir, buf_str(&tar), err, sizeof(err)) < 0) {
			buf_free(&tar);
			say(err);
			goto out;
		}
		printf("%s: the layout as one tar\n", buf_str(&tar));
		buf_free(&tar);
	}
	r = 0;
out:
	free(entry);
	buf_free(&net);
	buf_free(&block);
	return r;
}

int package_run(const struct plan *plan, const struct project *pr, int argc, char **argv)
{
	struct package p = { .plan = plan, .pr = pr, .name = plan->cfg->name };
	struct buf b = BUF_INIT;
	int r = 1;

	if (plan->target != TARGET_HVT && plan->target != TARGET_SPT) {
		fprintf(stderr, "fata: package needs a unikernel for hvt or spt; this one is "
			"configured for %s (expected fata configure -t hvt or -t spt, then make)\n",
			target_name(plan->target));
		return 1;
	}
	p.target = target_name(plan->target);
	if (parse_args(&p, argc, argv) || find_devices(&p))
		goto out;
	buf_printf(&b, "/" UNIKERNEL_DIR "/%s.%s", p.name, p.target);
	p.binary = b.s;
	b = (struct buf)BUF_INIT;
	if (p.block) {
		buf_printf(&b, "/" UNIKERNEL_DIR "/%s", p.block_file);
		p.block_path = b.s;
		b = (struct buf)BUF_INIT;
	}
	buf_printf(&b, "dist/%s-oci", p.name);
	p.dir = project_path(pr, buf_str(&b));
	buf_free(&b);
	{
		char *dist = project_path(pr, "dist");

		if (mkdir(dist, 0777) < 0 && errno != EEXIST) {
			fprintf(stderr, "fata: cannot create %s: %s\n", dist, strerror(errno));
			free(dist);
			goto out;
		}
		free(dist);
	}
	r = write_image(&p);
out:
	free(p.keys);
	free(p.cmdline);
	free(p.net);
	free(p.block);
	free(p.block_file);
	free(p.binary);
	free(p.block_path);
	free(p.dir);
	return r;
}
