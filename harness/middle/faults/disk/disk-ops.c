/*
 * disk-ops: the file faults of `--nemesis disk` on a host that does not share the controller's
 * filesystem (`--env ssh`), where the harness cannot open the node's files itself. Root runs it over
 * a directory the node can write, so it never follows a link: every path is resolved below ROOT with
 * openat2's RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH and O_NOFOLLOW, ROOT itself is opened O_NOFOLLOW, and
 * a file is touched only when it is a regular file with one link (safe-files.ts's rule, issue 19).
 *
 *   disk-ops ls ROOT DIR            names of the regular files in DIR (below ROOT), one a line
 *   disk-ops probe ROOT FILE...     "FILE END" for the first FILE with data: one past its last non-zero
 *                                   byte (exit 2 when none has any; one call for a whole candidate list)
 *   disk-ops truncate ROOT FILE LEN cuts FILE to LEN bytes, fsynced
 *   disk-ops flip ROOT FILE BIT...  flips each bit (numbered from the file's start), fsynced
 *
 * Exit 0 on success, 2 when the path does not exist (ENOENT), 3 when it is refused (a link, not a
 * regular file, more than one link), 1 on any other error (with strerror on stderr), 254 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int root_fd = -1;

static int fail(const char *what, const char *path) {
  int e = errno;
  fprintf(stderr, "disk-ops: %s %s: %s\n", what, path, strerror(e));
  return e == ENOENT ? 2 : (e == ELOOP || e == EXDEV || e == ENOTDIR) ? 3 : 1;
}

static int open_beneath(const char *path, int flags) {
  struct open_how how = {.flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
                         .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
}

/* A regular file with one link, opened below ROOT without following any link; -1 with the exit code in *rc.
 * O_NONBLOCK: a FIFO planted at the name must not hang the open before the type check refuses it. */
static int open_file(const char *path, int flags, int *rc) {
  int fd = open_beneath(path, flags | O_NONBLOCK);
  if (fd < 0) {
    *rc = fail("cannot open", path);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    fprintf(stderr, "disk-ops: %s is not a regular file with one link: refused\n", path);
    close(fd);
    *rc = 3;
    return -1;
  }
  return fd;
}

static long long data_end(int fd, long long size) {
  static unsigned char buf[1 << 20];
  for (long long end = size; end > 0; end -= (long long)sizeof buf) {
    long long start = end - (long long)sizeof buf < 0 ? 0 : end - (long long)sizeof buf;
    ssize_t n = pread(fd, buf, (size_t)(end - start), start);
    if (n < 0) return -1;
    for (ssize_t i = n - 1; i >= 0; i--)
      if (buf[i] != 0) return start + i + 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: disk-ops ls|probe|truncate|flip ROOT PATH [ARGS]\n");
    return 254;
  }
  const char *cmd = argv[1], *path = argv[3];
  root_fd = open(argv[2], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0) return fail("cannot open the directory (a link is refused)", argv[2]);
  int rc = 0;
  if (strcmp(cmd, "ls") == 0) {
    int fd = open_beneath(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return fail("cannot open the directory", path);
    DIR *d = fdopendir(fd);
    if (!d) return fail("cannot list", path);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      struct stat st;
      if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && !strchr(e->d_name, '\n')) printf("%s\n", e->d_name);
    }
    closedir(d);
    return 0;
  }
  if (strcmp(cmd, "probe") == 0) {
    for (int k = 3; k < argc; k++) {
      int fd = open_file(argv[k], O_RDONLY, &rc);
      if (fd < 0 && rc == 2) continue;
      if (fd < 0) return rc;
      struct stat st;
      if (fstat(fd, &st) != 0) return fail("cannot stat", argv[k]);
      long long end = data_end(fd, (long long)st.st_size);
      if (end < 0) return fail("cannot read", argv[k]);
      close(fd);
      if (end > 0 && !strchr(argv[k], '\n')) {
        printf("%lld %s\n", end, argv[k]);
        return 0;
      }
    }
    return 2;
  }
  if (strcmp(cmd, "truncate") == 0 && argc == 5) {
    int fd = open_file(path, O_RDWR, &rc);
    if (fd < 0) return rc;
    if (ftruncate(fd, strtoll(argv[4], NULL, 10)) != 0 || fsync(fd) != 0) return fail("cannot truncate", path);
    return 0;
  }
  if (strcmp(cmd, "flip") == 0) {
    int fd = open_file(path, O_RDWR, &rc);
    if (fd < 0) return rc;
    for (int k = 4; k < argc; k++) {
      long long bit = strtoll(argv[k], NULL, 10);
      unsigned char b;
      if (pread(fd, &b, 1, bit / 8) != 1) return fail("cannot read a byte of", path);
      b ^= (unsigned char)(1u << (bit % 8));
      if (pwrite(fd, &b, 1, bit / 8) != 1) return fail("cannot write a byte of", path);
    }
    if (fsync(fd) != 0) return fail("cannot fsync", path);
    return 0;
  }
  fprintf(stderr, "disk-ops: unknown command %s (ls, probe, truncate, flip)\n", cmd);
  return 254;
}
