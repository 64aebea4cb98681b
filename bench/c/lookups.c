/* The C reference of bench/lookups.ts: the same inputs (bench/data.ts's LCG), the same three
 * lookup structures the profiles use, written the plain way a driver or a DPDK PMD would:
 *  - exact: a sorted table of 48-bit addresses, binary search (DPDK-style exact lists);
 *  - hash64: ether_crc(addr) >> 26 into a 64-bit mask, the CRC bit-serial as 2.4-era drivers
 *    computed it (include/linux/crc32.h ether_crc) and table-driven;
 *  - mta: the 4096-bit multicast table array, vector = bytes 4..5 [47:36] (e1000_hw.c; ixgbe);
 *  - rar-mta: e1000's whole structure, 15 receive address registers compared first, then the MTA.
 * Prints one line per structure and list size: "<structure> <n> <frames/s>". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t lcg_x;
static uint32_t lcg(void) { lcg_x = lcg_x * 1664525u + 1013904223u; return lcg_x; }

typedef struct { uint8_t b[6]; } mac_t;

static uint64_t key(const mac_t *m) {
  uint64_t k = 0;
  for (int i = 0; i < 6; i++) k = (k << 8) | m->b[i];
  return k;
}

static void group_list(mac_t *out, int n) {
  lcg_x = 1;
  uint8_t *seen = calloc(1 << 23, 1);
  int k = 0;
  while (k < n) {
    uint32_t v = lcg() >> 9;
    if (seen[v]) continue;
    seen[v] = 1;
    mac_t m = {{0x01, 0x00, 0x5e, (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v}};
    out[k++] = m;
  }
  free(seen);
}

static void destinations(mac_t *out, int n, const mac_t *list, int nlist) {
  lcg_x = 2;
  for (int i = 0; i < n; i++) {
    uint32_t a = lcg(), b = lcg();
    int kind = (int)(a >> 30); /* the high bits: an LCG's low bits have short periods */
    mac_t m;
    if (kind == 0 && nlist > 0) m = list[b % (uint32_t)nlist];
    else if (kind == 1) { mac_t t = {{0x01, 0x00, 0x5e, (uint8_t)((b >> 16) & 0x7f), (uint8_t)(b >> 8), (uint8_t)b}}; m = t; }
    else if (kind == 2) { mac_t t = {{0x33, 0x33, (uint8_t)(b >> 24), (uint8_t)(b >> 16), (uint8_t)(b >> 8), (uint8_t)b}}; m = t; }
    else { mac_t t = {{0x02, (uint8_t)(a >> 8), (uint8_t)(b >> 24), (uint8_t)(b >> 16), (uint8_t)(b >> 8), (uint8_t)b}}; m = t; }
    out[i] = m;
  }
}

static uint32_t ether_crc_bitserial(const uint8_t *p, int len) {
  uint32_t crc = 0xffffffff;
  for (int i = 0; i < len; i++) {
    uint8_t octet = p[i];
    for (int bit = 0; bit < 8; bit++, octet >>= 1)
      crc = (crc << 1) ^ ((((crc >> 31) ^ (octet & 1)) != 0) ? 0x04c11db7u : 0);
  }
  return crc;
}

static uint32_t crc_table[256];
static void make_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
}
static uint32_t bitrev32(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}
static uint32_t ether_crc_table(const uint8_t *p, int len) {
  uint32_t c = 0xffffffff;
  for (int i = 0; i < len; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return bitrev32(c);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: a busy machine shares the cores, not this process's work */
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int frames = argc > 1 ? atoi(argv[1]) : 1000000;
  int sizes[] = {1, 64, 4096};
  make_table();
  mac_t *dst = malloc(sizeof(mac_t) * (size_t)frames);
  for (int s = 0; s < 3; s++) {
    int n = sizes[s];
    mac_t *list = malloc(sizeof(mac_t) * (size_t)n);
    group_list(list, n);
    destinations(dst, frames, list, n);
    volatile long hits = 0;
    double t0;

    uint64_t *keys = malloc(sizeof(uint64_t) * (size_t)n);
    for (int i = 0; i < n; i++) keys[i] = key(&list[i]);
    qsort(keys, (size_t)n, sizeof(uint64_t), cmp_u64);
    t0 = now();
    for (int i = 0; i < frames; i++) {
      uint64_t k = key(&dst[i]);
      hits += bsearch(&k, keys, (size_t)n, sizeof(uint64_t), cmp_u64) != NULL;
    }
    printf("exact %d %.0f\n", n, frames / (now() - t0));

    uint64_t mask = 0;
    for (int i = 0; i < n; i++) mask |= 1ull << (ether_crc_bitserial(list[i].b, 6) >> 26);
    t0 = now();
    for (int i = 0; i < frames; i++) hits += (dst[i].b[0] & 1) && ((mask >> (ether_crc_bitserial(dst[i].b, 6) >> 26)) & 1);
    printf("hash64-bitserial %d %.0f\n", n, frames / (now() - t0));
    t0 = now();
    for (int i = 0; i < frames; i++) hits += (dst[i].b[0] & 1) && ((mask >> (ether_crc_table(dst[i].b, 6) >> 26)) & 1);
    printf("hash64-table %d %.0f\n", n, frames / (now() - t0));

    uint32_t mta[128];
    memset(mta, 0, sizeof mta);
    for (int i = 0; i < n; i++) {
      uint32_t v = ((list[i].b[4] >> 4) | ((uint32_t)list[i].b[5] << 4)) & 0xfff;
      mta[(v >> 5) & 0x7f] |= 1u << (v & 0x1f);
    }
    t0 = now();
    for (int i = 0; i < frames; i++) {
      uint32_t v = ((dst[i].b[4] >> 4) | ((uint32_t)dst[i].b[5] << 4)) & 0xfff;
      hits += (dst[i].b[0] & 1) && ((mta[(v >> 5) & 0x7f] >> (v & 0x1f)) & 1);
    }
    printf("mta %d %.0f\n", n, frames / (now() - t0));

    /* e1000 (drivers/net/ethernet/intel/e1000/e1000_main.c e1000_set_rx_mode): RAR0 the station,
     * RAR1..RAR14 the list's first 14 groups (E1000_RAR_ENTRIES 15), the rest hashed into the
     * MTA; the chip compares every frame with the RARs before the MTA. */
    uint64_t rar[15];
    int nrar = 0;
    rar[nrar++] = 0x020000000002ull; /* bench/lookups.ts's station, 02:00:00:00:00:02 */
    memset(mta, 0, sizeof mta);
    for (int i = 0; i < n; i++) {
      if (nrar < 15) { rar[nrar++] = key(&list[i]); continue; }
      uint32_t v = ((list[i].b[4] >> 4) | ((uint32_t)list[i].b[5] << 4)) & 0xfff;
      mta[(v >> 5) & 0x7f] |= 1u << (v & 0x1f);
    }
    t0 = now();
    for (int i = 0; i < frames; i++) {
      uint64_t k = key(&dst[i]);
      int hit = 0;
      for (int j = 0; j < nrar; j++) hit |= rar[j] == k;
      uint32_t v = ((dst[i].b[4] >> 4) | ((uint32_t)dst[i].b[5] << 4)) & 0xfff;
      hits += hit || ((dst[i].b[0] & 1) && ((mta[(v >> 5) & 0x7f] >> (v & 0x1f)) & 1));
    }
    printf("rar-mta %d %.0f\n", n, frames / (now() - t0));
    free(keys);
    free(list);
  }
  free(dst);
  return 0;
}
