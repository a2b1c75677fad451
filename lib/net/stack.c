/*
 * The stack device: assembles Ethernet, ARP, IPv4, ICMP, UDP, TCP and the DHCP client on an
 * interface, runs the input fiber that hands each frame up the layers, and keeps the counters.
 * Its calls that take the stack are the direct stack's ops table (stack_impl.h, net.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fata/time.h>

#include "prot/ethernet.h"
#include "stack.h"
#include "stack_impl.h"

FATA_LOG_SOURCE(log_stack, "tcpip-stack-direct");
FATA_LOG_SOURCE(log_ethif, "ethif");
FATA_LOG_SOURCE(log_arpv4, "arpv4");
FATA_LOG_SOURCE(log_ipv4, "ipv4");
FATA_LOG_SOURCE(log_icmp, "icmp");
FATA_LOG_SOURCE(log_udp, "udp");
FATA_LOG_SOURCE(log_tcp, "tcp");
FATA_LOG_SOURCE(log_dhcp, "dhcp");
FATA_LOG_SOURCE(log_ipv6, "ipv6");
FATA_LOG_SOURCE(log_icmpv6, "icmpv6");

/* Frames handled in a row before the input fiber lets the others run. */
#define INPUT_BURST 32
/* Frames read at once on an interface with batches (fata_netif_batch()), and the most memory
 * their buffers may take (with offloads each holds 64 KiB, so fewer of them). */
#define RX_BATCH_MAX 16
#define RX_BATCH_BYTES (256 * 1024)
/* Receive room beyond mtu + 14, so that an oversized frame shows as one rather than being cut. */
#define RX_SLACK 64

struct net_tunables net_tunables_default = {
	.arp_ttl_ns = FATA_SEC(60),
	.arp_retry_ns = FATA_SEC(1),
	.arp_retries = 3,
	.reasm_timeout_ns = FATA_SEC(30),
	.reasm_max = 8,
	.icmp_rate = 10,
	.icmp_burst = 10,
	.udp_queue_bytes = 64 * 1024,
	.dhcp_unit_ns = FATA_SEC(1),
	.tcp_snd_buf = 64 * 1024,
	.tcp_rcv_buf = 64 * 1024,
	.tcp_buf_max = 1024 * 1024,
	.tcp_grow_total = 8 * 1024 * 1024,
	.tcp_ooo_max = 64 * 1024,
	.tcp_max_conns = 1024,
	.tcp_backlog = 128,
	.tcp_msl_ns = FATA_SEC(30),
	.tcp_rto_initial_ns = FATA_SEC(1),
	.tcp_rto_min_ns = FATA_MS(200),
	.tcp_rto_max_ns = FATA_SEC(60),
	.tcp_retries = 15,
	.tcp_syn_retries = 6,
	.tcp_delack_ns = FATA_MS(40),
	.tcp_fin_timeout_ns = FATA_SEC(60),
	.tcp_keepalive_ns = 0,
	.tcp_keepalive_intvl_ns = FATA_SEC(75),
	.tcp_keepalive_probes = 9,
	.tcp_challenge_acks = 1000,
	.tcp_timestamps = true,
	.tcp_window_scaling = true,
	.tcp_sack = true,
	.tcp_syncookies = true,
	.tcp_pressure_warn_ns = FATA_SEC(60),
	.ipv6_reasm_timeout_ns = FATA_SEC(60),
	.nd_reachable_ns = FATA_SEC(30),
	.nd_retrans_ns = FATA_SEC(1),
	.nd_retries = 3,
	.nd_delay_ns = FATA_SEC(5),
	.dad_transmits = 1,
	.dad_delay_ns = FATA_SEC(1),
	.rs_interval_ns = FATA_SEC(4),
	.rs_count = 3,
	.pmtu_ttl_ns = FATA_SEC(600),
};

void net_log_drop(struct fata_log_src *src, unsigned long long count, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fata_log(src, FATA_LOG_DEBUG, "dropped: %s (%llu so far)", msg, count);
}

uint32_t net_random(struct fata_random *rng)
{
	return fata_random_u32(rng);
}

/* --- making and freeing ------------------------------------------------------------------------ */

static const struct stack_ops direct_ops;
static void direct_disconnect(struct fata_stack *s);

struct fata_stack *stack_new(struct fata_netif *netif, const char *name)
{
	struct fata_stack *s = calloc(1, sizeof(*s));
	char mac[FATA_MAC_STRLEN];

	if (!s)
		goto fail;
	s->ops = &direct_ops;
	/* ISNs, ports and ids come from the CSPRNG; without a source the stack does not start. */
	s->rng = fata_random_default();
	if (!s->rng)
		goto fail_random;
	s->name = name ? name : "stack";
	s->tun = net_tunables_default;
	if (eth_init(&s->eth, netif) < 0)
		goto fail;
	/* With offloads a frame has a header in front and may be a 64 KiB coalesced segment. */
	s->rx_cap = s->eth.vnet ? FATA_VNET_HDR_LEN + FATA_VNET_FRAME_MAX
				: (size_t)s->eth.mtu + ETH_HDR_LEN + RX_SLACK;
	/* Several frames per turn even one by one (fata_netif_read_many() reads until none is left),
	 * so that what they cause goes out together and the clock is read once for them. */
	s->rx_n = RX_BATCH_MAX;
	if (s->rx_n > RX_BATCH_BYTES / s->rx_cap)
		s->rx_n = RX_BATCH_BYTES / s->rx_cap > 1 ? (unsigned)(RX_BATCH_BYTES / s->rx_cap) : 1;
	s->rx_cap = (s->rx_cap + 63) & ~(size_t)63;
	s->rx_buf = malloc(s->rx_n * s->rx_cap);
	if (!s->rx_buf)
		goto fail;
	/* Bottom up: each layer registers its input with the one below. */
	arp_init(&s->arp, &s->eth, &s->tun);
	ipv4_init(&s->ip, &s->arp, &s->eth, &s->tun, (uint16_t)net_random(s->rng));
	icmp_init(&s->icmp, &s->ip, &s->tun);
	ipv6_init(&s->ip6, &s->eth, &s->tun, s->rng);
	icmpv6_init(&s->icmp6, &s->ip6, &s->tun);
	udp_init(&s->udp, &s->ip, &s->icmp, &s->tun, net_random(s->rng));
	udp_init6(&s->udp, &s->ip6, &s->icmp6);
	s->tcp = tcp_init(&s->ip, &s->tun, s->rng);
	if (!s->tcp)
		goto fail;
	tcp_init6(s->tcp, &s->ip6);
	fata_mac_format(s->eth.mac, mac);
	fata_log(&log_ethif, FATA_LOG_INFO, "Connected Ethernet interface %s", mac);
	fata_log(&log_arpv4, FATA_LOG_INFO, "Connected arpv4 device on %s", mac);
	return s;
fail:
	fata_log(&log_stack, FATA_LOG_ERROR, "%s: out of memory", name ? name : "stack");
fail_random:
	if (s) {
		free(s->rx_buf);
		eth_free(&s->eth);
		free(s);
	}
	fata_netif_disconnect(netif);
	return NULL;
}

void stack_free(struct fata_stack *s)
{
	tcp_free(s->tcp);	/* first: its last fibers may still send */
	s->tcp = NULL;
	arp_flush(&s->arp);
	ipv4_reasm_flush(&s->ip);
	ipv6_flush(&s->ip6);
	while (s->udp.socks)
		fata_udp_close(s->udp.socks);
	fata_netif_disconnect(s->eth.netif);
	free(s->rx_buf);
	eth_free(&s->eth);
	free(s);
}

/* --- the input fiber --------------------------------------------------------------------------- */

void stack_input(struct fata_stack *s, uint8_t *frame, size_t len)
{
	eth_input(&s->eth, frame, len);
}

uint64_t stack_timers(struct fata_stack *s, uint64_t now)
{
	uint64_t a = ipv4_reasm_timers(&s->ip, now), b = arp_timers(&s->arp, now);
	uint64_t c = ipv6_timers(&s->ip6, now);

	a = a < b ? a : b;
	return a < c ? a : c;
}

static int input_main(void *arg)
{
	struct fata_stack *s = arg;
	struct fata_netif_frame f[RX_BATCH_MAX];
	unsigned burst = 0;

	while (!s->closing) {
		long n;

		for (unsigned i = 0; i < s->rx_n; i++)
			f[i] = (struct fata_netif_frame){ s->rx_buf + i * s->rx_cap, s->rx_cap };
		n = fata_netif_read_many(s->eth.netif, f, s->rx_n);
		if (n == -EAGAIN) {
			burst = 0;
			fata_netif_wait(s->eth.netif, stack_timers(s, fata_monotonic_ns()));
			continue;
		}
		if (n < 0) {
			/* Counted by the interface; don't spin on a broken one. */
			fata_log(&log_ethif, FATA_LOG_DEBUG, "read failed: %ld", n);
			fata_sleep_ns(FATA_MS(10));
			continue;
		}
		/* What the frames read together make the stack send goes out together too. */
		eth_tx_hold(&s->eth);
		for (long i = 0; i < n; i++) {
			if (f[i].len == 0)	/* too short for its header: counted as an error */
				continue;
			if (s->eth.vnet)
				eth_input_vnet(&s->eth, f[i].data, f[i].len);
			else
				stack_input(s, f[i].data, f[i].len);
		}
		eth_tx_release(&s->eth);
		burst += (unsigned)n;
		if (burst >= INPUT_BURST) {
			burst = 0;
			stack_timers(s, fata_monotonic_ns());
			fata_yield();
		}
	}
	if (s->input_fiber == NULL)	/* detached by fata_stack_disconnect(): ours to free */
		stack_free(s);
	return 0;
}

/* --- configuration ----------------------------------------------------------------------------- */

void stack_set_ipv4(struct fata_stack *s, uint32_t addr, uint8_t prefix_len, uint32_t gateway,
		    const uint32_t *dns, unsigned ndns, bool dhcp)
{
	struct ipv4_layer *ip = &s->ip;
	char a[FATA_IPV4_STRLEN], g[FATA_IPV4_STRLEN];

	ip->addr = addr;
	ip->prefix_len = prefix_len > 32 ? 32 : prefix_len;
	ip->mask = fata_ipv4_mask(ip->prefix_len);
	ip->gateway = gateway;
	memset(ip->dns, 0, sizeof(ip->dns));
	for (unsigned i = 0; dns && i < ndns && i < FATA_DNS_MAX; i++)
		ip->dns[i] = dns[i];
	ip->dhcp = dhcp;
	s->arp.addr = addr;
	if (!addr) {
		fata_log(&log_ipv4, FATA_LOG_DEBUG, "address removed");
		return;
	}
	fata_log(&log_ipv4, FATA_LOG_DEBUG, "address %s/%u, gateway %s", fata_ipv4_format(addr, a),
		 (unsigned)ip->prefix_len, gateway ? fata_ipv4_format(gateway, g) : "none");
	arp_announce(&s->arp);
	fata_waitq_wake_all(&s->configured);
}

void stack_dhcp_configure(void *ctx, uint32_t addr, uint8_t prefix_len, uint32_t gateway,
			  const uint32_t *dns, unsigned ndns)
{
	stack_set_ipv4(ctx, addr, prefix_len, gateway, dns, ndns, true);
}

/* Starts the DHCP client on the stack's UDP; 0 or a negative errno. */
static int dhcp_begin(struct fata_stack *s)
{
	struct dhcp_client *c = malloc(sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	dhcp_client_init(c, &s->udp, &s->tun, s->rng, &s->dhcp_stats, stack_dhcp_configure, s);
	r = dhcp_start(c);
	if (r < 0) {
		free(c);
		return r;
	}
	s->dhcp_client = c;
	return 0;
}

/* Stops the DHCP client, if one runs, and waits for its fiber. */
static void dhcp_end(struct fata_stack *s)
{
	if (!s->dhcp_client)
		return;
	dhcp_stop(s->dhcp_client);
	free(s->dhcp_client);
	s->dhcp_client = NULL;
}

/* Why a static configuration cannot be used, or NULL. */
static const char *bad_static(const struct fata_stack_config *cfg)
{
	uint32_t a = cfg->ipv4.addr, mask;

	if (cfg->ipv4.len > 32)
		return "the prefix length is over 32";
	if (a == 0 || ipv4_is_group(a) || (a >> 28) == 0xf || (a >> 24) == 127)
		return "it is not a unicast address";
	mask = fata_ipv4_mask(cfg->ipv4.len);
	if (cfg->ipv4.len <= 30 && ((a & ~mask) == 0 || (a & ~mask) == ~mask))
		return "it is the network's own or broadcast address";
	if (cfg->gateway && ((cfg->gateway & mask) != (a & mask) || cfg->gateway == a))
		return "the gateway is not another address on its network";
	return NULL;
}

static struct fata_ipv6_config direct_ipv6(struct fata_stack *s);

/* Turns IPv6 on as the configuration says, and waits (a few seconds at most) for duplicate
 * address detection to clear the addresses it gave. */
static int ipv6_begin(struct fata_stack *s, const struct fata_stack_config *cfg)
{
	struct ipv6_layer *ip6 = &s->ip6;
	char a[FATA_IPV6_STRLEN];
	uint64_t deadline;

	ipv6_enable(ip6, cfg->accept_ra);
	if (cfg->ipv6_addr.len) {
		int r = ipv6_add_addr(ip6, cfg->ipv6_addr.addr, cfg->ipv6_addr.len, false,
				      FATA_NEVER, FATA_NEVER);

		if (r < 0) {
			fata_log(&log_stack, FATA_LOG_ERROR, "%s: cannot use --ipv6=%s/%u: %s",
				 s->name, fata_ipv6_format(cfg->ipv6_addr.addr, a),
				 (unsigned)cfg->ipv6_addr.len,
				 r == -EINVAL ? "it is not a unicast address" : strerror(-r));
			return r;
		}
	}
	if (!ipv6_is_unspecified(cfg->ipv6_gateway.addr))
		ipv6_set_router(ip6, cfg->ipv6_gateway.addr);
	deadline = fata_monotonic_ns() + s->tun.dad_delay_ns +
		   (uint64_t)(s->tun.dad_transmits + 1) * s->tun.nd_retrans_ns;
	for (;;) {
		bool tentative = false;

		for (int i = 0; i < FATA_IPV6_ADDRS; i++)
			tentative |= ip6->addrs[i].state == FATA_IPV6_TENTATIVE;
		if (!tentative || fata_monotonic_ns() >= deadline)
			break;
		fata_waitq_wait(&ip6->addr_waitq, deadline);
	}
	return 0;
}

struct fata_stack *fata_stack_create(struct fata_netif *netif, const struct fata_stack_config *cfg)
{
	const char *name = cfg->name ? cfg->name : "stack", *why;
	char ip[FATA_IPV6_STRLEN], mac[FATA_MAC_STRLEN];
	struct fata_stack *s;

	if (!cfg->ipv6_only && !cfg->dhcp && (why = bad_static(cfg)) != NULL) {
		fata_log(&log_stack, FATA_LOG_ERROR, "%s: cannot use --ipv4=%s/%u: %s", name,
			 fata_ipv4_format(cfg->ipv4.addr, ip), (unsigned)cfg->ipv4.len, why);
		fata_netif_disconnect(netif);
		return NULL;
	}
	s = stack_new(netif, name);
	if (!s)
		return NULL;
	s->input_fiber = fata_spawn(input_main, s, 0);
	if (!s->input_fiber) {
		fata_log(&log_stack, FATA_LOG_ERROR, "%s: out of memory", name);
		stack_free(s);
		return NULL;
	}
	if (cfg->ipv6 || cfg->ipv6_only) {
		if (ipv6_begin(s, cfg) < 0) {
			direct_disconnect(s);
			return NULL;
		}
	}
	if (cfg->ipv6_only) {
		/* No IPv4 at all: its frames are not even looked at. */
		eth_unregister(&s->eth, ETH_TYPE_IPV4);
		eth_unregister(&s->eth, ETH_TYPE_ARP);
	} else if (cfg->dhcp) {
		int r = dhcp_begin(s);

		if (r < 0) {
			fata_log(&log_stack, FATA_LOG_ERROR, "%s: cannot start DHCP: %s", name,
				 strerror(-r));
			direct_disconnect(s);
			return NULL;
		}
		while (!s->ip.addr)
			fata_waitq_wait(&s->configured, FATA_NEVER);
	} else {
		stack_set_ipv4(s, cfg->ipv4.addr, cfg->ipv4.len, cfg->gateway, NULL, 0, false);
	}
	if (cfg->ipv6_only) {
		struct fata_ipv6_config c6 = direct_ipv6(s);
		char a6[FATA_IPV6_STRLEN];
		int best = 0;

		for (int i = 1; i < FATA_IPV6_ADDRS; i++) {
			if (c6.addrs[i].state == FATA_IPV6_PREFERRED)
				best = i;
		}
		snprintf(ip, sizeof(ip), "%s", fata_ipv6_format(c6.addrs[best].addr.addr, a6));
	} else {
		fata_ipv4_format(s->ip.addr, ip);
	}
	fata_log(&log_udp, FATA_LOG_INFO, "UDP interface connected on %s", ip);
	fata_log(&log_stack, FATA_LOG_INFO, "stack assembled: mac=%s,ip=%s",
		 fata_mac_format(s->eth.mac, mac), ip);
	return s;
}

struct fata_stack *fata_stack_connect(const struct fata_stack_config *cfg)
{
	const char *ifname = cfg->netif && *cfg->netif ? cfg->netif : NULL;
	struct fata_netif *n;

	/* hvt/spt look the device up in the manifest, unix opens the tap: the same name serves. */
	n = fata_netif_connect(ifname ? ifname : "service", ifname ? ifname : "tap0");
	if (!n)
		return NULL;
	return fata_stack_create(n, cfg);
}

static void direct_disconnect(struct fata_stack *s)
{
	struct fata_fiber *f;

	dhcp_end(s);
	f = s->input_fiber;
	if (!f) {
		stack_free(s);
		return;
	}
	s->closing = true;
	if (fata_netif_interrupt(s->eth.netif)) {
		fata_join(f);
		s->input_fiber = NULL;
		stack_free(s);
	} else {
		/* The fiber cannot be woken: it frees the stack when its wait ends. */
		s->input_fiber = NULL;
		fata_detach(f);
	}
}

/* --- state --------------------------------------------------------------------------------------- */

static struct fata_ipv4_config direct_ipv4(struct fata_stack *s)
{
	struct fata_ipv4_config c;

	memset(&c, 0, sizeof(c));
	c.addr.addr = s->ip.addr;
	c.addr.len = s->ip.addr ? s->ip.prefix_len : 0;
	c.gateway = s->ip.gateway;
	memcpy(c.dns, s->ip.dns, sizeof(c.dns));
	c.dhcp = s->ip.dhcp;
	return c;
}

static void direct_mac(struct fata_stack *s, uint8_t mac[FATA_MAC_LEN])
{
	memcpy(mac, s->eth.mac, FATA_MAC_LEN);
}

static struct fata_netif *direct_netif(struct fata_stack *s)
{
	return s->eth.netif;
}

static void direct_stats(struct fata_stack *s, struct fata_stack_stats *out)
{
	out->eth = s->eth.stats;
	out->arp = s->arp.stats;
	out->ipv4 = s->ip.stats;
	out->icmp = s->icmp.stats;
	out->udp = s->udp.stats;
	if (s->tcp)
		out->tcp = s->tcp->stats;
	else
		memset(&out->tcp, 0, sizeof(out->tcp));
	out->dhcp = s->dhcp_stats;
	out->ipv6 = s->ip6.stats;
	out->icmpv6 = s->ip6.icmp_stats;
}

static struct fata_ipv6_config direct_ipv6(struct fata_stack *s)
{
	struct fata_ipv6_config c;

	memset(&c, 0, sizeof(c));
	c.enabled = s->ip6.enabled;
	for (int i = 0; i < FATA_IPV6_ADDRS; i++) {
		memcpy(c.addrs[i].addr.addr, s->ip6.addrs[i].a, 16);
		c.addrs[i].addr.len = s->ip6.addrs[i].prefix_len;
		c.addrs[i].state = s->ip6.addrs[i].state;
		c.addrs[i].autoconf = s->ip6.addrs[i].autoconf;
	}
	if (fata_monotonic_ns() < s->ip6.router_until)
		memcpy(c.router, s->ip6.router, 16);
	c.mtu = s->ip6.mtu;
	return c;
}

static int direct_wait_ipv6(struct fata_stack *s, uint64_t deadline)
{
	if (!s->ip6.enabled)
		return -EAFNOSUPPORT;
	while (!ipv6_has_global(&s->ip6)) {
		if (fata_monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		fata_waitq_wait(&s->ip6.addr_waitq, deadline);
	}
	return 0;
}

/* --- the calls of fata/net.h and fata/tcp.h that take the stack -------------------------------- */

static struct fata_udp *direct_udp_bind(struct fata_stack *s, uint16_t port)
{
	return udp_bind(&s->udp, port);
}

static int direct_tcp_listen(struct fata_stack *s, uint16_t port, fata_tcp_handler handler,
			     void *arg)
{
	return tcp_listen(s->tcp, port, handler, arg);
}

static struct fata_tcp *direct_tcp_connect_addr(struct fata_stack *s,
						const struct fata_ip_addr *ip, uint16_t port,
						uint64_t deadline, int *err)
{
	return tcp_connect_addr(s->tcp, ip, port, deadline, err);
}

static int direct_tcp_unlisten(struct fata_stack *s, uint16_t port)
{
	return tcp_unlisten(s->tcp, port);
}

static struct fata_tcp *direct_tcp_connect(struct fata_stack *s, uint32_t ip, uint16_t port,
					   uint64_t deadline, int *err)
{
	return tcp_connect(s->tcp, ip, port, deadline, err);
}

/* --- logging the counters ---------------------------------------------------------------------- */

/* Counter names in the order of their layer's struct in fata/net.h. */
static const char *const eth_names[] = {
	"rx", "tx", "drop_short", "drop_oversize", "drop_not_for_us", "drop_bad_src", "drop_type",
	"tx_errors", "rx_big", "tx_big", "rx_csum_host",
};
static const char *const arp_names[] = {
	"rx", "tx", "drop_short", "drop_bad", "drop_not_for_us", "requests_rx", "replies_rx",
	"requests_tx", "replies_tx", "gratuitous_tx", "resolve_timeouts", "cache_full",
	"pending_drops",
};
static const char *const ipv4_names[] = {
	"rx", "tx", "delivered", "drop_short", "drop_version", "drop_hdr_len", "drop_checksum",
	"drop_len", "drop_bad_src", "drop_not_for_us", "drop_proto", "frags_rx", "reasm_ok",
	"reasm_timeout", "reasm_overlap", "reasm_oversize", "reasm_bad_frag", "reasm_evicted",
	"reasm_too_many_frags", "frags_tx", "tx_no_route", "tx_unresolved", "tx_too_big",
};
static const char *const icmp_names[] = {
	"rx", "tx", "drop_short", "drop_checksum", "drop_broadcast", "echo_requests",
	"echo_replies", "unreach_rx", "unreach_tx", "time_exceeded_tx", "rate_limited", "other_rx",
};
static const char *const udp_names[] = {
	"rx", "tx", "delivered", "drop_short", "drop_len", "drop_checksum", "drop_no_port",
	"drop_queue_full",
};
static const char *const tcp_names[] = {
	"rx", "tx", "drop_short", "drop_checksum", "drop_bad", "drop_unacceptable", "active_opens",
	"passive_opens", "established", "conn_dropped", "conn_limit", "backlog_drops", "rst_rx",
	"rst_tx", "challenge_acks", "paws_drops", "retransmits", "timeouts", "fast_retransmits",
	"ooo_segments", "ooo_drops", "zero_window_probes", "keepalive_probes", "delayed_acks",
	"syncookies_sent", "syncookies_ok", "syncookies_bad", "halfopen_unreachable",
};
static const char *const dhcp_names[] = {
	"discovers", "offers", "requests", "acks", "naks", "drop_bad", "renewals", "rebinds",
	"leases_lost",
};

static const char *const ipv6_names[] = {
	"rx", "tx", "delivered", "drop_short", "drop_version", "drop_len", "drop_bad_src",
	"drop_not_for_us", "drop_proto", "drop_ext", "frags_rx", "reasm_ok", "reasm_timeout",
	"reasm_overlap", "reasm_oversize", "reasm_bad_frag", "reasm_evicted", "frags_tx",
	"tx_no_route", "tx_unresolved", "tx_too_big", "pmtu_updates",
};
static const char *const icmpv6_names[] = {
	"rx", "tx", "drop_short", "drop_checksum", "drop_bad", "echo_requests", "echo_replies",
	"errors_rx", "too_big_rx", "unreach_tx", "param_problem_tx", "time_exceeded_tx",
	"rate_limited", "ns_rx", "ns_tx", "na_rx", "na_tx", "rs_tx", "ra_rx", "mld_reports_tx",
	"dad_conflicts", "resolve_timeouts", "cache_full", "other_rx",
};

#define NAMES_MATCH(layer, names) \
	_Static_assert(sizeof(((struct fata_stack_stats *)0)->layer) == \
		       sizeof(names) / sizeof(names[0]) * sizeof(uint64_t), \
		       #layer " counters and names differ")
NAMES_MATCH(eth, eth_names);
NAMES_MATCH(arp, arp_names);
NAMES_MATCH(ipv4, ipv4_names);
NAMES_MATCH(icmp, icmp_names);
NAMES_MATCH(udp, udp_names);
NAMES_MATCH(tcp, tcp_names);
NAMES_MATCH(dhcp, dhcp_names);
NAMES_MATCH(ipv6, ipv6_names);
NAMES_MATCH(icmpv6, icmpv6_names);

static void log_layer(struct fata_log_src *src, const void *counters,
		      const char *const *names, size_t n)
{
	char line[1024];
	int len = 0;

	if (!fata_log_enabled(src, FATA_LOG_DEBUG))
		return;
	for (size_t i = 0; i < n && len < (int)sizeof(line) - 1; i++) {
		uint64_t v;

		memcpy(&v, (const uint8_t *)counters + i * sizeof(uint64_t), sizeof(v));
		if (v)
			len += snprintf(line + len, sizeof(line) - (size_t)len, " %s=%llu", names[i],
					(unsigned long long)v);
	}
	if (len > 0)
		fata_log(src, FATA_LOG_DEBUG, "stats:%s", line);
}

static void direct_stats_log(struct fata_stack *s)
{
	struct fata_stack_stats stats;
	const struct fata_stack_stats *st = &stats;

	direct_stats(s, &stats);
#define LOG_LAYER(src, layer, names) log_layer(src, &st->layer, names, sizeof(names) / sizeof(names[0]))
	LOG_LAYER(&log_ethif, eth, eth_names);
	LOG_LAYER(&log_arpv4, arp, arp_names);
	LOG_LAYER(&log_ipv4, ipv4, ipv4_names);
	LOG_LAYER(&log_icmp, icmp, icmp_names);
	LOG_LAYER(&log_udp, udp, udp_names);
	LOG_LAYER(&log_tcp, tcp, tcp_names);
	LOG_LAYER(&log_dhcp, dhcp, dhcp_names);
	LOG_LAYER(&log_ipv6, ipv6, ipv6_names);
	LOG_LAYER(&log_icmpv6, icmpv6, icmpv6_names);
#undef LOG_LAYER
}

static const struct stack_ops direct_ops = {
	.disconnect = direct_disconnect,
	.ipv4 = direct_ipv4,
	.mac = direct_mac,
	.netif = direct_netif,
	.stats = direct_stats,
	.stats_log = direct_stats_log,
	.udp_bind = direct_udp_bind,
	.tcp_listen = direct_tcp_listen,
	.tcp_unlisten = direct_tcp_unlisten,
	.tcp_connect = direct_tcp_connect,
	.ipv6 = direct_ipv6,
	.wait_ipv6 = direct_wait_ipv6,
	.tcp_connect_addr = direct_tcp_connect_addr,
};
