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
 *   disk-ops snapshot DATA COPY     copies the tree below DATA into the empty private directory COPY:
 *                                   "F SIZE PATH" per regular file copied, "S KIND PATH" per entry skipped
 *   disk-ops restore COPY DATA      makes DATA's tree exactly COPY's: "W SIZE PATH" per file (re)written,
 *                                   "R PATH" per regular file removed, "X KIND PATH" per other entry removed
 *
 * snapshot and restore (rollback's copy, taken while the node is down) walk both trees by directory
 * descriptor: every entry is looked at with fstatat(AT_SYMLINK_NOFOLLOW) and opened relative to its
 * opened parent with O_NOFOLLOW (a directory with O_DIRECTORY too), so no link is ever followed and a
 * name swapped for a link between the look and the open is refused, not followed. Only directories
 * and regular files with one link are copied: a symlink, FIFO, socket or device (or a hard link, which
 * could be a name for a file the node may not read) is skipped and reported; a FIFO is opened never
 * (and a regular file with O_NONBLOCK, so one swapped in cannot hang it). Files are created with
 * O_CREAT|O_EXCL|O_NOFOLLOW and given the original's owner and mode (mode & 0777). Runs of zeros (a
 * store's preallocated segments) are left as holes in the copy. Restore removes with unlinkat on the
 * opened parent, and leaves a file alone when its bytes already match (reported only when rewritten).
 *
 * Exit 0 on success, 2 when the path does not exist (ENOENT), 3 when it is refused (a link, not a
 * regular file, more than one link), 1 on any other error (with strerror on stderr), 254 on bad usage.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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


/* ---- snapshot and restore: rollback's on-disk copy ---- */

#define MAX_DEPTH 64
#define CHUNK (1 << 20)
static unsigned char buf_a[CHUNK], buf_b[CHUNK];

/* PATH relative to the tree's top, for the report; a newline in a name would break the line protocol. */
static void report(const char *tag, const char *kind, const char *rel, long long size) {
  printf("%s", tag);
  if (kind) printf(" %s", kind);
  if (size >= 0) printf(" %lld", size);
  putchar(' ');
  for (const char *c = rel; *c; c++) putchar(*c == '\n' ? '?' : *c);
  putchar('\n');
}

static const char *kind_of(mode_t m) {
  return S_ISLNK(m) ? "symlink" : S_ISFIFO(m) ? "fifo" : S_ISSOCK(m) ? "socket" : S_ISCHR(m) || S_ISBLK(m) ? "device" : S_ISDIR(m) ? "directory" : "file";
}

static int join(char *out, const char *rel, const char *name) {
  int n = rel[0] ? snprintf(out, PATH_MAX, "%s/%s", rel, name) : snprintf(out, PATH_MAX, "%s", name);
  if (n < 0 || n >= PATH_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

static int tree_fail(const char *what, const char *rel) {
  fprintf(stderr, "disk-ops: %s %s: %s\n", what, rel[0] ? rel : ".", strerror(errno));
  return 1;
}

/* The original's owner and mode (never setuid, setgid or sticky). A chown refused (EPERM: not root) or
 * not offered (ENOSYS: the lose-un-fsynced FUSE layer, whose files are all root's) leaves the owner. */
static int set_meta(int fd, const struct stat *st) {
  if (fchown(fd, st->st_uid, st->st_gid) != 0 && errno != EPERM && errno != ENOSYS) return -1;
  return fchmod(fd, st->st_mode & 0777);
}

static int all_zero(const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

/* Copies what `in` holds into the new empty `out` (runs of zeros left as holes); the bytes copied, or -1. */
static long long copy_data(int in, int out) {
  long long off = 0;
  for (;;) {
    ssize_t n = pread(in, buf_a, CHUNK, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    if (!all_zero(buf_a, (size_t)n))
      for (ssize_t w = 0; w < n;) {
        ssize_t k = pwrite(out, buf_a + w, (size_t)(n - w), off + w);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        w += k;
      }
    off += n;
  }
  return ftruncate(out, off) == 0 ? off : -1;
}

/* True when the open files `a` and `b` (of equal size) hold the same bytes. */
static int same_bytes(int a, int b, long long size) {
  for (long long off = 0; off < size;) {
    ssize_t n = pread(a, buf_a, CHUNK, off);
    if (n <= 0) return 0;
    ssize_t m = pread(b, buf_b, (size_t)n, off);
    if (m != n || memcmp(buf_a, buf_b, (size_t)n) != 0) return 0;
    off += n;
  }
  return 1;
}

/* Opens the directory `name` in `dfd`, or the regular file (O_NONBLOCK: a FIFO swapped in does not hang). */
static int open_dir_at(int dfd, const char *name) { return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); }
static int open_reg_at(int dfd, const char *name) { return openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC); }

/* The entries of the open directory `dfd` (without . and ..), via a duplicate so `dfd` stays open. */
static DIR *entries(int dfd) {
  int d = dup(dfd);
  if (d < 0) return NULL;
  lseek(d, 0, SEEK_SET);
  DIR *dir = fdopendir(d);
  if (!dir) close(d);
  return dir;
}
static int skip_name(const char *n) { return strcmp(n, ".") == 0 || strcmp(n, "..") == 0; }

static int snapshot(int src, int dst, const char *rel, int depth) {
  DIR *d = entries(src);
  if (!d) return tree_fail("cannot list", rel);
  struct dirent *e;
  int rc = 0;
  char path[PATH_MAX];
  while (rc == 0 && (errno = 0, e = readdir(d)) != NULL) {
    if (skip_name(e->d_name)) continue;
    if (join(path, rel, e->d_name) != 0) { rc = tree_fail("path too long below", rel); break; }
    struct stat st;
    if (fstatat(src, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      rc = tree_fail("cannot stat", path);
      break;
    }
    if (strchr(e->d_name, '\n')) { report("S", "newline-in-name", path, -1); continue; }
    if (S_ISDIR(st.st_mode)) {
      if (depth >= MAX_DEPTH) { report("S", "too-deep", path, -1); continue; }
      int s = open_dir_at(src, e->d_name);
      if (s < 0) { report("S", "changed", path, -1); continue; }
      int t = -1;
      if (mkdirat(dst, e->d_name, 0700) != 0 || (t = open_dir_at(dst, e->d_name)) < 0) rc = tree_fail("cannot make the copy of", path);
      else rc = snapshot(s, t, path, depth + 1);
      struct stat now;
      if (rc == 0 && (fstat(s, &now) != 0 || set_meta(t, &now) != 0)) rc = tree_fail("cannot copy the owner and mode of", path);
      close(s);
      if (t >= 0) close(t);
    } else if (S_ISREG(st.st_mode)) {
      int s = open_reg_at(src, e->d_name);
      struct stat now;
      if (s < 0 || fstat(s, &now) != 0 || !S_ISREG(now.st_mode)) { report("S", "changed", path, -1); if (s >= 0) close(s); continue; }
      if (now.st_nlink != 1) { report("S", "hard-link", path, -1); close(s); continue; }
      int t = openat(dst, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      long long n = t < 0 ? -1 : copy_data(s, t);
      if (n < 0 || set_meta(t, &now) != 0) rc = tree_fail("cannot copy", path);
      else report("F", NULL, path, n);
      close(s);
      if (t >= 0) close(t);
    } else {
      report("S", kind_of(st.st_mode), path, -1);
    }
  }
  if (rc == 0 && errno != 0) rc = tree_fail("cannot list", rel);
  closedir(d);
  return rc;
}

/* Removes `name` from `dfd` (a real directory with all below it), following no link; reports each entry removed. */
static int remove_at(int dfd, const char *name, const char *path, int depth) {
  struct stat st;
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : tree_fail("cannot stat", path);
  if (S_ISDIR(st.st_mode)) {
    if (depth >= MAX_DEPTH) { errno = ELOOP; return tree_fail("too deep to remove", path); }
    int sub = open_dir_at(dfd, name);
    if (sub < 0) return tree_fail("cannot open", path);
    DIR *d = entries(sub);
    if (!d) { close(sub); return tree_fail("cannot list", path); }
    struct dirent *e;
    char child[PATH_MAX];
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
      if (skip_name(e->d_name)) continue;
      if (join(child, path, e->d_name) != 0) { rc = tree_fail("path too long below", path); break; }
      rc = remove_at(sub, e->d_name, child, depth + 1);
    }
    closedir(d);
    close(sub);
    if (rc != 0) return rc;
    if (unlinkat(dfd, name, AT_REMOVEDIR) != 0) return tree_fail("cannot remove", path);
    return 0;
  }
  if (unlinkat(dfd, name, 0) != 0) return errno == ENOENT ? 0 : tree_fail("cannot remove", path);
  if (S_ISREG(st.st_mode)) report("R", NULL, path, -1);
  else report("X", kind_of(st.st_mode), path, -1);
  return 0;
}

static int restore(int copy, int data, const char *rel, int depth) {
  char path[PATH_MAX];
  struct dirent *e;
  int rc = 0;
  /* What the data directory has and the copy does not (as the same kind: directory or regular file) goes. */
  DIR *d = entries(data);
  if (!d) return tree_fail("cannot list", rel);
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (skip_name(e->d_name)) continue;
    if (join(path, rel, e->d_name) != 0) { rc = tree_fail("path too long below", rel); break; }
    struct stat ds, cs;
    if (fstatat(data, e->d_name, &ds, AT_SYMLINK_NOFOLLOW) != 0) continue;
    int keep = fstatat(copy, e->d_name, &cs, AT_SYMLINK_NOFOLLOW) == 0 &&
               ((S_ISDIR(ds.st_mode) && S_ISDIR(cs.st_mode)) || (S_ISREG(ds.st_mode) && S_ISREG(cs.st_mode)));
    if (!keep) rc = remove_at(data, e->d_name, path, depth);
  }
  closedir(d);
  if (rc != 0) return rc;
  /* Then each entry of the copy, into the data directory. */
  d = entries(copy);
  if (!d) return tree_fail("cannot list the copy of", rel);
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (skip_name(e->d_name)) continue;
    if (join(path, rel, e->d_name) != 0) { rc = tree_fail("path too long below", rel); break; }
    struct stat cs, ds;
    if (fstatat(copy, e->d_name, &cs, AT_SYMLINK_NOFOLLOW) != 0) { rc = tree_fail("cannot stat the copy of", path); break; }
    int have = fstatat(data, e->d_name, &ds, AT_SYMLINK_NOFOLLOW) == 0;
    if (S_ISDIR(cs.st_mode)) {
      if (!have && mkdirat(data, e->d_name, cs.st_mode & 0777) != 0) { rc = tree_fail("cannot make", path); break; }
      int s = open_dir_at(copy, e->d_name), t = open_dir_at(data, e->d_name);
      if (s < 0 || t < 0) rc = tree_fail("cannot open", path);
      else rc = restore(s, t, path, depth + 1);
      if (rc == 0 && (set_meta(t, &cs) != 0 || fsync(t) != 0)) rc = tree_fail("cannot set the owner and mode of", path);
      if (s >= 0) close(s);
      if (t >= 0) close(t);
    } else if (S_ISREG(cs.st_mode)) {
      int s = open_reg_at(copy, e->d_name);
      if (s < 0) { rc = tree_fail("cannot open the copy of", path); break; }
      if (have) {
        /* The same bytes already (and still a plain file of the node's): left alone. */
        int t = open_reg_at(data, e->d_name);
        struct stat now;
        int same = t >= 0 && fstat(t, &now) == 0 && S_ISREG(now.st_mode) && now.st_nlink == 1 && now.st_size == cs.st_size &&
                   now.st_uid == cs.st_uid && (now.st_mode & 0777) == (cs.st_mode & 0777) && same_bytes(s, t, cs.st_size);
        if (t >= 0) close(t);
        if (same) { close(s); continue; }
        if (unlinkat(data, e->d_name, 0) != 0 && errno != ENOENT) { rc = tree_fail("cannot replace", path); close(s); break; }
      }
      int t = openat(data, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cs.st_mode & 0777);
      long long n = t < 0 ? -1 : copy_data(s, t);
      if (n < 0 || set_meta(t, &cs) != 0 || fsync(t) != 0) rc = tree_fail("cannot restore", path);
      else report("W", NULL, path, n);
      close(s);
      if (t >= 0) close(t);
    }
  }
  closedir(d);
  if (rc == 0 && fsync(data) != 0) rc = tree_fail("cannot fsync", rel);
  return rc;
}

/* snapshot DATA COPY, restore COPY DATA: both top directories opened without following a link. */
static int tree_command(const char *cmd, const char *from, const char *to) {
  umask(0); /* modes are the originals' (the copy's own top directory is private) */
  int a = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (a < 0) return fail("cannot open the directory (a link is refused)", from);
  int b = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (b < 0) return fail("cannot open the directory (a link is refused)", to);
  int rc = strcmp(cmd, "snapshot") == 0 ? snapshot(a, b, "", 0) : restore(a, b, "", 0);
  if (fflush(stdout) != 0) rc = 1;
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: disk-ops ls|probe|truncate|flip ROOT PATH [ARGS], or snapshot DATA COPY, or restore COPY DATA\n");
    return 254;
  }
  if ((strcmp(argv[1], "snapshot") == 0 || strcmp(argv[1], "restore") == 0) && argc == 4) return tree_command(argv[1], argv[2], argv[3]);
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
  fprintf(stderr, "disk-ops: unknown command %s (ls, probe, truncate, flip, snapshot, restore)\n", cmd);
  return 254;
}
