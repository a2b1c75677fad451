/* Fuzz harness: any bytes as a sequence of messages to the DHCP server (lib/net/dhcp_server.c).
 * Input: records of two length bytes (big-endian) and the message, each handled one simulated
 * minute after the previous, so leases and offers expire along the way. A reply must fit the
 * buffer, be a BOOTREPLY carrying the request's xid, and go to broadcast or to an address. */
#include <fata/dhcp_server.h>
#include <fata/log.h>
#include <fata/runtime.h>
#include <stdlib.h>
#include <string.h>

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "fuzz", .keys = no_keys };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fata_dhcp_server_config c;
	struct fata_dhcp_server *srv;
	uint8_t reply[576];
	uint64_t now = 0;
	char why[160];

	fata_log_set_spec("quiet");
	memset(&c, 0, sizeof(c));
	c.server = 0xc6120002u;		/* 198.18.0.2/24 */
	c.mask = 0xffffff00u;
	c.range_first = 0xc6120064u;	/* .100-.103: small, so that it runs out */
	c.range_last = 0xc6120067u;
	c.router = 0xc6120001u;
	c.dns[0] = 0xc6120035u;
	strcpy(c.domain, "fata.test");
	c.mtu = 1500;
	c.lease_secs = 120;
	c.max_lease_secs = 600;
	c.nhosts = 1;
	c.hosts[0].mac[0] = 2;
	c.hosts[0].addr = 0xc6120032u;
	srv = fata_dhcp_server_new(&c, why, sizeof(why));
	if (!srv)
		abort();
	while (size >= 2) {
		size_t len = (size_t)data[0] << 8 | data[1];
		uint32_t dst = 0;
		size_t n;

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		n = fata_dhcp_server_input(srv, now, data, len, reply, sizeof(reply), &dst);
		if (n > sizeof(reply) || (n > 0 && (n < 300 || reply[0] != 2 || len < 240 ||
						     memcmp(reply + 4, data + 4, 4) != 0 || dst == 0)))
			abort();
		data += len;
		size -= len;
		now += 60ull * 1000000000ull;
	}
	fata_dhcp_server_free(srv);
	return 0;
}
