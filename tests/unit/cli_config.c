/* The config.ini parser of the fata command: good files, and every error with its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cli/buf.h"
#include "../../cli/config.h"
#include "../../cli/gen.h"
#include "tap.h"

static char err[1024];

static int parse(const char *text, struct config *cfg)
{
	return config_parse("config.ini", text, strlen(text), cfg, err, sizeof(err));
}

/* Parses `text` and checks that it fails with exactly `want`. */
static void bad(const char *text, const char *want)
{
	struct config cfg;
	int r = parse(text, &cfg);

	is_int(r, -1, "rejected: %s", want);
	/* (want is not in the description: GCC would see is_str's NULL check and warn.) */
	is_str(err, want, "its message");
	ok(cfg.name == NULL && cfg.nkeys == 0 && cfg.path == NULL, "config left empty");
}

#define HEAD "[unikernel]\nname = t\n"

static void test_good(void)
{
	struct config cfg;
	const char *text =
		"; a comment\n"
		"# another\n"
		"\n"
		"[unikernel]\n"
		"name = hello-key_2   ; inline comment\n"
		"start = my_start\n"
		"sources = unikernel.c  lib/util.c\n"
		"cflags = -O2 -DX=1\n"
		"\n"
		"  [device time]\n"
		"class = time\n"
		"[device con]\n"
		"  class: console\n"
		"[key hello]\n"
		"type = string\n"
		"default = Hello World!\n"
		"doc = How to say hello.\n"
		"stage = both\n"
		"[key ipv4-gateway]\n"
		"default = 198.18.0.1\n"
		"type = ipv4\n"
		"stage = runtime\n"
		"[key port]\n"
		"type = int\n"
		"default = 0x1F90\n"
		"stage = configure\n"
		"[key empty]\n"
		"type = string\n"
		"default =\n"
		"[file disk.img]\n"
		"command = dd if=/dev/zero of=disk.img count=$((1 << 4)) status=none\n";

	if (!ok(parse(text, &cfg) == 0, "a full config parses"))
		printf("#   %s\n", err);
	is_str(cfg.name, "hello-key_2", "name, inline comment stripped");
	is_str(cfg.start, "my_start", "start");
	is_int(cfg.nsources, 2, "two sources");
	is_str(cfg.sources[1], "lib/util.c", "second source");
	is_str(cfg.cflags, "-O2 -DX=1", "cflags");
	is_int(cfg.ndevices, 2, "two devices");
	is_str(cfg.devices[0].name, "time", "device 0 name");
	is_str(cfg.devices[0].cls->name, "time", "device 0 class");
	is_int(cfg.devices[0].line, 10, "device 0 line (indented header)");
	is_str(cfg.devices[1].cls->c_type, "struct fata_console", "device 1 class, name: value form");
	is_int(cfg.nkeys, 4, "four keys");
	is_str(cfg.keys[0].default_text, "Hello World!", "string default");
	is_str(cfg.keys[0].doc, "How to say hello.", "doc");
	is_int(cfg.keys[0].stage, FATA_STAGE_BOTH, "stage both");
	is_str(cfg.keys[1].c_name, "ipv4_gateway", "C name of a key with -");
	is_int(cfg.keys[1].type, FATA_KEY_IPV4, "type after default");
	is_int(cfg.keys[1].stage, FATA_STAGE_RUNTIME, "stage runtime");
	is_int(cfg.keys[2].stage, FATA_STAGE_CONFIGURE, "stage configure");
	is_str(cfg.keys[3].default_text, "", "empty default");
	is_str(cfg.keys[3].doc, "", "absent doc is empty");
	is_int(cfg.nfiles, 1, "one file");
	is_str(cfg.files[0].command, "dd if=/dev/zero of=disk.img count=$((1 << 4)) status=none",
	       "file command");
	ok(config_find_key(&cfg, "port") == &cfg.keys[2], "config_find_key");
	ok(config_find_key(&cfg, "nope") == NULL, "config_find_key, absent");
	config_free(&cfg);

	ok(parse("[unikernel]\nname = noop\n", &cfg) == 0, "minimal config parses");
	is_str(cfg.start, "start", "start defaults to start");
	is_int(cfg.nsources, 1, "one default source");
	is_str(cfg.sources[0], "unikernel.c", "default source unikernel.c");
	is_str(cfg.cflags, "", "cflags default empty");
	is_int(cfg.ndevices + cfg.nkeys + cfg.nfiles, 0, "nothing else");
	config_free(&cfg);

	ok(parse("\xEF\xBB\xBF[unikernel]\r\nname = crlf\r\n", &cfg) == 0, "BOM and CRLF lines parse");
	is_str(cfg.name, "crlf", "name without CR");
	config_free(&cfg);

	ok(parse("[unikernel]\nname = multi\n[key a]\ntype = bool\ndefault = yes\n"
		 "    doc = indented, not a continuation\n", &cfg) == 0,
	   "indented field is a field, not a continuation line");
	is_str(cfg.keys[0].doc, "indented, not a continuation", "indented doc");
	config_free(&cfg);
}

static void test_long_lines(void)
{
	struct buf b = BUF_INIT;
	struct config cfg;
	char line[256];

	/* 197 characters is the longest line inih's 200-byte buffer takes whole. */
	memset(line, 'x', sizeof(line));
	buf_puts(&b, HEAD "[key k]\ntype = string\ndefault = ");
	buf_put(&b, line, 197 - strlen("default = "));
	buf_puts(&b, "\n");
	ok(parse(buf_str(&b), &cfg) == 0, "a 197-character line is fine");
	if (cfg.nkeys)
		is_int(strlen(cfg.keys[0].default_text), 187, "its value is whole");
	config_free(&cfg);
	buf_free(&b);

	buf_puts(&b, HEAD "[key k]\ntype = string\ndefault = ");
	buf_put(&b, line, 198 - strlen("default = "));
	buf_puts(&b, "\n[key ok]\n");
	bad(buf_str(&b), "config.ini:5: line is 198 characters long; expected at most 197");
	buf_free(&b);

	/* Also without a final newline, and far longer than the buffer. */
	buf_puts(&b, HEAD "doc = ");
	for (int i = 0; i < 10; i++)
		buf_put(&b, line, 100);
	bad(buf_str(&b), "config.ini:3: line is 1006 characters long; expected at most 197");
	buf_free(&b);

	{
		static const char nul[] = "[unikernel]\nname = a\0b\n";
		int r = config_parse("config.ini", nul, sizeof(nul) - 1, &cfg, err, sizeof(err));

		is_int(r, -1, "NUL byte rejected");
		is_str(err, "config.ini:2: line contains a NUL byte; expected text", "NUL message");
	}
}

static void test_errors(void)
{
	bad("", "config.ini: missing [unikernel] name; expected name = NAME in a [unikernel] section");
	bad("[unikernel]\nstart = go\n",
	    "config.ini: missing [unikernel] name; expected name = NAME in a [unikernel] section");
	bad("name = x\n", "config.ini:1: \"name = x\" is outside any section; expected a [unikernel], "
	    "[device NAME], [key NAME] or [file NAME] line before it");
	bad(HEAD "[frob]\n", "config.ini:3: unknown section [frob]; expected [unikernel], "
	    "[device NAME], [key NAME] or [file NAME]");
	bad(HEAD "[unikernel]\n", "config.ini:3: duplicate section [unikernel] (first defined at line 1)");
	bad("[unikernel x]\n", "config.ini:1: section [unikernel] takes no name; expected [unikernel]");
	bad(HEAD "[device]\n", "config.ini:3: section [device] has no name; expected [device NAME]");
	bad(HEAD "[key x\n", "config.ini:3: section line has no closing ]; expected [SECTION]");
	bad(HEAD "[key x] y\n",
	    "config.ini:3: text after the section's ]; expected [SECTION] alone on its line");
	bad(HEAD "just words\n",
	    "config.ini:3: expected NAME = VALUE, [SECTION], a comment or an empty line");
	bad(HEAD "colour = red\n", "config.ini:3: unknown field \"colour\" in [unikernel]; expected "
	    "one of: name, start, sources, cflags");
	bad(HEAD "name = u\n",
	    "config.ini:3: duplicate field \"name\" in [unikernel] (first set at line 2)");
	bad("[unikernel]\nname = Hello\n", "config.ini:2: unikernel name \"Hello\" is not valid; "
	    "expected 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit");
	bad(HEAD "start = 9lives\n", "config.ini:3: start function \"9lives\" is not a C identifier; "
	    "expected letters, digits and _, not starting with a digit (at most 63)");
	bad(HEAD "start = main\n", "config.ini:3: start function \"main\" is reserved in C or by fata; "
	    "expected another name");
	bad(HEAD "sources = a.c ../b.c\n", "config.ini:3: source \"../b.c\" is not valid; expected a "
	    "relative path of letters, digits and ._+-/ ending in .c, outside fata/, dist/ and _build/");
	bad(HEAD "sources = fata/main.c\n", "config.ini:3: source \"fata/main.c\" is not valid; expected "
	    "a relative path of letters, digits and ._+-/ ending in .c, outside fata/, dist/ and _build/");
	bad(HEAD "sources = a.c a.c\n",
	    "config.ini:3: source \"a.c\" is listed twice; expected each file once");
	bad(HEAD "sources =\n", "config.ini:3: sources is empty; expected space-separated C files, "
	    "e.g. sources = unikernel.c");

	/* Devices. */
	bad(HEAD "\n[device time]\nclass = time\n\n\n\nclass = blok\n",
	    "config.ini:9: duplicate field \"class\" in [device time] (first set at line 5)");
	bad(HEAD "[device time]\n\n\n\nclass = blok\n",
	    "config.ini:7: unknown device class \"blok\"; expected one of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random");
	bad(HEAD "[device time]\nclas = time\n",
	    "config.ini:4: unknown field \"clas\" in [device time]; expected one of: class");
	bad(HEAD "[device time]\n[device c]\nclass = console\n",
	    "config.ini:3: [device time] has no class; expected class = one of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random");
	bad(HEAD "[device time]\n", "config.ini:3: [device time] has no class; expected class = one "
	    "of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random");
	bad(HEAD "[device storage]\nfile = disk.img\n", "config.ini:3: [device storage] has no class; "
	    "expected class = one of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random");
	bad(HEAD "[device 2fast]\nclass = time\n", "config.ini:3: device name \"2fast\" is not a C "
	    "identifier; expected letters, digits and _, not starting with a digit (at most 63)");
	bad(HEAD "[device my-time]\nclass = time\n", "config.ini:3: device name \"my-time\" is not a C "
	    "identifier; expected letters, digits and _, not starting with a digit (at most 63)");
	bad(HEAD "[device int]\nclass = time\n",
	    "config.ini:3: device name \"int\" is reserved in C or by fata; expected another name");
	bad(HEAD "[device fata_x]\nclass = time\n",
	    "config.ini:3: device name \"fata_x\" is reserved in C or by fata; expected another name");
	bad(HEAD "[device t]\nclass = time\n[device t]\nclass = time\n",
	    "config.ini:5: duplicate device \"t\" (first defined at line 3)");
	bad(HEAD "[device start]\nclass = time\n", "config.ini:3: device name \"start\" is also the "
	    "start function's name; expected another name");

	/* Class fields: block needs file, other classes take none. */
	bad(HEAD "[device storage]\nclass = block\n",
	    "config.ini:3: [device storage] has no file; expected file = PATH, the backing file on unix "
	    "(hvt and spt: the tender's --block:NAME=PATH)");
	bad(HEAD "[device storage]\nfile =\nclass = block\n",
	    "config.ini:4: file of [device storage] is empty; expected PATH, the backing file on unix "
	    "(hvt and spt: the tender's --block:NAME=PATH)");
	bad(HEAD "[device time]\nfile = disk.img\nclass = time\n",
	    "config.ini:4: unknown field \"file\" in [device time]; expected one of: class");
	bad(HEAD "[device storage]\nclass = block\nfile = a\nsize = 3\n",
	    "config.ini:6: unknown field \"size\" in [device storage]; expected one of: class, file");
	bad(HEAD "[device storage]\nclass = block\nfile = a\nfile = b\n",
	    "config.ini:6: duplicate field \"file\" in [device storage] (first set at line 5)");
	bad(HEAD "[device my_disk]\nclass = block\nfile = a\n", "config.ini:3: device name "
	    "\"my_disk\" cannot name a Solo5 manifest entry; expected letters and digits only (at "
	    "most 67)");

	/* Keys. */
	bad("[key hello]\ntype = string\ndefault = a\n[key x]\ntype = int\ndefault = 1\n"
	    "[key hello]\ntype = string\ndefault = b\n",
	    "config.ini:7: duplicate key \"hello\" (first defined at line 1)");
	bad(HEAD "[key Hello]\n", "config.ini:3: key name \"Hello\" is not valid; expected 1-63 "
	    "characters of a-z, 0-9, _ and -, starting with a letter");
	bad(HEAD "[key 1x]\n", "config.ini:3: key name \"1x\" is not valid; expected 1-63 "
	    "characters of a-z, 0-9, _ and -, starting with a letter");
	bad(HEAD "[key help]\n", "config.ini:3: key name \"help\" is reserved (every unikernel takes "
	    "--help); expected another name");
	bad(HEAD "[key target]\n", "config.ini:3: key name \"target\" is reserved (fata configure "
	    "takes --target); expected another name");
	bad(HEAD "[key a-b]\ntype = int\ndefault = 1\n[key a_b]\n", "config.ini:6: key \"a_b\" has "
	    "the same C name fata_key_a_b as key \"a-b\" (line 3); expected names that differ in more "
	    "than - and _");
	bad(HEAD "[key port]\ntype = integer\n", "config.ini:4: unknown key type \"integer\"; expected "
	    "one of: string, int, bool, ipv4, ipv4-prefix");
	bad(HEAD "[key port]\ndefault = 80\n", "config.ini:3: [key port] has no type; expected "
	    "type = one of: string, int, bool, ipv4, ipv4-prefix");
	bad(HEAD "[key port]\ntype = int\n[unikernel]\n",
	    "config.ini:3: [key port] has no default; expected default = VALUE");
	bad(HEAD "[key port]\ntype = int\ndoc = The port.\n\n\n\n\n\n\ndefault = abc\n",
	    "config.ini:12: default \"abc\" of key \"port\" is not an integer");
	bad(HEAD "[key port]\ndefault = 99999999999999999999\ntype = int\n",
	    "config.ini:4: default \"99999999999999999999\" of key \"port\" is not an integer");
	bad(HEAD "[key flag]\ntype = bool\ndefault = maybe\n",
	    "config.ini:5: default \"maybe\" of key \"flag\" is not true or false");
	bad(HEAD "[key ip]\ntype = ipv4\ndefault = 10.0.0.256\n", "config.ini:5: default "
	    "\"10.0.0.256\" of key \"ip\" is not an IPv4 address like 198.18.0.2");
	bad(HEAD "[key net]\ntype = ipv4-prefix\ndefault = 10.0.0.1\n", "config.ini:5: default "
	    "\"10.0.0.1\" of key \"net\" is not an IPv4 address and prefix length like 198.18.0.2/24");
	bad(HEAD "[key k]\ntype = int\ndefault = 1\nstage = sometimes\n", "config.ini:6: unknown stage "
	    "\"sometimes\" of key \"k\"; expected one of: configure, runtime, both");
	bad(HEAD "[key k]\ntype = int\ndefault = 1\nvalue = 2\n", "config.ini:6: unknown field "
	    "\"value\" in [key k]; expected one of: type, default, doc, stage");

	/* Files. */
	bad(HEAD "[file ../etc/passwd]\ncommand = true\n", "config.ini:3: file name \"../etc/passwd\" "
	    "is not valid; expected a relative path of letters, digits and ._+-/ without . or .. "
	    "components");
	bad(HEAD "[file /tmp/x]\ncommand = true\n", "config.ini:3: file name \"/tmp/x\" is not valid; "
	    "expected a relative path of letters, digits and ._+-/ without . or .. components");
	bad(HEAD "[file Makefile]\ncommand = true\n", "config.ini:3: file name \"Makefile\" is "
	    "reserved (fata writes or removes it); expected another name");
	bad(HEAD "[file dist/x]\ncommand = true\n", "config.ini:3: file name \"dist/x\" is reserved "
	    "(fata writes or removes it); expected another name");
	bad(HEAD "[file d.img]\n", "config.ini:3: [file d.img] has no command; expected command = a "
	    "shell command that creates d.img");
	bad(HEAD "[file d.img]\ncommand =\n", "config.ini:4: command of [file d.img] is empty; "
	    "expected a shell command that creates d.img");
	bad(HEAD "[file d.img]\ncommand = a\n[file d.img]\ncommand = b\n",
	    "config.ini:5: duplicate file \"d.img\" (first defined at line 3)");
	bad(HEAD "sources = gen.c\n[file gen.c]\ncommand = touch gen.c\n",
	    "config.ini:4: file \"gen.c\" is also a source; expected a file that make creates");
}

static void test_first_error_wins(void)
{
	/* Parsing stops at the first error: later ones are not reported. */
	bad(HEAD "[device a]\nclass = blok\n[device 9]\n",
	    "config.ini:4: unknown device class \"blok\"; expected one of: time, console, block, kv_ro, stackv4, stackv4v6, stackv6, random");
}

static void test_load(void)
{
	struct config cfg;
	char path[] = "/tmp/fata-cli-config-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "[unikernel]\nname = fromfile\n";

	ok(fd >= 0, "temporary file");
	ok(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1, "written");
	close(fd);
	ok(config_load(path, &cfg, err, sizeof(err)) == 0, "config_load reads a file");
	is_str(cfg.name, "fromfile", "name from the file");
	config_free(&cfg);
	unlink(path);
	is_int(config_load(path, &cfg, err, sizeof(err)), -1, "missing file fails");
	ok(strstr(err, ": cannot open: No such file or directory; expected the unikernel's config "
		  "file") != NULL, "missing file message: %s", err);
}

static void test_file_names(void)
{
	ok(config_file_name_valid("disk.img"), "disk.img");
	ok(config_file_name_valid("data/disk-1_a+b.img"), "sub/dir name");
	ok(!config_file_name_valid(""), "empty");
	ok(!config_file_name_valid("a//b"), "empty component");
	ok(!config_file_name_valid("./a"), ". component");
	ok(!config_file_name_valid("a/.."), ".. component");
	ok(!config_file_name_valid("a b"), "space");
	ok(!config_file_name_valid("a$b"), "dollar");
	ok(config_file_name_valid("..a"), "..a is a name");
}

/* The generators on a config that exercises escaping. */
static void test_gen(void)
{
	struct config cfg;
	struct buf b = BUF_INIT;
	const char *values[3] = { NULL, "42", NULL };
	const char *args[] = { "-t", "hvt", "--port=42" };
	struct plan plan = {
		.cfg = &cfg,
		.config_name = "config.ini",
		.target = TARGET_HVT,
		.values = values,
		.args = args,
		.nargs = 3,
		.fata = "/opt/fata/bin/fata",
		.fata_home = "/opt/fata/lib/fata",
	};
	const char *text =
		"[unikernel]\nname = esc\ncflags = -DA=1 # not a comment\n"
		"[device console]\nclass = console\n[device t]\nclass = time\n"
		"[key msg]\ntype = string\ndefault = say \"hi\"\\n ?\?= */\ndoc = A */ doc\n"
		"[key port]\ntype = int\ndefault = 1\nstage = configure\n"
		"[key net]\ntype = ipv4-prefix\ndefault = 198.18.0.2/24\nstage = runtime\n"
		"[file disk.img]\ncommand = echo $HOME > disk.img\n";

	if (!ok(parse(text, &cfg) == 0, "generator input parses"))
		return;
	ok(config_resolve(&cfg, TARGET_HVT, NULL, err, sizeof(err)) == 0, "resolves for hvt");
	gen_main_c(&b, &plan);
	ok(strstr(buf_str(&b), ".default_text = \"say \\\"hi\\\"\\\\n ?\\?= */\",") != NULL,
	   "string escaped in main.c");
	ok(strstr(buf_str(&b), ".default_text = \"42\",") != NULL, "configure-time value used");
	ok(strstr(buf_str(&b), ".stage = FATA_STAGE_RUNTIME,") != NULL, "stage enum");
	ok(strstr(buf_str(&b), "struct fata_ipv4_prefix fata_key_net(void)\n{\n\treturn "
		  "keys[2].value.prefix;\n}") != NULL, "prefix accessor");
	ok(strstr(buf_str(&b), "return start(console, t);") != NULL, "start called in order");
	ok(strstr(buf_str(&b), ".target = \"hvt\",") != NULL, "target");
	ok(strstr(buf_str(&b), ".nkeys = 3,") != NULL, "nkeys");
	buf_free(&b);

	gen_unikernel_h(&b, &plan);
	ok(strstr(buf_str(&b), "int start(struct fata_console *console, struct fata_time *t);") != NULL,
	   "start prototype");
	ok(strstr(buf_str(&b), "A * / doc */\n") != NULL, "comment terminator in doc defused");
	ok(strstr(buf_str(&b), "#include <fata/console.h>\n#include <fata/time.h>\n") != NULL,
	   "device headers");
	ok(strstr(buf_str(&b), "int64_t fata_key_port(void);") != NULL, "int accessor");
	buf_free(&b);

	gen_makefile(&b, &plan);
	ok(strncmp(buf_str(&b), GEN_MAKEFILE_MARKER "\n", strlen(GEN_MAKEFILE_MARKER) + 1) == 0,
	   "Makefile marker first");
	ok(strstr(buf_str(&b), "CFLAGS_EXTRA := -DA=1 \\# not a comment\n") != NULL, "# escaped");
	ok(strstr(buf_str(&b), "disk.img:\n\t$(call msg,GEN,disk.img)\n\t$(Q)echo $$HOME > disk.img\n") != NULL, "$ doubled in rule");
	ok(strstr(buf_str(&b), "TARGET := hvt\n") != NULL, "TARGET");
	buf_free(&b);

	gen_manifest_c(&b, &plan);
	ok(strstr(buf_str(&b), "#define MFT_ENTRIES 1\n#include <mft_abi.h>\n") != NULL,
	   "manifest: only the reserved entry");
	ok(strstr(buf_str(&b), "MFT1_NOTE_DECLARE_BEGIN\n") != NULL &&
	   strstr(buf_str(&b), "MFT1_NOTE_DECLARE_END\n") != NULL, "manifest note declared");
	buf_free(&b);

	gen_configure_args(&b, &plan);
	is_str(buf_str(&b), "-t\nhvt\n--port=42\n", "configure.args");
	buf_free(&b);
	config_free(&cfg);

	ok(parse("[unikernel]\nname = blk\n[device disk0]\nfile = d \"1\".img\nclass = block\n"
		 "[device t]\nclass = time\n[device disk1]\nclass = block\nfile = e.img\n", &cfg) == 0,
	   "block devices parse, file before class");
	ok(config_resolve(&cfg, TARGET_HVT, NULL, err, sizeof(err)) == 0, "resolves");
	is_str(config_device_field(&cfg.devices[0], "file"), "d \"1\".img", "block file field");
	ok(config_device_field(&cfg.devices[1], "file") == NULL, "time has no file");
	plan.values = NULL;
	gen_main_c(&b, &plan);
	ok(strstr(buf_str(&b), "\tdisk0 = fata_block_connect(\"disk0\", \"d \\\"1\\\".img\");\n") != NULL,
	   "block connect with name and escaped file");
	ok(strstr(buf_str(&b), "\tstruct fata_block *disk0;\n\tstruct fata_time *t;\n") != NULL,
	   "device declarations");
	buf_free(&b);
	gen_manifest_c(&b, &plan);
	ok(strstr(buf_str(&b), "#define MFT_ENTRIES 3\n") != NULL,
	   "manifest: reserved entry and two blocks");
	ok(strstr(buf_str(&b), "\t{ .name = \"\", .type = MFT_RESERVED_FIRST },\n"
			      "\t{ .name = \"disk0\", .type = MFT_DEV_BLOCK_BASIC },\n"
			      "\t{ .name = \"disk1\", .type = MFT_DEV_BLOCK_BASIC },\n") != NULL,
	   "manifest: block entries in declaration order, after the reserved one");
	buf_free(&b);
	gen_unikernel_h(&b, &plan);
	ok(strstr(buf_str(&b), "#include <fata/block.h>\n#include <fata/time.h>\n#include <fata/fata.h>")
	   == NULL && strstr(buf_str(&b), "#include <fata/block.h>\n#include <fata/time.h>\n") != NULL,
	   "each device header once, in order");
	buf_free(&b);
	config_free(&cfg);

	ok(parse("[unikernel]\nname = nokeys\n", &cfg) == 0, "no keys parses");
	ok(config_resolve(&cfg, TARGET_HVT, NULL, err, sizeof(err)) == 0, "resolves");
	gen_main_c(&b, &plan);
	ok(strstr(buf_str(&b), "static struct fata_key keys[1];") != NULL, "dummy key array");
	ok(strstr(buf_str(&b), ".nkeys = 0,") != NULL, "nkeys 0");
	ok(strstr(buf_str(&b), "\treturn start();\n") != NULL, "start without devices");
	buf_free(&b);
	gen_unikernel_h(&b, &plan);
	ok(strstr(buf_str(&b), "int start(void);") != NULL, "prototype without devices");
	buf_free(&b);
	config_free(&cfg);
}

/* A string of n copies of c (n < 300). */
static const char *run_of(char c, size_t n)
{
	static char s[4][300];
	static int k;
	char *r = s[k++ % 4];

	memset(r, c, n);
	r[n] = '\0';
	return r;
}

/* A config.ini of exactly `size` bytes (a valid head, then comment lines) at a temporary path. */
static int load_of_size(size_t size, struct config *cfg)
{
	char path[] = "/tmp/fata-cli-config.XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	size_t n = strlen(HEAD);

	if (!f)
		return -2;
	fputs(HEAD, f);
	while (n < size) {
		size_t line = size - n > 100 ? 100 : size - n;

		if (line > 1)
			fprintf(f, "#%s\n", run_of('x', line - 2));
		else
			fputc('\n', f);
		n += line;
	}
	fclose(f);
	r = config_load(path, cfg, err, sizeof(err));
	unlink(path);
	return r;
}

/* Every length limit at the limit, one below and one above. */
static void test_name_limits(void)
{
	struct buf b = BUF_INIT;
	struct config cfg;

	for (size_t n = 62; n <= 64; n++) {
		buf_free(&b);
		buf_puts(&b, "[unikernel]\nname = ");
		buf_puts(&b, run_of('u', n));
		buf_puts(&b, "\n");
		is_int(parse(buf_str(&b), &cfg), n <= 63 ? 0 : -1, "a unikernel name of %zu", n);
		config_free(&cfg);

		buf_free(&b);
		buf_puts(&b, HEAD "start = ");
		buf_puts(&b, run_of('s', n));
		buf_puts(&b, "\n");
		is_int(parse(buf_str(&b), &cfg), n <= 63 ? 0 : -1, "a start function of %zu", n);
		config_free(&cfg);

		buf_free(&b);
		buf_puts(&b, HEAD "[device ");
		buf_puts(&b, run_of('d', n));
		buf_puts(&b, "]\nclass = time\n");
		is_int(parse(buf_str(&b), &cfg), n <= 63 ? 0 : -1, "a device name of %zu", n);
		config_free(&cfg);
	}
	ok(strstr(err, "(at most 63)") != NULL, "the 64-character device name's message");
	buf_free(&b);

	ok(mft_name_valid(run_of('M', 66)) && mft_name_valid(run_of('M', 67)),
	   "manifest names of 66 and 67 characters");
	ok(!mft_name_valid(run_of('M', 68)), "a manifest name of 68 characters is refused");
	ok(config_file_name_valid(run_of('f', 254)) && config_file_name_valid(run_of('f', 255)),
	   "file names of 254 and 255 characters");
	ok(!config_file_name_valid(run_of('f', 256)), "a file name of 256 characters is refused");

	is_int(load_of_size(CONFIG_MAX_SIZE - 1, &cfg), 0, "a config.ini of 1 MiB - 1 bytes loads");
	config_free(&cfg);
	is_int(load_of_size(CONFIG_MAX_SIZE, &cfg), 0, "a config.ini of exactly 1 MiB loads");
	config_free(&cfg);
	is_int(load_of_size(CONFIG_MAX_SIZE + 1, &cfg), -1, "a config.ini of 1 MiB + 1 bytes: refused");
	ok(strstr(err, "file is larger than 1048576 bytes") != NULL, "its message");
}

int main(void)
{
	test_good();
	test_long_lines();
	test_errors();
	test_first_error_wins();
	test_load();
	test_file_names();
	test_name_limits();
	test_gen();
	return tap_done();
}
