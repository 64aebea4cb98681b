/*
 * mcast-testbench guest agent, protocol mtb-agent/2 (docs/guest.md). Runs in a busybox
 * initramfs under QEMU as /init's child, reads one command a line from the host on a serial
 * port, runs it on the guest kernel and answers one line ("ok ..." or "fail REASON"); `cat`
 * answers "= LINE" lines before its "ok". Built on the host with `cc -static -O2`. The verbs of
 * the routing / VLAN / bond runs (exec, nsocket, sockopt, getopt, bindh, sendh, drain, nsread, nswrite,
 * sleep) are in host-verbs.c, included below.
 *
 * Sockets and steps mirror src/kernel/socket-steps.ts (MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP,
 * MCAST_BLOCK_SOURCE, MCAST_LEAVE_GROUP, SIOCADDMULTI/SIOCDELMULTI, SIOCSIFFLAGS). The NIC's
 * verdict on a frame is what an AF_PACKET socket bound to the NIC (no PACKET_MR_PROMISC) saw:
 * net/core/dev.c __netif_receive_skb_core hands every received frame to ptype_all taps.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* mtb-agent/2: the hello names every NIC ("mtb-agent/2 eth0 eth1"); `tap *` taps them all. */
#define PROTOCOL "mtb-agent/2"
#define MAX_SOCKETS 256
#define MAX_IDS 4096
#define DGRAM_TAG "mtb-dgram:"
#define FRAME_TAG "mtb-frame:"
#define MARK_TAG "mtb-mark:"
#define IFLA_PROMISCUITY_ 30 /* include/uapi/linux/if_link.h */
#define IFLA_ALLMULTI_ 61    /* include/uapi/linux/if_link.h (Linux 6.6+; absent in 6.1) */

struct sock { char id[65]; int fd; int family; };
static struct sock socks[MAX_SOCKETS];
static int nsocks;
static int out_fd = 1;
static int packet_fd = -1;
/* Tags seen since the last probe: frames on the packet tap, datagrams on the sockets. */
static char seen[MAX_IDS][80];
static int nseen;

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...) {
  char buf[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  for (int off = 0; off < n;) {
    ssize_t w = write(out_fd, buf + off, n - off);
    if (w < 0) { if (errno == EINTR) continue; exit(3); }
    off += w;
  }
}

static const char *errname(int e) {
  const char *s = strerrorname_np(e);
  return s ? s : "EUNKNOWN";
}

static void result(int rc) {
  if (rc < 0) reply("ok %s", errname(errno)); else reply("ok -");
}

static struct sock *find_sock(const char *id) {
  for (int i = 0; i < nsocks; i++) if (strcmp(socks[i].id, id) == 0) return &socks[i];
  return NULL;
}

static int parse_addr(const char *text, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) { a4->sin_family = AF_INET; a4->sin_port = htons(port); return AF_INET; }
  if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) { a6->sin6_family = AF_INET6; a6->sin6_port = htons(port); return AF_INET6; }
  return -1;
}

static int ctl_fd(void) {
  static int fd = -1;
  if (fd < 0) fd = socket(AF_INET, SOCK_DGRAM, 0);
  return fd;
}

static void cmd_open(char *id, char *family, char *bindto, char *port) {
  if (find_sock(id) || nsocks >= MAX_SOCKETS || strlen(id) > 64) { reply("fail socket %s exists or too many sockets", id); return; }
  int dom = strcmp(family, "ipv4") == 0 ? AF_INET : AF_INET6;
  int fd = socket(dom, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) { result(-1); return; }
  struct sock *s = &socks[nsocks++];
  snprintf(s->id, sizeof s->id, "%s", id);
  s->fd = fd;
  s->family = dom;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) { result(-1); return; }
  struct sockaddr_storage ss;
  int fam = parse_addr(bindto, atoi(port), &ss);
  if (fam < 0) { reply("fail bad address %s", bindto); return; }
  socklen_t len = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  result(bind(fd, (struct sockaddr *)&ss, len));
}

static int group_req(struct group_req *r, int ifindex, const char *group) {
  memset(r, 0, sizeof *r);
  r->gr_interface = ifindex;
  return parse_addr(group, 0, &r->gr_group);
}

static void cmd_join(char *id, char *ifname, char *group, char *mode, char *sources) {
  struct sock *s = find_sock(id);
  if (!s) { reply("ok EBADF"); return; }
  int ifindex = if_nametoindex(ifname);
  int level = s->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  struct group_req gr;
  if (group_req(&gr, ifindex, group) < 0) { reply("fail bad group %s", group); return; }
  char *save = NULL;
  if (strcmp(mode, "include") == 0) {
    if (strcmp(sources, "-") != 0) for (char *src = strtok_r(sources, ",", &save); src; src = strtok_r(NULL, ",", &save)) {
      struct group_source_req gsr;
      memset(&gsr, 0, sizeof gsr);
      gsr.gsr_interface = ifindex;
      gsr.gsr_group = gr.gr_group;
      if (parse_addr(src, 0, &gsr.gsr_source) < 0) { reply("fail bad source %s", src); return; }
      if (setsockopt(s->fd, level, MCAST_JOIN_SOURCE_GROUP, &gsr, sizeof gsr) < 0) { result(-1); return; }
    }
    reply("ok -");
    return;
  }
  if (setsockopt(s->fd, level, MCAST_JOIN_GROUP, &gr, sizeof gr) < 0) { result(-1); return; }
  if (strcmp(mode, "exclude") == 0 && strcmp(sources, "-") != 0) {
    for (char *src = strtok_r(sources, ",", &save); src; src = strtok_r(NULL, ",", &save)) {
      struct group_source_req gsr;
      memset(&gsr, 0, sizeof gsr);
      gsr.gsr_interface = ifindex;
      gsr.gsr_group = gr.gr_group;
      if (parse_addr(src, 0, &gsr.gsr_source) < 0) { reply("fail bad source %s", src); return; }
      if (setsockopt(s->fd, level, MCAST_BLOCK_SOURCE, &gsr, sizeof gsr) < 0) { result(-1); return; }
    }
  }
  reply("ok -");
}

static void cmd_leave(char *id, char *ifname, char *group) {
  struct sock *s = find_sock(id);
  if (!s) { reply("ok EBADF"); return; }
  struct group_req gr;
  if (group_req(&gr, if_nametoindex(ifname), group) < 0) { reply("fail bad group %s", group); return; }
  result(setsockopt(s->fd, s->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6, MCAST_LEAVE_GROUP, &gr, sizeof gr));
}

static void close_sock(struct sock *s) {
  close(s->fd);
  *s = socks[--nsocks];
}

static void cmd_close(char *id) {
  struct sock *s = find_sock(id);
  if (!s) { reply("ok EBADF"); return; }
  close_sock(s);
  reply("ok -");
}

static void cmd_maddr(char *ifname, char *mac, char *how) {
  struct ifreq r;
  memset(&r, 0, sizeof r);
  snprintf(r.ifr_name, IFNAMSIZ, "%s", ifname);
  unsigned b[6];
  if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) { reply("fail bad mac %s", mac); return; }
  r.ifr_hwaddr.sa_family = AF_UNSPEC;
  for (int i = 0; i < 6; i++) r.ifr_hwaddr.sa_data[i] = (char)b[i];
  /* iproute2 ip/ipmaddr.c multiaddr_modify */
  result(ioctl(ctl_fd(), strcmp(how, "add") == 0 ? SIOCADDMULTI : SIOCDELMULTI, &r));
}

static void cmd_flag(char *ifname, char *which, char *on) {
  struct ifreq r;
  memset(&r, 0, sizeof r);
  snprintf(r.ifr_name, IFNAMSIZ, "%s", ifname);
  if (ioctl(ctl_fd(), SIOCGIFFLAGS, &r) < 0) { result(-1); return; }
  short bit = strcmp(which, "promisc") == 0 ? IFF_PROMISC : strcmp(which, "allmulti") == 0 ? IFF_ALLMULTI : IFF_UP;
  if (atoi(on)) r.ifr_flags |= bit; else r.ifr_flags &= ~bit;
  result(ioctl(ctl_fd(), SIOCSIFFLAGS, &r));
}

/* RTM_GETLINK: IFLA_PROMISCUITY (dev->promiscuity) and IFLA_ALLMULTI where the kernel has it. */
static void cmd_counters(char *ifname) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct { struct nlmsghdr h; struct ifinfomsg i; } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.i.ifi_family = AF_UNSPEC;
  req.i.ifi_index = if_nametoindex(ifname);
  static char buf[65536];
  if (fd < 0 || send(fd, &req, sizeof req, 0) < 0) { reply("fail netlink %s", errname(errno)); if (fd >= 0) close(fd); return; }
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  close(fd);
  long promisc = -1, allmulti = -1;
  unsigned flags = 0;
  for (struct nlmsghdr *h = (struct nlmsghdr *)buf; n > 0 && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
    if (h->nlmsg_type != RTM_NEWLINK) continue;
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    flags = ifi->ifi_flags;
    int len = IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type == IFLA_PROMISCUITY_) promisc = *(unsigned *)RTA_DATA(a);
      if (a->rta_type == IFLA_ALLMULTI_) allmulti = *(unsigned *)RTA_DATA(a);
    }
  }
  reply("ok %ld %ld %u", promisc, allmulti, flags);
}

static void cmd_cat(char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { reply("fail %s %s", path, errname(errno)); return; }
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    reply("= %s", line);
  }
  fclose(f);
  reply("ok");
}

static void cmd_sh(char *command) {
  int rc = system(command);
  reply("ok %d", WIFEXITED(rc) ? WEXITSTATUS(rc) : 128);
}

/* One line split at spaces into at most `max` words. */
static int split(char *line, char **argv, int max) {
  int n = 0;
  for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save)) argv[n++] = t;
  return n;
}

#include "host-verbs.c"

static void note(const char *tag, const char *body, size_t len, const char *sock) {
  size_t t = strlen(tag);
  const char *p = memmem(body, len, tag, t);
  if (!p || nseen >= MAX_IDS) return;
  char id[72];
  size_t k = 0;
  for (const char *q = p + t; q < body + len && k < 64; q++, k++) {
    char c = *q;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) break;
    id[k] = c;
  }
  id[k] = 0;
  if (sock) snprintf(seen[nseen++], sizeof seen[0], "s:%s/%s", sock, id);
  else snprintf(seen[nseen++], sizeof seen[0], "%s%s", strcmp(tag, MARK_TAG) == 0 ? "m:" : "f:", id);
}

static void drain_sockets(void) {
  char buf[2048];
  for (int i = 0; i < nsocks; i++) {
    for (;;) {
      ssize_t n = recv(socks[i].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) break;
      if ((size_t)n >= strlen(DGRAM_TAG) && memcmp(buf, DGRAM_TAG, strlen(DGRAM_TAG)) == 0) note(DGRAM_TAG, buf, n, socks[i].id);
    }
  }
}

/* Reads the packet tap; returns 1 once marker `mark` came. */
static int drain_packets(const char *mark) {
  static char buf[65536];
  int got = 0;
  for (;;) {
    struct sockaddr_ll from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(packet_fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    if (n < 0) { if (errno == EAGAIN || errno == EWOULDBLOCK) break; if (errno == ENETDOWN || errno == EINTR) continue; break; }
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    if (memmem(buf, n, MARK_TAG, strlen(MARK_TAG))) {
      const char *p = memmem(buf, n, MARK_TAG, strlen(MARK_TAG));
      size_t ml = strlen(mark);
      if ((size_t)(buf + n - p) >= strlen(MARK_TAG) + ml && memcmp(p + strlen(MARK_TAG), mark, ml) == 0 &&
          (p + strlen(MARK_TAG) + ml == buf + n || p[strlen(MARK_TAG) + ml] == 0)) got = 1;
      else note(MARK_TAG, buf, n, NULL);
      continue;
    }
    note(DGRAM_TAG, buf, n, NULL);
    note(FRAME_TAG, buf, n, NULL);
  }
  return got;
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* probe MARK WAIT_MS: everything seen until marker MARK (or WAIT_MS passed), then the datagrams. */
static void cmd_probe(char *mark, char *wait) {
  long deadline = now_ms() + atol(wait);
  int got = 0;
  while (!got) {
    got = drain_packets(mark);
    if (got || now_ms() >= deadline) break;
    struct pollfd p = { .fd = packet_fd, .events = POLLIN };
    poll(&p, 1, 5);
  }
  drain_sockets();
  char line[8192];
  int off = snprintf(line, sizeof line, "ok %d", got);
  for (int i = 0; i < nseen && off < (int)sizeof line - 90; i++) off += snprintf(line + off, sizeof line - off, " %s", seen[i]);
  nseen = 0;
  reply("%s", line);
}

/* A packet socket bound to `ifname`, or with "*" to every interface (ifindex 0: net/packet/af_packet.c packet_do_bind). */
static int open_packet(const char *ifname) {
  int ifindex = 0;
  if (strcmp(ifname, "*") != 0 && (ifindex = if_nametoindex(ifname)) == 0) return -1;
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) return -1;
  int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  struct sockaddr_ll ll;
  memset(&ll, 0, sizeof ll);
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&ll, sizeof ll) < 0) { close(fd); return -1; }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: agent TTY IFNAME...\n"); return 2; }
  int fd = open(argv[1], O_RDWR | O_NOCTTY);
  if (fd < 0) { perror(argv[1]); return 2; }
  struct termios t;
  if (tcgetattr(fd, &t) == 0) { cfmakeraw(&t); cfsetspeed(&t, B115200); tcsetattr(fd, TCSANOW, &t); }
  out_fd = fd;
  packet_fd = open_packet(argv[2]);
  if (packet_fd < 0) { reply("fail packet socket on %s: %s", argv[2], errname(errno)); return 2; }
  char names[256] = "";
  for (int i = 2, off = 0; i < argc && off < (int)sizeof names - IFNAMSIZ - 2; i++) off += snprintf(names + off, sizeof names - off, " %s", argv[i]);
  reply("%s%s", PROTOCOL, names);
  static char buf[65536];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
    if (n <= 0) { if (n < 0 && errno == EINTR) continue; return 0; }
    have += n;
    char *start = buf, *nl;
    while ((nl = memchr(start, '\n', buf + have - start))) {
      *nl = 0;
      if (nl > start && nl[-1] == '\r') nl[-1] = 0;
      char *rest = NULL;
      char *a[8];
      int na;
      if (strncmp(start, "sh ", 3) == 0) rest = start + 3;
      int exec = strncmp(start, "exec ", 5) == 0;
      na = rest || exec ? 1 : split(start, a, 8);
      if (rest) cmd_sh(rest);
      else if (exec) cmd_exec(start + 5);
      else if (na == 0) reply("fail empty");
      else if (strcmp(a[0], "open") == 0 && na == 5) cmd_open(a[1], a[2], a[3], a[4]);
      else if (strcmp(a[0], "join") == 0 && na == 6) cmd_join(a[1], a[2], a[3], a[4], a[5]);
      else if (strcmp(a[0], "leave") == 0 && na == 4) cmd_leave(a[1], a[2], a[3]);
      else if (strcmp(a[0], "close") == 0 && na == 2) cmd_close(a[1]);
      else if (strcmp(a[0], "maddr") == 0 && na == 4) cmd_maddr(a[1], a[2], a[3]);
      else if (strcmp(a[0], "flag") == 0 && na == 4) cmd_flag(a[1], a[2], a[3]);
      else if (strcmp(a[0], "counters") == 0 && na == 2) cmd_counters(a[1]);
      else if (strcmp(a[0], "cat") == 0 && na == 2) cmd_cat(a[1]);
      else if (strcmp(a[0], "probe") == 0 && na == 3) cmd_probe(a[1], a[2]);
      else if (strcmp(a[0], "tap") == 0 && na == 2) {
        /* The NIC was re-registered (a new ifindex): the packet tap follows it. */
        if (packet_fd >= 0) close(packet_fd);
        packet_fd = open_packet(a[1]);
        nseen = 0;
        if (packet_fd < 0) reply("fail packet socket on %s: %s", a[1], errname(errno)); else reply("ok");
      }
      else if (strcmp(a[0], "reset") == 0 && na == 1) { while (nsocks > 0) close_sock(&socks[0]); nseen = 0; reply("ok"); }
      else if (strcmp(a[0], "nsocket") == 0 && na == 6) cmd_nsocket(a[1], a[2], a[3], a[4], a[5]);
      else if (strcmp(a[0], "sockopt") == 0 && na == 5) cmd_sockopt(a[1], a[2], a[3], a[4]);
      else if (strcmp(a[0], "getopt") == 0 && na == 5) cmd_getopt(a[1], a[2], a[3], a[4]);
      else if (strcmp(a[0], "bindh") == 0 && na == 3) cmd_bindh(a[1], a[2]);
      else if (strcmp(a[0], "sendh") == 0 && na == 4) cmd_sendh(a[1], a[2], a[3]);
      else if (strcmp(a[0], "drain") == 0 && na == 3) cmd_drain(a[1], a[2]);
      else if (strcmp(a[0], "nsread") == 0 && na == 3) cmd_nsread(a[1], a[2]);
      else if (strcmp(a[0], "nswrite") == 0 && na == 4) cmd_nswrite(a[1], a[2], a[3]);
      else if (strcmp(a[0], "sleep") == 0 && na == 2) cmd_sleep(a[1]);
      else if (strcmp(a[0], "version") == 0) reply("ok %s", PROTOCOL);
      else reply("fail unknown command %s", a[0]);
      start = nl + 1;
    }
    have = buf + have - start;
    memmove(buf, start, have);
    if (have >= sizeof buf - 1) { reply("fail line too long"); have = 0; }
  }
}
