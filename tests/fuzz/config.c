/*
 * Fuzz harness of config.ini through the fata command's parser (cli/config.c on libinih): parses
 * the input as a config.ini; when it is accepted, resolves it for each target with the default
 * implementations, as fata configure does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/config.h"
#include "../../cli/devices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	static const unsigned targets[] = { TARGET_UNIX, TARGET_HVT, TARGET_SPT };

	for (unsigned t = 0; t < 3; t++) {
		unsigned target = targets[t];
		struct config cfg;
		const char **values;

		if (config_parse("config.ini", (const char *)data, size, &cfg, err, sizeof err) < 0) {
			if (memchr(err, 0, sizeof err) == NULL)
				abort();	/* the message must be a string */
			return 0;
		}
		values = calloc(cfg.nimpl_keys + 1, sizeof *values);
		if (!values)
			abort();
		(void)config_resolve(&cfg, target, (const char *const *)values, err, sizeof err);
		free(values);
		config_free(&cfg);
	}
	return 0;
}
