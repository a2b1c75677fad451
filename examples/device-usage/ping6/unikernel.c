/* ping6: logs the stack's IPv6 (and IPv4) addresses and answers ping and ping -6 forever. */
#include <errno.h>
#include <stdint.h>

#include "fata/unikernel.h"

static const char *const states[] = { "none", "tentative", "preferred", "deprecated", "duplicate" };

int start(struct fata_stack *stack)
{
	int64_t wait = fata_key_wait();
	struct fata_ipv6_config c6;
	struct fata_ipv4_config c4 = fata_stack_ipv4(stack);
	char a[FATA_IPV6_STRLEN];
	int r;

	if (c4.addr.addr)
		fata_info("IPv4 address %s/%u", fata_ipv4_format(c4.addr.addr, a),
			  (unsigned)c4.addr.len);
	r = fata_stack_wait_ipv6(stack, fata_monotonic_ns() + FATA_SEC((uint64_t)(wait > 0 ? wait : 0)));
	if (r == -EAFNOSUPPORT) {
		fata_err("the stack has no IPv6 (--ipv4-only?)");
		return 1;
	}
	if (r < 0)
		fata_warn("no global IPv6 address after %lld s: link-local only",
			  (long long)wait);
	c6 = fata_stack_ipv6(stack);
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		if (c6.addrs[i].state == FATA_IPV6_NONE)
			continue;
		fata_info("IPv6 address %s/%u %s%s", fata_ipv6_format(c6.addrs[i].addr.addr, a),
			  (unsigned)c6.addrs[i].addr.len, states[c6.addrs[i].state % 5],
			  c6.addrs[i].autoconf ? " (SLAAC)" : "");
	}
	fata_info("IPv6 router %s, MTU %u", fata_ipv6_format(c6.router, a), (unsigned)c6.mtu);
	fata_info("ready: answering ping and ping -6");
	for (;;)
		fata_sleep_ns(FATA_SEC(3600));
}
