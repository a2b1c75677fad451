/* Fuzz harness: any bytes as a DNS query to the responder (lib/net/dns.c). An answer must fit
 * 512 bytes, be a response, and carry the query's ID. */
#include <fata/dns.h>
#include <fata/runtime.h>
#include <stdlib.h>
#include <string.h>

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "fuzz", .keys = no_keys };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fata_dns_zone z;
	static int ready;
	uint8_t resp[FATA_DNS_UDP_MAX];
	char why[160];
	size_t n;

	if (!ready && fata_dns_zone_parse(&z, "fata.test", "@=198.18.0.2,www=198.18.0.3,a.b=198.18.0.4",
					  300, why, sizeof(why)) == 0)
		ready = 1;
	n = fata_dns_answer(&z, data, size, resp, sizeof(resp));
	if (n > sizeof(resp) || (n > 0 && (n < 12 || !(resp[2] & 0x80) || memcmp(resp, data, 2))))
		abort();
	return 0;
}
