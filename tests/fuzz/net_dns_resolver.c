/* Fuzz harness: any bytes as the response to a query (lib/net/dns_resolver.c). The first byte
 * picks the name and type asked; the response gets the query's ID, so that parsing goes past
 * the ID check. Whatever comes back must be consistent: addresses only on success, at most
 * FATA_DNS_ADDRS_MAX, a NUL-terminated canonical name. */
#include <errno.h>
#include <fata/dns.h>
#include <fata/runtime.h>
#include <stdlib.h>
#include <string.h>

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "fuzz", .keys = no_keys };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "www.fata.test", "alias.fata.test", "a", "x.y.z.w" };
	static uint8_t q[512], m[4096];
	struct fata_dns_result r;
	int qlen, st;

	if (size < 1 || size - 1 > sizeof(m))
		return 0;
	qlen = fata_dns_query(names[data[0] & 3], data[0] & 4 ? FATA_DNS_TYPE_AAAA : FATA_DNS_TYPE_A,
			      0xbeef, q, sizeof(q));
	if (qlen < 0)
		abort();
	memcpy(m, data + 1, size - 1);
	if (size - 1 >= 2) {
		m[0] = 0xbe;
		m[1] = 0xef;
	}
	st = fata_dns_response(q, (size_t)qlen, m, size - 1, &r);
	if ((st == 0) != (r.naddrs > 0) || r.naddrs > FATA_DNS_ADDRS_MAX ||
	    memchr(r.name, 0, sizeof(r.name)) == NULL || r.ncnames > FATA_DNS_CHAIN_MAX)
		abort();
	if (st != 0 && st != -ENOENT && st != -ENODATA && st != -EAGAIN && st != -EBADMSG)
		abort();
	return 0;
}
