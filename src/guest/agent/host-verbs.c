/*
 * Part of the mcast-testbench guest agent (agent.c includes it; one compilation unit, built with
 * `cc -static -O2 agent.c`): the kernel-host verbs of protocol mtb-agent/2.
 */
/*
 * The kernel-host verbs (src/guest/kernel-host.ts; src/sys/kernel-host.ts states them): a program
 * run with its arguments, sockets opened inside a named network namespace (/run/netns/NAME, as
 * `ip netns add` makes it) and used by handle, files read or written inside a namespace. Bytes
 * travel as hex; output comes as "= HEX" lines of at most HEX_CHUNK bytes each.
 */
#define HEX_CHUNK 2048
#define MAX_ARGS 64

static int home_ns = -1;

static void reply_hex(const unsigned char *p, size_t n) {
  static char line[2 * HEX_CHUNK + 1];
  for (size_t off = 0; off < n; off += HEX_CHUNK) {
    size_t k = n - off < HEX_CHUNK ? n - off : HEX_CHUNK;
    for (size_t i = 0; i < k; i++) sprintf(line + 2 * i, "%02x", p[off + i]);
    line[2 * k] = 0;
    reply("= %s", line);
  }
}

/* Parses hex ("-" is empty) in place; returns the byte count or -1. */
static long unhex(char *text) {
  if (strcmp(text, "-") == 0) return 0;
  size_t n = strlen(text);
  if (n % 2) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned b;
    if (sscanf(text + 2 * i, "%2x", &b) != 1) return -1;
    text[i] = (char)b;
  }
  return (long)(n / 2);
}

/* Enters namespace NAME ("-": the agent's own); 0, or -1 with errno set. */
static int enter_ns(const char *name) {
  if (home_ns < 0) home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (strcmp(name, "-") == 0) return 0;
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = setns(fd, CLONE_NEWNET);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

static void leave_ns(void) {
  if (home_ns >= 0 && setns(home_ns, CLONE_NEWNET) < 0) { reply("fail setns(home) %s", errname(errno)); exit(3); }
}

static size_t read_all(int fd, unsigned char **buf) {
  size_t cap = 4096, n = 0;
  *buf = malloc(cap);
  for (;;) {
    if (n == cap) *buf = realloc(*buf, cap *= 2);
    ssize_t r = read(fd, *buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += r;
  }
  return n;
}

/* exec PROG ARGS...: "= HEX" lines of its standard output, then "ok STATUS [first line of its standard error]". */
static void cmd_exec(char *line) {
  char *argv[MAX_ARGS + 1];
  int n = split(line, argv, MAX_ARGS);
  argv[n] = NULL;
  if (n == 0) { reply("fail exec without a program"); return; }
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) { reply("fail pipe %s", errname(errno)); return; }
  pid_t pid = fork();
  if (pid < 0) { reply("fail fork %s", errname(errno)); return; }
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    execv(argv[0], argv);
    dprintf(2, "exec %s: %s\n", argv[0], errname(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  unsigned char *o, *e;
  size_t on = read_all(out[0], &o);
  size_t en = read_all(err[0], &e);
  close(out[0]);
  close(err[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  reply_hex(o, on);
  size_t first = 0;
  while (first < en && first < 300 && e[first] != '\n') first++;
  reply("ok %d %.*s", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), (int)first, (char *)e);
  free(o);
  free(e);
}

/* nsocket HANDLE NS DOMAIN TYPE PROTO: socket(2) inside NS (the socket stays in NS for its life). */
static void cmd_nsocket(char *id, char *ns, char *domain, char *type, char *proto) {
  if (find_sock(id) || nsocks >= MAX_SOCKETS || strlen(id) > 64) { reply("fail socket %s exists or too many sockets", id); return; }
  if (enter_ns(ns) < 0) { reply("fail setns %s %s", ns, errname(errno)); return; }
  int fd = socket(atoi(domain), atoi(type) | SOCK_CLOEXEC, atoi(proto));
  int e = errno;
  leave_ns();
  if (fd < 0) { reply("ok %s", errname(e)); return; }
  struct sock *s = &socks[nsocks++];
  snprintf(s->id, sizeof s->id, "%s", id);
  s->fd = fd;
  s->family = atoi(domain);
  reply("ok -");
}

/* An unknown handle acts as fd -1 would: EBADF. */
static void cmd_sockopt(char *id, char *level, char *name, char *hex) {
  struct sock *s = find_sock(id);
  long n = unhex(hex);
  if (n < 0) { reply("fail bad hex"); return; }
  if (!s) { reply("ok EBADF"); return; }
  result(setsockopt(s->fd, atoi(level), atoi(name), hex, (socklen_t)n));
}

/* getopt HANDLE LEVEL NAME LEN: getsockopt(2) with a LEN-byte buffer; the bytes it returned (optlen after) as "= HEX" lines. */
static void cmd_getopt(char *id, char *level, char *name, char *len) {
  struct sock *s = find_sock(id);
  static unsigned char buf[256];
  socklen_t n = (socklen_t)atoi(len);
  if (n > sizeof buf) { reply("fail getopt length %s", len); return; }
  if (!s) { reply("ok EBADF"); return; }
  memset(buf, 0, sizeof buf);
  if (getsockopt(s->fd, atoi(level), atoi(name), buf, &n) < 0) { result(-1); return; }
  reply_hex(buf, (size_t)n);
  reply("ok -");
}

static void cmd_bindh(char *id, char *hex) {
  struct sock *s = find_sock(id);
  long n = unhex(hex);
  if (n < 0) { reply("fail bad hex"); return; }
  if (!s) { reply("ok EBADF"); return; }
  result(bind(s->fd, (struct sockaddr *)hex, (socklen_t)n));
}

static void cmd_sendh(char *id, char *data, char *addr) {
  struct sock *s = find_sock(id);
  long dn = unhex(data), an = unhex(addr);
  if (dn < 0 || an < 0) { reply("fail bad hex"); return; }
  if (!s) { reply("ok EBADF"); return; }
  ssize_t r = sendto(s->fd, data, dn, 0, an > 0 ? (struct sockaddr *)addr : NULL, (socklen_t)an);
  result(r < 0 ? -1 : 0);
}

/* drain HANDLE MAX: every queued message (recv MSG_DONTWAIT, at most MAX bytes each) as "= HEX" lines, each message ended by a "=" line. */
static void cmd_drain(char *id, char *max) {
  struct sock *s = find_sock(id);
  if (!s) { reply("ok EBADF"); return; }
  static unsigned char buf[65536];
  size_t cap = (size_t)atol(max);
  if (cap > sizeof buf) cap = sizeof buf;
  for (;;) {
    ssize_t n = recv(s->fd, buf, cap, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      result(-1);
      return;
    }
    reply_hex(buf, (size_t)n);
    reply("=");
  }
  reply("ok -");
}

/* nsread NS PATH: the file's bytes as "= HEX" lines, opened inside NS (/proc/thread-self/net follows it). */
static void cmd_nsread(char *ns, char *path) {
  if (enter_ns(ns) < 0) { reply("fail setns %s %s", ns, errname(errno)); return; }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int e = errno;
  unsigned char *b = NULL;
  size_t n = fd < 0 ? 0 : read_all(fd, &b);
  if (fd >= 0) close(fd);
  leave_ns();
  if (fd < 0) { reply("ok %s", errname(e)); return; }
  reply_hex(b, n);
  free(b);
  reply("ok -");
}

/* nswrite NS PATH HEX: writes the bytes to the file opened inside NS (a sysctl of NS). */
static void cmd_nswrite(char *ns, char *path, char *hex) {
  long n = unhex(hex);
  if (n < 0) { reply("fail bad hex"); return; }
  if (enter_ns(ns) < 0) { reply("fail setns %s %s", ns, errname(errno)); return; }
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  int e = errno;
  ssize_t w = fd < 0 ? -1 : write(fd, hex, n);
  if (fd >= 0 && w < 0) e = errno;
  if (fd >= 0) close(fd);
  leave_ns();
  if (fd < 0 || w < 0) reply("ok %s", errname(e)); else reply("ok -");
}

static void cmd_sleep(char *ms) {
  struct timespec t = { atol(ms) / 1000, (atol(ms) % 1000) * 1000000L };
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
  reply("ok -");
}
