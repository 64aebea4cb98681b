/*
 * The scale benchmark's floor (bench/scale.ts): what a C hash table pays for n inserts then n
 * deletes of 48-bit MAC keys, with nothing else per step. Open addressing, linear probing, a
 * table twice the key count, keys in the order the `maddr` workload adds them. Prints
 * "n milliseconds" per size, the best of 20 runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct slot {
  uint64_t key;
  int32_t refs;
  int32_t state; /* 0 empty, 1 used, 2 deleted */
};

static struct slot *table;
static size_t mask;

static size_t hash(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (size_t)k & mask;
}

static void put(uint64_t k) {
  size_t i = hash(k);
  while (table[i].state == 1 && table[i].key != k) i = (i + 1) & mask;
  table[i].key = k;
  table[i].state = 1;
  table[i].refs = 1;
}

static void del(uint64_t k) {
  for (size_t i = hash(k); table[i].state != 0; i = (i + 1) & mask) {
    if (table[i].state == 1 && table[i].key == k) {
      table[i].state = 2;
      return;
    }
  }
}

static double run(int n) {
  size_t cap = 1;
  while (cap < 2 * (size_t)n) cap <<= 1;
  mask = cap - 1;
  table = calloc(cap, sizeof *table);
  uint64_t *keys = malloc(sizeof *keys * (size_t)n);
  if (!table || !keys) exit(1);
  for (int i = 0; i < n; i++) keys[i] = 0x01005e000000ULL | (uint64_t)i;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) put(keys[i]);
  for (int i = 0; i < n; i++) del(keys[i]);
  clock_gettime(CLOCK_MONOTONIC, &b);
  free(table);
  free(keys);
  return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
  for (int a = 1; a < argc; a++) {
    int n = atoi(argv[a]);
    double best = 1e300;
    for (int r = 0; r < 20; r++) {
      double t = run(n);
      if (t < best) best = t;
    }
    printf("%d %.6f\n", n, best);
  }
  return 0;
}
