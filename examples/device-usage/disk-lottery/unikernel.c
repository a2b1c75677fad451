/* A lottery on a disk: random sectors get random tickets, one of them wins, and the winner
 * stays on the disk for the next run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fata/unikernel.h"

#define MAX_DRAWS 64
#define MAGIC "fata disk lottery"

/* A ticket as stored at the start of its sector (text, so that a hex dump reads it). */
static void ticket_text(char *buf, size_t len, uint64_t sector, uint64_t number)
{
	snprintf(buf, len, MAGIC " sector %" PRIu64 " ticket %016" PRIx64 "\n", sector, number);
}

int start(struct fata_block *storage, struct fata_random *rng)
{
	struct fata_block_info info;
	int64_t draws = fata_key_draws();
	uint64_t sectors[MAX_DRAWS], numbers[MAX_DRAWS];
	unsigned char *buf;
	char want[128];
	int err, bad = 0;
	uint32_t w;

	fata_block_info(storage, &info);
	if (draws < 1 || draws > MAX_DRAWS || (uint64_t)draws >= info.sectors) {
		fata_err("--draws=%" PRId64 ": expected 1 to %d, and fewer than the disk's %" PRIu64
			 " sectors", draws, MAX_DRAWS, info.sectors);
		return 1;
	}
	buf = calloc(1, info.sector_size);
	if (!buf || info.sector_size < sizeof(want)) {
		fata_err("sector size %u: too small, or out of memory", info.sector_size);
		free(buf);
		return 1;
	}
	/* Sector 0 holds the previous winner. */
	if ((err = fata_block_read(storage, 0, buf, info.sector_size)) < 0) {
		fata_err("reading sector 0: %s", strerror(-err));
		goto fail;
	}
	buf[info.sector_size - 1] = 0;
	if (memcmp(buf, MAGIC, strlen(MAGIC)) == 0)
		fata_info("previous winner: %.*s", (int)strcspn((char *)buf, "\n"), (char *)buf);
	else
		fata_info("no previous winner: a fresh disk of %" PRIu64 " sectors", info.sectors);

	for (int64_t i = 0; i < draws; i++) {
		bool again;

		/* Distinct sectors from 1 on (0 is the winner's). */
		do {
			sectors[i] = 1 + fata_random_uniform(rng, (uint32_t)(info.sectors - 1));
			again = false;
			for (int64_t j = 0; j < i; j++)
				again |= sectors[j] == sectors[i];
		} while (again);
		numbers[i] = fata_random_u64(rng);
		memset(buf, 0, info.sector_size);
		ticket_text((char *)buf, info.sector_size, sectors[i], numbers[i]);
		if ((err = fata_block_write(storage, sectors[i], buf, info.sector_size)) < 0) {
			fata_err("writing sector %" PRIu64 ": %s", sectors[i], strerror(-err));
			goto fail;
		}
	}
	for (int64_t i = 0; i < draws; i++) {
		if ((err = fata_block_read(storage, sectors[i], buf, info.sector_size)) < 0) {
			fata_err("reading sector %" PRIu64 ": %s", sectors[i], strerror(-err));
			goto fail;
		}
		ticket_text(want, sizeof(want), sectors[i], numbers[i]);
		if (memcmp(buf, want, strlen(want) + 1) != 0) {
			fata_err("sector %" PRIu64 " does not hold its ticket", sectors[i]);
			bad++;
		}
	}
	fata_info("%" PRId64 " tickets written to random sectors and read back, %d wrong", draws, bad);
	if (bad)
		goto fail;
	w = fata_random_uniform(rng, (uint32_t)draws);
	memset(buf, 0, info.sector_size);
	ticket_text((char *)buf, info.sector_size, sectors[w], numbers[w]);
	if ((err = fata_block_write(storage, 0, buf, info.sector_size)) < 0 ||
	    (err = fata_block_flush(storage)) < 0) {
		fata_err("recording the winner: %s", strerror(-err));
		goto fail;
	}
	fata_info("winner: " MAGIC " sector %" PRIu64 " ticket %016" PRIx64, sectors[w], numbers[w]);
	free(buf);
	return 0;
fail:
	free(buf);
	return 1;
}
