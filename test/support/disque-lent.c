/*
 * A slow disk for the fault tests (test/fault-slow-disk.e2e-spec.ts): preloaded into PostgreSQL
 * (LD_PRELOAD), it makes every flush to disk (fsync, fdatasync: a commit's WAL flush, a checkpoint)
 * wait DISQUE_LENT_US microseconds first, as a slow or saturated disk does. Nothing else changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static void attendre(void) {
  const char *us = getenv("DISQUE_LENT_US");
  if (us) usleep((useconds_t)atoi(us));
}

int fsync(int fd) {
  static int (*vrai)(int);
  if (!vrai) vrai = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  attendre();
  return vrai(fd);
}

int fdatasync(int fd) {
  static int (*vrai)(int);
  if (!vrai) vrai = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  attendre();
  return vrai(fd);
}
