/*
 * The config.ini parser. libinih splits lines into sections and name = value pairs and finds
 * syntax errors; everything else happens here. The reader we give inih adds only what inih
 * cannot do (see "the reader" below). Parsing stops at the first error.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mft_abi.h"

enum section_kind { SEC_NONE, SEC_UNIKERNEL, SEC_DEVICE, SEC_KEY, SEC_FILE };

/* The fields each section takes, in the order messages list them. */
static const char *const unikernel_fields[] = { "name", "start", "sources", "cflags", NULL };
static const char *const device_fields[] = { "class", NULL };
static const char *const key_fields[] = { "type", "default", "doc", "stage", NULL };
static const char *const file_fields[] = { "command", NULL };
#define MAX_FIELDS 4

static const char *const *const section_fields[] = {
	[SEC_NONE] = NULL,
	[SEC_UNIKERNEL] = unikernel_fields,
	[SEC_DEVICE] = device_fields,
	[SEC_KEY] = key_fields,
	[SEC_FILE] = file_fields,
};

struct parse {
	struct config *cfg;
	const char *text;
	size_t len, pos;
	int line;			/* of the line inih is processing */
	const char *line_start;		/* that line, in text */
	bool failed;
	char *err;
	size_t errlen;

	/* The current section. */
	enum section_kind kind;
	size_t index;			/* into cfg->devices, keys or files */
	char *header;			/* "[key hello]", for messages */
	int section_line;
	int field_line[MAX_FIELDS];	/* where each field was set in this section, 0: not yet */

	int unikernel_line;		/* first [unikernel] line, 0: none yet */
	int default_line;		/* of the current key's default */
};

/* Records the first error, at `line` (0: the file as a whole). Returns -1. */
static int fail_at(struct parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = true;
	if (line > 0)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->cfg->path, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->cfg->path);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

#define fail(p, ...) fail_at((p), (p)->line, __VA_ARGS__)

/* --- names ------------------------------------------------------------------------------------ */

static const char *const c_keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "asm", "typeof",
	/* Lower-case macros of the headers generated code includes. */
	"bool", "true", "false", "errno", "alignas", "alignof", "noreturn", "static_assert",
	NULL,
};

static bool is_c_identifier(const char *s)
{
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; *s; s++) {
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	}
	return true;
}

static bool is_c_keyword(const char *s)
{
	for (size_t i = 0; c_keywords[i]; i++) {
		if (strcmp(s, c_keywords[i]) == 0)
			return true;
	}
	return false;
}

/* Names the generated code uses for itself: a start function may not take them. */
static bool is_reserved_c_name(const char *s)
{
	return strncmp(s, "fata_", 5) == 0 || strncmp(s, "__", 2) == 0 || strcmp(s, "main") == 0 ||
	       strcmp(s, "run") == 0 || strcmp(s, "keys") == 0 || strcmp(s, "NULL") == 0;
}

static bool unikernel_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (; *s; s++) {
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

bool config_file_name_valid(const char *name)
{
	const char *s = name, *comp = name;

	if (!*name || *name == '/' || strlen(name) > 255)
		return false;
	for (;; s++) {
		if (*s == '/' || *s == '\0') {
			size_t n = (size_t)(s - comp);

			if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
				return false;
			if (*s == '\0')
				return true;
			comp = s + 1;
		} else if (!(isalnum((unsigned char)*s) || strchr("._+-", *s))) {
			return false;
		}
	}
}

/* Paths fata owns or the user's build needs: a [file] must not be one of them. */
static bool file_name_reserved(const char *name)
{
	static const char *const dirs[] = { "fata", "dist", "_build" };

	if (strcmp(name, "Makefile") == 0 || strcmp(name, "config.ini") == 0)
		return true;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);

		if (strncmp(name, dirs[i], n) == 0 && (name[n] == '\0' || name[n] == '/'))
			return true;
	}
	return false;
}

static bool source_name_valid(const char *s)
{
	size_t n = strlen(s);

	return config_file_name_valid(s) && n > 2 && strcmp(s + n - 2, ".c") == 0;
}

/* --- sections --------------------------------------------------------------------------------- */

static void *grow(void *array, size_t n, size_t size)
{
	return xrealloc(array, (n + 1) * size);
}

static const struct device_field *class_field(const struct device_class *cls, const char *name)
{
	for (const struct device_field *f = cls->fields; f && f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

/* A device's fields beyond class can only be checked once its class is known. */
static int end_device(struct parse *p, const struct config_device *d)
{
	struct buf list = BUF_INIT;
	int r = 0;

	if (!d->cls) {
		/* A field no class has is most likely a typo of "class" itself. */
		for (size_t i = 0; i < d->nparams; i++) {
			bool known = false;

			for (unsigned c = 0; c < device_class_count() && !known; c++)
				known = class_field(device_class_at(c), d->params[i].name) != NULL;
			if (!known)
				return fail_at(p, d->params[i].line, "unknown field \"%s\" in %s; expected "
					       "one of: class", d->params[i].name, p->header);
		}
		return fail_at(p, p->section_line, "%s has no class; expected class = one of: %s",
			       p->header, device_class_list());
	}
	buf_puts(&list, "class");
	for (const struct device_field *f = d->cls->fields; f && f->name; f++)
		buf_printf(&list, ", %s", f->name);
	for (size_t i = 0; i < d->nparams && r == 0; i++) {
		const struct config_param *prm = &d->params[i];
		const struct device_field *f = class_field(d->cls, prm->name);

		if (!f)
			r = fail_at(p, prm->line, "unknown field \"%s\" in %s; expected one of: %s",
				    prm->name, p->header, buf_str(&list));
		else if (!prm->value[0])
			r = fail_at(p, prm->line, "%s of %s is empty; expected %s", prm->name,
				    p->header, f->expect);
		else if (f->path && (!config_file_name_valid(prm->value) ||
				     file_name_reserved(prm->value)))
			r = fail_at(p, prm->line, "%s \"%s\" of %s is not usable; expected a relative "
				    "path of letters, digits and ._+-/, without . or .., outside fata/, "
				    "dist/, _build/", prm->name, prm->value, p->header);
	}
	for (const struct device_field *f = d->cls->fields; f && f->name && r == 0; f++) {
		if (!f->default_value && !config_device_field(d, f->name))
			r = fail_at(p, p->section_line, "%s has no %s; expected %s = %s", p->header,
				    f->name, f->name, f->expect);
	}
	buf_free(&list);
	return r;
}

/* Checks what the current section still lacks, at its end. */
static void end_section(struct parse *p)
{
	struct config *cfg = p->cfg;

	if (p->failed)
		return;
	switch (p->kind) {
	case SEC_DEVICE:
		end_device(p, &cfg->devices[p->index]);
		break;
	case SEC_KEY: {
		struct config_key *k = &cfg->keys[p->index];
		union fata_key_value v;

		if (!p->field_line[0])
			fail_at(p, p->section_line,
				"%s has no type; expected type = one of: string, int, bool, ipv4, ipv4-prefix",
				p->header);
		else if (!k->default_text)
			fail_at(p, p->section_line, "%s has no default; expected default = VALUE",
				p->header);
		else if (fata_key_value_parse(k->type, k->default_text, &v) < 0)
			fail_at(p, p->default_line, "default \"%s\" of key \"%s\" is not %s",
				k->default_text, k->name, fata_key_type_expect(k->type));
		break;
	}
	case SEC_FILE:
		if (!cfg->files[p->index].command)
			fail_at(p, p->section_line,
				"%s has no command; expected command = a shell command that creates %s",
				p->header, cfg->files[p->index].name);
		break;
	default:
		break;
	}
	free(p->header);
	p->header = NULL;
	p->kind = SEC_NONE;
}

static int begin_device(struct parse *p, const char *name)
{
	struct config *cfg = p->cfg;

	if (!is_c_identifier(name) || strlen(name) > 63)
		return fail(p, "device name \"%s\" is not a C identifier; expected letters, digits and _, "
			    "not starting with a digit (at most 63)", name);
	if (is_c_keyword(name) || is_reserved_c_name(name))
		return fail(p, "device name \"%s\" is reserved in C or by fata; expected another name", name);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		if (strcmp(cfg->devices[i].name, name) == 0)
			return fail(p, "duplicate device \"%s\" (first defined at line %d)", name,
				    cfg->devices[i].line);
	}
	cfg->devices = grow(cfg->devices, cfg->ndevices, sizeof(*cfg->devices));
	cfg->devices[cfg->ndevices] = (struct config_device){ .name = xstrdup(name), .line = p->line };
	p->index = cfg->ndevices++;
	p->kind = SEC_DEVICE;
	return 0;
}

static int begin_key(struct parse *p, const char *name)
{
	struct config *cfg = p->cfg;
	char *c_name;

	if (!fata_key_name_valid(name))
		return fail(p, "key name \"%s\" is not valid; expected 1-63 characters of a-z, 0-9, _ "
			    "and -, starting with a letter", name);
	if (strcmp(name, "help") == 0 || strcmp(name, "logs") == 0)
		return fail(p, "key name \"%s\" is reserved (every unikernel takes --%s); expected "
			    "another name", name, name);
	if (strcmp(name, "target") == 0 || strcmp(name, "file") == 0 || strcmp(name, "debug") == 0)
		return fail(p, "key name \"%s\" is reserved (fata configure takes --%s); expected "
			    "another name", name, name);
	c_name = xstrdup(name);
	for (char *s = c_name; *s; s++) {
		if (*s == '-')
			*s = '_';
	}
	for (size_t i = 0; i < cfg->nkeys; i++) {
		if (strcmp(cfg->keys[i].name, name) == 0) {
			free(c_name);
			return fail(p, "duplicate key \"%s\" (first defined at line %d)", name,
				    cfg->keys[i].line);
		}
		if (strcmp(cfg->keys[i].c_name, c_name) == 0) {
			fail(p, "key \"%s\" has the same C name fata_key_%s as key \"%s\" (line %d); "
			     "expected names that differ in more than - and _", name, c_name,
			     cfg->keys[i].name, cfg->keys[i].line);
			free(c_name);
			return -1;
		}
	}
	cfg->keys = grow(cfg->keys, cfg->nkeys, sizeof(*cfg->keys));
	cfg->keys[cfg->nkeys] = (struct config_key){
		.name = xstrdup(name),
		.c_name = c_name,
		.stage = FATA_STAGE_BOTH,
		.doc = xstrdup(""),
		.line = p->line,
	};
	p->index = cfg->nkeys++;
	p->kind = SEC_KEY;
	return 0;
}

static int begin_file(struct parse *p, const char *name)
{
	struct config *cfg = p->cfg;

	if (!config_file_name_valid(name))
		return fail(p, "file name \"%s\" is not valid; expected a relative path of letters, "
			    "digits and ._+-/ without . or .. components", name);
	if (file_name_reserved(name))
		return fail(p, "file name \"%s\" is reserved (fata writes or removes it); expected "
			    "another name", name);
	for (size_t i = 0; i < cfg->nfiles; i++) {
		if (strcmp(cfg->files[i].name, name) == 0)
			return fail(p, "duplicate file \"%s\" (first defined at line %d)", name,
				    cfg->files[i].line);
	}
	cfg->files = grow(cfg->files, cfg->nfiles, sizeof(*cfg->files));
	cfg->files[cfg->nfiles] = (struct config_file){ .name = xstrdup(name), .line = p->line };
	p->index = cfg->nfiles++;
	p->kind = SEC_FILE;
	return 0;
}

/* A "[...]" line: `inner` is the text between the brackets. */
static void begin_section(struct parse *p, const char *inner)
{
	const char *s = inner, *word, *name;
	size_t wlen;
	char *kind, *arg;

	end_section(p);
	if (p->failed)
		return;
	while (isspace((unsigned char)*s))
		s++;
	word = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	wlen = (size_t)(s - word);
	while (isspace((unsigned char)*s))
		s++;
	name = s;
	kind = xstrndup(word, wlen);
	arg = xstrdup(name);
	for (size_t n = strlen(arg); n > 0 && isspace((unsigned char)arg[n - 1]); n--)
		arg[n - 1] = '\0';

	p->section_line = p->line;
	memset(p->field_line, 0, sizeof(p->field_line));
	if (strcmp(kind, "unikernel") == 0) {
		if (*arg)
			fail(p, "section [unikernel] takes no name; expected [unikernel]");
		else if (p->unikernel_line)
			fail(p, "duplicate section [unikernel] (first defined at line %d)",
			     p->unikernel_line);
		else {
			p->unikernel_line = p->line;
			p->kind = SEC_UNIKERNEL;
		}
	} else if (strcmp(kind, "device") == 0 || strcmp(kind, "key") == 0 ||
		   strcmp(kind, "file") == 0) {
		if (!*arg)
			fail(p, "section [%s] has no name; expected [%s NAME]", kind, kind);
		else if (kind[0] == 'd')
			begin_device(p, arg);
		else if (kind[0] == 'k')
			begin_key(p, arg);
		else
			begin_file(p, arg);
	} else {
		fail(p, "unknown section [%s]; expected [unikernel], [device NAME], [key NAME] or "
		     "[file NAME]", inner);
	}
	if (!p->failed) {
		struct buf h = BUF_INIT;

		buf_printf(&h, "[%s%s%s]", kind, *arg ? " " : "", arg);
		p->header = h.s;
	}
	free(kind);
	free(arg);
}

/* --- fields ----------------------------------------------------------------------------------- */

static int set_sources(struct parse *p, const char *value)
{
	struct config *cfg = p->cfg;
	const char *s = value;

	for (size_t i = 0; i < cfg->nsources; i++)
		free(cfg->sources[i]);
	cfg->nsources = 0;
	while (*s) {
		const char *start;
		char *src;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		start = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		src = xstrndup(start, (size_t)(s - start));
		if (!source_name_valid(src) || file_name_reserved(src)) {
			fail(p, "source \"%s\" is not valid; expected a relative path of letters, digits "
			     "and ._+-/ ending in .c, outside fata/, dist/ and _build/", src);
			free(src);
			return -1;
		}
		for (size_t i = 0; i < cfg->nsources; i++) {
			if (strcmp(cfg->sources[i], src) == 0) {
				fail(p, "source \"%s\" is listed twice; expected each file once", src);
				free(src);
				return -1;
			}
		}
		cfg->sources = grow(cfg->sources, cfg->nsources, sizeof(*cfg->sources));
		cfg->sources[cfg->nsources++] = src;
	}
	if (cfg->nsources == 0)
		return fail(p, "sources is empty; expected space-separated C files, e.g. sources = "
			    "unikernel.c");
	return 0;
}

static int set_unikernel_field(struct parse *p, int field, const char *value)
{
	struct config *cfg = p->cfg;

	switch (field) {
	case 0:
		if (!unikernel_name_valid(value))
			return fail(p, "unikernel name \"%s\" is not valid; expected 1-63 characters of "
				    "a-z, 0-9, _ and -, starting with a letter or digit", value);
		free(cfg->name);
		cfg->name = xstrdup(value);
		break;
	case 1:
		if (!is_c_identifier(value) || strlen(value) > 63)
			return fail(p, "start function \"%s\" is not a C identifier; expected letters, "
				    "digits and _, not starting with a digit (at most 63)", value);
		if (is_c_keyword(value) || is_reserved_c_name(value))
			return fail(p, "start function \"%s\" is reserved in C or by fata; expected "
				    "another name", value);
		free(cfg->start);
		cfg->start = xstrdup(value);
		break;
	case 2:
		return set_sources(p, value);
	case 3:
		free(cfg->cflags);
		cfg->cflags = xstrdup(value);
		break;
	}
	return 0;
}

static int set_key_field(struct parse *p, int field, const char *value)
{
	struct config_key *k = &p->cfg->keys[p->index];

	switch (field) {
	case 0:
		if (fata_key_type_parse(value, &k->type) < 0)
			return fail(p, "unknown key type \"%s\"; expected one of: string, int, bool, "
				    "ipv4, ipv4-prefix", value);
		break;
	case 1:
		k->default_text = xstrdup(value);
		p->default_line = p->line;
		break;
	case 2:
		free(k->doc);
		k->doc = xstrdup(value);
		break;
	case 3:
		if (strcmp(value, "configure") == 0)
			k->stage = FATA_STAGE_CONFIGURE;
		else if (strcmp(value, "runtime") == 0)
			k->stage = FATA_STAGE_RUNTIME;
		else if (strcmp(value, "both") == 0)
			k->stage = FATA_STAGE_BOTH;
		else
			return fail(p, "unknown stage \"%s\" of key \"%s\"; expected one of: "
				    "configure, runtime, both", value, k->name);
		break;
	}
	return 0;
}

static void field_list(const char *const *fields, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; fields[i]; i++) {
		if (i)
			strncat(out, ", ", len - strlen(out) - 1);
		strncat(out, fields[i], len - strlen(out) - 1);
	}
}

/* A field of [device NAME] other than class: kept as written, checked at the section's end. */
static int device_param(struct parse *p, const char *name, const char *value)
{
	struct config_device *d = &p->cfg->devices[p->index];

	for (size_t i = 0; i < d->nparams; i++) {
		if (strcmp(d->params[i].name, name) == 0) {
			fail(p, "duplicate field \"%s\" in %s (first set at line %d)", name, p->header,
			     d->params[i].line);
			return 0;
		}
	}
	d->params = grow(d->params, d->nparams, sizeof(*d->params));
	d->params[d->nparams++] = (struct config_param){
		.name = xstrdup(name),
		.value = xstrdup(value),
		.line = p->line,
	};
	return 1;
}

/* inih calls this for each name = value line; the section is the one our reader saw last. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *const *fields;
	int field = -1;
	char list[128];

	(void)section;
	if (p->failed)
		return 0;
	if (p->kind == SEC_NONE) {
		fail(p, "\"%s = %s\" is outside any section; expected a [unikernel], [device NAME], "
		     "[key NAME] or [file NAME] line before it", name, value);
		return 0;
	}
	if (p->kind == SEC_DEVICE && strcmp(name, "class") != 0)
		return device_param(p, name, value);
	fields = section_fields[p->kind];
	for (int i = 0; fields[i]; i++) {
		if (strcmp(fields[i], name) == 0)
			field = i;
	}
	field_list(fields, list, sizeof(list));
	if (field < 0) {
		fail(p, "unknown field \"%s\" in %s; expected one of: %s", name, p->header, list);
		return 0;
	}
	if (p->field_line[field]) {
		fail(p, "duplicate field \"%s\" in %s (first set at line %d)", name, p->header,
		     p->field_line[field]);
		return 0;
	}
	p->field_line[field] = p->line;
	switch (p->kind) {
	case SEC_UNIKERNEL:
		set_unikernel_field(p, field, value);
		break;
	case SEC_DEVICE:
		p->cfg->devices[p->index].cls = device_class_find(value);
		if (!p->cfg->devices[p->index].cls)
			fail(p, "unknown device class \"%s\"; expected one of: %s", value,
			     device_class_list());
		break;
	case SEC_KEY:
		set_key_field(p, field, value);
		break;
	case SEC_FILE:
		if (!*value)
			fail(p, "command of %s is empty; expected a shell command that creates %s",
			     p->header, p->cfg->files[p->index].name);
		else
			p->cfg->files[p->index].command = xstrdup(value);
		break;
	default:
		break;
	}
	return !p->failed;
}

/* --- the reader ------------------------------------------------------------------------------- */

/*
 * libinih parses every line; the reader we give it adds only what Debian's build cannot do:
 * - count lines: the handler has no line number (ini.h declares it without one);
 * - refuse lines longer than inih's buffer and lines with a NUL byte, which inih would silently
 *   split or cut short;
 * - see [section] lines: inih calls the handler only for name = value pairs (so a section
 *   without fields goes unseen), cuts section names at 50 bytes and ignores text after the ].
 * A "[" line without its "]" is inih's own syntax error; config_parse() only words it.
 */

/*
 * Where the closing `c` of a section line is, as inih finds it: the first `c` before an inline
 * comment (";" after whitespace). NULL when there is none.
 */
static const char *find_before_comment(const char *s, char c)
{
	bool was_space = false;

	for (; *s && !(was_space && *s == ';'); s++) {
		if (*s == c)
			return s;
		was_space = isspace((unsigned char)*s);
	}
	return NULL;
}

/* The "[" of a section line (after inih's BOM and leading whitespace) that ends at `end` or at a
 * NUL, or NULL. */
static const char *section_start_in(const struct parse *p, const char *line, const char *end)
{
	const char *s = line;

	if (p->line == 1 && end - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (s < end && isspace((unsigned char)*s))
		s++;
	return s < end && *s == '[' ? s : NULL;
}

/* The same for a NUL-terminated line. */
static const char *section_start(const struct parse *p, const char *line)
{
	return section_start_in(p, line, line + strlen(line));
}

/* Follows a [section] line as inih will see it; `line` is the whole line. */
static int scan_line(struct parse *p, const char *line)
{
	const char *s = section_start(p, line), *end;

	if (!s)
		return 0;
	end = find_before_comment(s + 1, ']');
	if (!end)
		return 0;	/* inih reports it */
	for (const char *t = end + 1; *t; t++) {
		if (*t == ';' || *t == '#')
			break;
		if (!isspace((unsigned char)*t))
			return fail(p, "text after the section's ]; expected [SECTION] alone on its line");
	}
	{
		char *inner = xstrndup(s + 1, (size_t)(end - s - 1));

		begin_section(p, inner);
		free(inner);
	}
	return p->failed ? -1 : 0;
}

/* fgets-style reader over the text: one whole line per call, or an error. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *start, *nl;
	size_t len, content;
	int max = num - 3;	/* inih needs room for "\r\n\0" */

	if (p->failed || p->pos >= p->len)
		return NULL;
	start = p->text + p->pos;
	nl = memchr(start, '\n', p->len - p->pos);
	len = nl ? (size_t)(nl - start) + 1 : p->len - p->pos;
	p->pos += len;
	p->line++;
	p->line_start = start;
	content = len;
	if (content > 0 && start[content - 1] == '\n')
		content--;
	if (content > 0 && start[content - 1] == '\r')
		content--;
	if (content > (size_t)max) {
		fail(p, "line is %zu characters long; expected at most %d", content, max);
		return NULL;
	}
	if (memchr(start, '\0', content)) {
		fail(p, "line contains a NUL byte; expected text");
		return NULL;
	}
	memcpy(str, start, len);
	str[len] = '\0';
	if (scan_line(p, str) < 0)
		return NULL;
	return str;
}

/* --- entry points ----------------------------------------------------------------------------- */

bool mft_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MFT_NAME_MAX)
		return false;
	for (; *name; name++) {
		if (!isalnum((unsigned char)*name))
			return false;
	}
	return true;
}

/* A user key named (or C-named) like a generic key of device `d`'s class. */
static int generic_name_clash(struct parse *p, const struct config_device *d, const char *name,
			      const char *what)
{
	for (size_t i = 0; i < p->cfg->nkeys; i++) {
		const struct config_key *k = &p->cfg->keys[i];
		bool same = strcmp(k->name, name) == 0;

		for (const char *a = k->c_name, *b = name; !same; a++, b++) {
			if (*a != (*b == '-' ? '_' : *b))
				break;
			if (!*a)
				same = true;
		}
		if (same)
			return fail_at(p, k->line, "key \"%s\" clashes with the %s --%s of device \"%s\" "
				       "(class %s, line %d); expected another name", k->name, what, name,
				       d->name, d->cls->name, d->line);
	}
	return 0;
}

/* Records the class's implementation keys (once) and checks the user's keys against them. */
static int add_generic_names(struct parse *p, const struct config_device *d)
{
	struct config *cfg = p->cfg;

	for (const struct impl_key *const *ik = d->cls->impl_keys; ik && *ik; ik++) {
		if (generic_name_clash(p, d, (*ik)->name, "configure key") < 0)
			return -1;
		if (config_find_impl_key(cfg, (*ik)->name) >= 0)
			continue;	/* devices of one class share their keys */
		cfg->impl_keys = grow(cfg->impl_keys, cfg->nimpl_keys, sizeof(*cfg->impl_keys));
		cfg->impl_keys[cfg->nimpl_keys++] = *ik;
	}
	for (const struct generic_key *g = d->cls->keys; g && g->name; g++) {
		if (generic_name_clash(p, d, g->name, "runtime key") < 0)
			return -1;
	}
	return 0;
}

/* Checks that need the whole file. */
static int finish(struct parse *p)
{
	struct config *cfg = p->cfg;

	end_section(p);
	if (p->failed)
		return -1;
	if (!cfg->name)
		return fail_at(p, 0, "missing [unikernel] name; expected name = NAME in a [unikernel] "
			       "section");
	if (!cfg->start)
		cfg->start = xstrdup("start");
	if (cfg->nsources == 0) {
		cfg->sources = xmalloc(sizeof(*cfg->sources));
		cfg->sources[cfg->nsources++] = xstrdup("unikernel.c");
	}
	if (!cfg->cflags)
		cfg->cflags = xstrdup("");
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct config_device *d = &cfg->devices[i];

		if (strcmp(d->name, cfg->start) == 0)
			return fail_at(p, d->line, "device name \"%s\" is also the start function's "
				       "name; expected another name", d->name);
		if (d->cls->name_is_mft && !mft_name_valid(d->name))
			return fail_at(p, d->line, "device name \"%s\" cannot name a Solo5 manifest "
				       "entry; expected letters and digits only (at most %d)", d->name,
				       MFT_NAME_MAX);
		if (add_generic_names(p, d) < 0)
			return -1;
	}
	cfg->nuser_keys = cfg->nkeys;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		for (size_t j = 0; j < cfg->nsources; j++) {
			if (strcmp(cfg->files[i].name, cfg->sources[j]) == 0)
				return fail_at(p, cfg->files[i].line, "file \"%s\" is also a source; "
					       "expected a file that make creates", cfg->files[i].name);
		}
	}
	return 0;
}

int config_parse(const char *path, const char *text, size_t len, struct config *cfg, char *err,
		 size_t errlen)
{
	struct parse p = {
		.cfg = cfg,
		.text = text,
		.len = len,
		.err = err,
		.errlen = errlen,
	};
	int r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup(path);
	err[0] = '\0';
	/* Debian's libinih makes its options variables: one value per line, stop at an error. */
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	ini_allow_no_value = false;
	r = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && r > 0 && r == p.line &&
	    section_start_in(&p, p.line_start, text + len))	/* text need not end with a NUL */
		fail_at(&p, r, "section line has no closing ]; expected [SECTION]");
	else if (!p.failed && r > 0)
		fail_at(&p, r, "expected NAME = VALUE, [SECTION], a comment or an empty line");
	else if (!p.failed && r < 0)
		fail_at(&p, 0, "cannot parse (libinih error %d)", r);
	if (!p.failed)
		finish(&p);
	free(p.header);
	if (p.failed) {
		char *keep = cfg->path;

		cfg->path = NULL;
		config_free(cfg);
		free(keep);
		return -1;
	}
	return 0;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t len;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (!f) {
		snprintf(err, errlen, "fata: %s: cannot open: %s; expected the unikernel's config file (run "
			 "fata in the unikernel's folder or give -f FILE)", path, strerror(errno));
		return -1;
	}
	text = xmalloc(CONFIG_MAX_SIZE + 1);
	len = fread(text, 1, CONFIG_MAX_SIZE + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "fata: %s: cannot read: %s; expected a readable file", path,
			 strerror(errno));
		r = -1;
	} else if (len > CONFIG_MAX_SIZE) {
		snprintf(err, errlen, "%s: file is larger than %d bytes; expected a config.ini", path,
			 CONFIG_MAX_SIZE);
		r = -1;
	} else {
		r = config_parse(path, text, len, cfg, err, errlen);
	}
	fclose(f);
	free(text);
	return r;
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->name);
	free(cfg->start);
	for (size_t i = 0; i < cfg->nsources; i++)
		free(cfg->sources[i]);
	free(cfg->sources);
	free(cfg->cflags);
	for (size_t i = 0; i < cfg->ndevices; i++) {
		free(cfg->devices[i].name);
		for (size_t j = 0; j < cfg->devices[i].nparams; j++) {
			free(cfg->devices[i].params[j].name);
			free(cfg->devices[i].params[j].value);
		}
		free(cfg->devices[i].params);
	}
	free(cfg->devices);
	for (size_t i = 0; i < cfg->nkeys; i++) {
		free(cfg->keys[i].name);
		free(cfg->keys[i].c_name);
		free(cfg->keys[i].default_text);
		free(cfg->keys[i].doc);
	}
	free(cfg->keys);
	for (size_t i = 0; i < cfg->nfiles; i++) {
		free(cfg->files[i].name);
		free(cfg->files[i].command);
	}
	free(cfg->files);
	free(cfg->impl_keys);
	free(cfg->impl_values);
	memset(cfg, 0, sizeof(*cfg));
}

const char *config_device_field(const struct config_device *d, const char *name)
{
	for (size_t i = 0; i < d->nparams; i++) {
		if (strcmp(d->params[i].name, name) == 0)
			return d->params[i].value;
	}
	for (const struct device_field *f = d->cls ? d->cls->fields : NULL; f && f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f->default_value;
	}
	return NULL;
}

int config_find_impl_key(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nimpl_keys; i++) {
		if (strcmp(cfg->impl_keys[i]->name, name) == 0)
			return (int)i;
	}
	return -1;
}

static const char *impl_value_of(void *arg, const char *key)
{
	const struct config *cfg = arg;
	int i = config_find_impl_key(cfg, key);

	return i < 0 ? NULL : cfg->impl_values[i];
}

/* Appends a generic runtime key, unless a device of the same class added it already. */
static void add_generic_key(struct config *cfg, const struct generic_key *g, int line)
{
	char *c_name;

	if (config_find_key(cfg, g->name))
		return;
	c_name = xstrdup(g->name);
	for (char *s = c_name; *s; s++) {
		if (*s == '-')
			*s = '_';
	}
	cfg->keys = grow(cfg->keys, cfg->nkeys, sizeof(*cfg->keys));
	cfg->keys[cfg->nkeys++] = (struct config_key){
		.name = xstrdup(g->name),
		.c_name = c_name,
		.type = g->type,
		.default_text = xstrdup(g->default_text),
		.doc = xstrdup(g->doc),
		.stage = FATA_STAGE_BOTH,
		.line = line,
		.generic = true,
	};
}

int config_resolve(struct config *cfg, unsigned target, const char *const *values, char *err,
		   size_t errlen)
{
	unsigned t = target_index(target);

	free(cfg->impl_values);
	cfg->impl_values = xmalloc((cfg->nimpl_keys ? cfg->nimpl_keys : 1) * sizeof(*cfg->impl_values));
	for (size_t i = 0; i < cfg->nimpl_keys; i++) {
		const struct impl_key *k = cfg->impl_keys[i];
		const struct impl_choice *c;
		char list[256];

		cfg->impl_values[i] = values && values[i] ? values[i] : k->defaults[t];
		c = impl_key_choice(k, cfg->impl_values[i]);
		if (!c) {
			impl_key_choices(k, 0, list, sizeof(list));
			snprintf(err, errlen, "fata: --%s=%s: expected one of: %s", k->name,
				 cfg->impl_values[i], list);
			return -1;
		}
		if (!(c->targets & target)) {
			impl_key_choices(k, target, list, sizeof(list));
			snprintf(err, errlen, "fata: --%s=%s is not available on target %s (%s); "
				 "expected one of: %s", k->name, c->value, target_name(target),
				 c->why ? c->why : "not implemented there", list);
			return -1;
		}
	}
	/* Drop generic keys of an earlier resolution. */
	while (cfg->nkeys > cfg->nuser_keys) {
		struct config_key *k = &cfg->keys[--cfg->nkeys];

		free(k->name);
		free(k->c_name);
		free(k->default_text);
		free(k->doc);
	}
	for (size_t i = 0; i < cfg->ndevices; i++) {
		struct config_device *d = &cfg->devices[i];

		d->impl = NULL;
		for (const struct device_impl *im = d->cls->impls; im->connect && !d->impl; im++) {
			if ((im->targets & target) && when_holds(im->when, impl_value_of, cfg))
				d->impl = im;
		}
		if (!d->impl) {
			snprintf(err, errlen, "%s:%d: device \"%s\" of class %s has no implementation "
				 "for this configuration on target %s; expected other --KEY values",
				 cfg->path, d->line, d->name, d->cls->name, target_name(target));
			return -1;
		}
		for (const struct generic_key *g = d->cls->keys; g && g->name; g++) {
			if ((g->targets & target) && when_holds(g->when, impl_value_of, cfg))
				add_generic_key(cfg, g, d->line);
		}
	}
	return 0;
}

const struct config_key *config_find_key(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nkeys; i++) {
		if (strcmp(cfg->keys[i].name, name) == 0)
			return &cfg->keys[i];
	}
	return NULL;
}

int config_key_off(const struct config *cfg, unsigned target, const char *name, char *why,
		   size_t whylen)
{
	for (size_t i = 0; cfg->impl_values && i < cfg->ndevices; i++) {
		for (const struct generic_key *g = cfg->devices[i].cls->keys; g && g->name; g++) {
			struct buf need = BUF_INIT, have = BUF_INIT;
			const char *s = g->when;

			if (strcmp(g->name, name) != 0 || !(g->targets & target) ||
			    when_holds(g->when, impl_value_of, (void *)cfg))
				continue;
			/* Each KEY=VALUE of `when` that this configuration does not have. */
			while (*s) {
				size_t n = strcspn(s, " ");
				const char *eq = memchr(s, '=', n);

				if (eq) {
					char *key = xstrndup(s, (size_t)(eq - s));
					const char *got = impl_value_of((void *)cfg, key);

					if (!got || strlen(got) != (size_t)(s + n - eq - 1) ||
					    strncmp(got, eq + 1, (size_t)(s + n - eq - 1)) != 0) {
						buf_printf(&need, "%s--%.*s", need.len ? " " : "", (int)n, s);
						buf_printf(&have, "%s--%s=%s", have.len ? " " : "", key,
							   got ? got : "?");
					}
					free(key);
				}
				s += n;
				while (*s == ' ')
					s++;
			}
			snprintf(why, whylen, "it needs %s, and this configuration has %s",
				 buf_str(&need), buf_str(&have));
			buf_free(&need);
			buf_free(&have);
			return 1;
		}
	}
	return 0;
}

const char *config_key_suggest(const struct config *cfg, const char *name,
			       const char *const *extra)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, len = strlen(name);

#define CONSIDER(cand) do { \
		size_t d_ = fata_key_distance(name, len, (cand)); \
		if (fata_key_near(name, len, (cand)) && d_ < bestd) { \
			best = (cand); \
			bestd = d_; \
		} \
	} while (0)
	for (size_t i = 0; cfg && i < cfg->nkeys; i++)
		CONSIDER(cfg->keys[i].name);
	for (size_t i = 0; cfg && i < cfg->nimpl_keys; i++)
		CONSIDER(cfg->impl_keys[i]->name);
	for (size_t i = 0; extra && extra[i]; i++)
		CONSIDER(extra[i]);
#undef CONSIDER
	return best;
}

const char *config_stage_name(enum fata_key_stage stage)
{
	switch (stage) {
	case FATA_STAGE_CONFIGURE:
		return "configure";
	case FATA_STAGE_RUNTIME:
		return "runtime";
	default:
		return "both";
	}
}
