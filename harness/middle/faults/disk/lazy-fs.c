/*
 * lazy-fs: a FUSE passthrough mounted over a node's data directory that keeps every file's written
 * data in memory until fsync/fdatasync, and on SIGUSR1 ("crash") drops whatever was not synced, as a
 * machine losing power would (the idea of Jepsen's LazyFS, much smaller).
 *
 *   lazy-fs DIR        mounts over DIR, serving DIR's own content (opened before the mount)
 *
 * Model: data (write, truncate) is buffered per backing inode as dirty 4 KB pages and a size; fsync
 * writes those pages and the size to the backing file and fsyncs it. Metadata (create, mkdir, rename, unlink) goes through at
 * once, so after a crash a file created and never synced exists but is empty. Reading sees the image.
 * stdout carries one JSON line per event: {"event":"ready"} once mounted, and after each SIGUSR1
 * {"event":"crash","files":[{"path":…,"size":…,"durableSize":…}]} once the drop is complete, so the
 * caller knows no later operation can see the lost data.
 *
 * Root runs this over a directory a node can write: every backing path is resolved with openat2's
 * RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH and every final component with O_NOFOLLOW/AT_SYMLINK_NOFOLLOW,
 * so no symlink (planted through the mount or before it) is ever followed; symlink creation is refused.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>

static int root_fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * One file's unsynced content, in pages: the pages written since the last sync (each loaded whole
 * from the backing file before its first change), the size the node last gave the file, and `low`,
 * below which the backing file's bytes are still the file's (a truncate lowers it: bytes past it
 * read as zeros until a later write). Syncing writes only the dirty pages, so a node that preallocates
 * a 64 MB segment and appends a record before each fdatasync (etcd's WAL, ZooKeeper's log) costs a
 * page or two per sync, not the whole file.
 */
#define PAGE 4096
#define NBUCKETS 256
struct page {
  size_t idx;
  struct page *hnext, *lnext;
  char data[PAGE];
};
struct img {
  dev_t dev;
  ino_t ino;
  size_t size;
  size_t durable; /* the backing file's size when the image was made */
  size_t low;     /* backing bytes at or past this offset are not the file's (zeros) */
  struct page *buckets[NBUCKETS];
  struct page *pages; /* every dirty page, for sync and drop */
  size_t npages;
  char path[512];
  struct img *next;
};
static struct img *imgs = NULL;

static const char *rel(const char *path) {
  while (*path == '/') path++;
  return *path ? path : ".";
}

static int open_beneath(const char *path, int flags, mode_t mode) {
  struct open_how how = {.flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC), .mode = (flags & O_CREAT) ? (mode & 07777) : 0,
                         .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  int fd = (int)syscall(SYS_openat2, root_fd, rel(path), &how, sizeof how);
  return fd < 0 ? -errno : fd;
}

/* The parent directory of `path`, opened without following links; *base is the last component. */
static int parent_of(const char *path, const char **base) {
  char dir[4096];
  const char *r = rel(path);
  const char *slash = strrchr(r, '/');
  if (!slash) {
    *base = r;
    return dup(root_fd);
  }
  if ((size_t)(slash - r) >= sizeof dir) return -ENAMETOOLONG;
  memcpy(dir, r, slash - r);
  dir[slash - r] = 0;
  *base = slash + 1;
  return open_beneath(dir, O_PATH | O_DIRECTORY, 0);
}

static struct img *find_img(dev_t dev, ino_t ino) {
  for (struct img *i = imgs; i; i = i->next)
    if (i->dev == dev && i->ino == ino) return i;
  return NULL;
}

static void free_img(struct img *i) {
  while (i->pages) {
    struct page *p = i->pages;
    i->pages = p->lnext;
    free(p);
  }
  free(i);
}

static void drop_img(dev_t dev, ino_t ino) {
  for (struct img **p = &imgs; *p; p = &(*p)->next) {
    if ((*p)->dev == dev && (*p)->ino == ino) {
      struct img *i = *p;
      *p = i->next;
      free_img(i);
      return;
    }
  }
}

static struct page *find_page(struct img *i, size_t idx) {
  for (struct page *p = i->buckets[idx % NBUCKETS]; p; p = p->hnext)
    if (p->idx == idx) return p;
  return NULL;
}

/* Reads the file's bytes [off, off+n) as they are outside the dirty pages: the backing file below `low`, zeros past it. */
static int read_backing(int fd, const struct img *i, char *buf, size_t n, size_t off) {
  memset(buf, 0, n);
  if (off >= i->low) return 0;
  size_t want = i->low - off < n ? i->low - off : n;
  size_t got = 0;
  while (got < want) {
    ssize_t r = pread(fd, buf + got, want - got, (off_t)(off + got));
    if (r < 0) return -errno;
    if (r == 0) break;
    got += (size_t)r;
  }
  return 0;
}

/* The dirty page `idx`, made (from the file's current bytes) when absent. */
static int page_of(int fd, struct img *i, size_t idx, struct page **out) {
  struct page *p = find_page(i, idx);
  if (!p) {
    p = malloc(sizeof *p);
    if (!p) return -ENOMEM;
    p->idx = idx;
    int r = read_backing(fd, i, p->data, PAGE, idx * PAGE);
    if (r < 0) { free(p); return r; }
    p->hnext = i->buckets[idx % NBUCKETS];
    i->buckets[idx % NBUCKETS] = p;
    p->lnext = i->pages;
    i->pages = p;
    i->npages++;
  }
  *out = p;
  return 0;
}

/* The image of the file open as `fd`, made on first use. */
static int image_of(int fd, const char *path, struct img **out) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  struct img *i = find_img(st.st_dev, st.st_ino);
  if (!i) {
    i = calloc(1, sizeof *i);
    if (!i) return -ENOMEM;
    i->dev = st.st_dev;
    i->ino = st.st_ino;
    i->size = i->durable = i->low = (size_t)st.st_size;
    i->next = imgs;
    imgs = i;
  }
  snprintf(i->path, sizeof i->path, "%s", path);
  *out = i;
  return 0;
}

/* Gives the file size `n`: pages past it go, the tail of the page it ends in is zeroed, and the backing file's bytes past it are no longer the file's. */
static int resize(struct img *i, size_t n) {
  if (n < i->size) {
    for (struct page **pp = &i->pages; *pp;) {
      struct page *p = *pp;
      if (p->idx * PAGE >= n) {
        *pp = p->lnext;
        for (struct page **h = &i->buckets[p->idx % NBUCKETS]; *h; h = &(*h)->hnext)
          if (*h == p) { *h = p->hnext; break; }
        free(p);
        i->npages--;
      } else {
        if ((p->idx + 1) * PAGE > n) memset(p->data + (n - p->idx * PAGE), 0, (p->idx + 1) * PAGE - n);
        pp = &p->lnext;
      }
    }
    if (n < i->low) i->low = n;
  }
  i->size = n;
  return 0;
}

/* Writes the dirty pages and the size to the backing file and makes them durable; the image is then dropped. */
static int sync_fd(int fd, int datasync) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  struct img *i = find_img(st.st_dev, st.st_ino);
  if (i) {
    /* Bytes the node truncated away are zeros if it grew the file again: cut the backing file there first. */
    if (i->low < (size_t)st.st_size && ftruncate(fd, (off_t)i->low) < 0) return -errno;
    for (struct page *p = i->pages; p; p = p->lnext) {
      size_t off = p->idx * PAGE;
      if (off >= i->size) continue;
      size_t n = i->size - off < PAGE ? i->size - off : PAGE;
      size_t done = 0;
      while (done < n) {
        ssize_t w = pwrite(fd, p->data + done, n - done, (off_t)(off + done));
        if (w < 0) return -errno;
        done += (size_t)w;
      }
    }
    if (ftruncate(fd, (off_t)i->size) < 0) return -errno;
    drop_img(st.st_dev, st.st_ino);
  }
  if ((datasync ? fdatasync(fd) : fsync(fd)) < 0) return -errno;
  return 0;
}

#define LOCKED(expr) \
  do { pthread_mutex_lock(&lock); int _r = (expr); pthread_mutex_unlock(&lock); return _r; } while (0)

static int do_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  int r;
  if (fi) r = fstat((int)fi->fh, st) < 0 ? -errno : 0;
  else {
    const char *base;
    int d = parent_of(path, &base);
    if (d < 0) return d;
    r = fstatat(d, strcmp(rel(path), ".") == 0 ? "" : base, st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0 ? -errno : 0;
    close(d);
  }
  if (r == 0) {
    struct img *i = find_img(st->st_dev, st->st_ino);
    if (i) st->st_size = (off_t)i->size;
  }
  return r;
}
static int lk_getattr(const char *p, struct stat *st, struct fuse_file_info *fi) { LOCKED(do_getattr(p, st, fi)); }

static int do_readdir(const char *path, void *buf, fuse_fill_dir_t fill) {
  int fd = open_beneath(path, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return fd;
  DIR *dp = fdopendir(fd);
  if (!dp) { close(fd); return -errno; }
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    struct stat st = {0};
    st.st_ino = de->d_ino;
    st.st_mode = (mode_t)de->d_type << 12;
    if (fill(buf, de->d_name, &st, 0, 0)) break;
  }
  closedir(dp);
  return 0;
}
static int lk_readdir(const char *p, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi, enum fuse_readdir_flags fl) {
  (void)off; (void)fi; (void)fl;
  LOCKED(do_readdir(p, buf, fill));
}

static int do_mkdir(const char *path, mode_t mode) {
  const char *base;
  int d = parent_of(path, &base);
  if (d < 0) return d;
  int r = mkdirat(d, base, mode) < 0 ? -errno : 0;
  close(d);
  return r;
}
static int lk_mkdir(const char *p, mode_t m) { LOCKED(do_mkdir(p, m)); }

static int do_remove(const char *path, int flags) {
  const char *base;
  int d = parent_of(path, &base);
  if (d < 0) return d;
  struct stat st;
  int had = fstatat(d, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
  int r = unlinkat(d, base, flags) < 0 ? -errno : 0;
  if (r == 0 && had && st.st_nlink <= 1) drop_img(st.st_dev, st.st_ino);
  close(d);
  return r;
}
static int lk_unlink(const char *p) { LOCKED(do_remove(p, 0)); }
static int lk_rmdir(const char *p) { LOCKED(do_remove(p, AT_REMOVEDIR)); }

static int do_rename(const char *from, const char *to, unsigned int flags) {
  const char *b1, *b2;
  int d1 = parent_of(from, &b1);
  if (d1 < 0) return d1;
  int d2 = parent_of(to, &b2);
  if (d2 < 0) { close(d1); return d2; }
  struct stat st;
  int had = fstatat(d2, b2, &st, AT_SYMLINK_NOFOLLOW) == 0;
  int r = (int)syscall(SYS_renameat2, d1, b1, d2, b2, flags) < 0 ? -errno : 0;
  if (r == 0 && had && st.st_nlink <= 1) drop_img(st.st_dev, st.st_ino);
  close(d1);
  close(d2);
  return r;
}
static int lk_rename(const char *f, const char *t, unsigned int fl) { LOCKED(do_rename(f, t, fl)); }

static int do_open(const char *path, struct fuse_file_info *fi, int create, mode_t mode) {
  /* The backing descriptor reads and writes whatever the node asked for: syncs need to write. */
  int flags = (fi->flags & ~(O_ACCMODE | O_APPEND | O_TRUNC | O_CREAT | O_EXCL)) | O_RDWR;
  if (create) flags |= O_CREAT | (fi->flags & O_EXCL);
  int fd = open_beneath(path, flags, mode);
  if (fd == -EACCES && !create) fd = open_beneath(path, flags & ~O_RDWR, 0); /* a read-only file */
  if (fd < 0) return fd;
  struct stat st;
  if (fstat(fd, &st) < 0) { int e = -errno; close(fd); return e; }
  if (!S_ISREG(st.st_mode)) { close(fd); return -EINVAL; } /* FIFOs, devices: never opened for a node */
  if (fi->flags & O_TRUNC) {
    struct img *i;
    int r = image_of(fd, path, &i);
    if (r == 0) r = resize(i, 0);
    if (r < 0) { close(fd); return r; }
  }
  fi->fh = (uint64_t)fd;
  fi->keep_cache = 0; /* after a crash the kernel must not serve pages this process dropped */
  return 0;
}
static int lk_open(const char *p, struct fuse_file_info *fi) { LOCKED(do_open(p, fi, 0, 0)); }
static int lk_create(const char *p, mode_t m, struct fuse_file_info *fi) { LOCKED(do_open(p, fi, 1, m)); }

static int do_read(char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  int fd = (int)fi->fh;
  struct stat st;
  if (fstat(fd, &st) < 0) return -errno;
  struct img *i = find_img(st.st_dev, st.st_ino);
  if (!i) {
    ssize_t n = pread(fd, buf, size, off);
    return n < 0 ? -errno : (int)n;
  }
  if ((size_t)off >= i->size) return 0;
  size_t n = i->size - (size_t)off < size ? i->size - (size_t)off : size;
  for (size_t done = 0; done < n;) {
    size_t pos = (size_t)off + done, idx = pos / PAGE, in = pos % PAGE;
    size_t chunk = PAGE - in < n - done ? PAGE - in : n - done;
    struct page *p = find_page(i, idx);
    if (p) memcpy(buf + done, p->data + in, chunk);
    else {
      int r = read_backing(fd, i, buf + done, chunk, pos);
      if (r < 0) return r;
    }
    done += chunk;
  }
  return (int)n;
}
static int lk_read(const char *p, char *b, size_t s, off_t o, struct fuse_file_info *fi) { (void)p; LOCKED(do_read(b, s, o, fi)); }

static int do_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
  int fd = (int)fi->fh;
  struct img *i;
  int r = image_of(fd, path, &i);
  if (r < 0) return r;
  if (fi->flags & O_APPEND) off = (off_t)i->size;
  for (size_t done = 0; done < size;) {
    size_t pos = (size_t)off + done, in = pos % PAGE;
    size_t chunk = PAGE - in < size - done ? PAGE - in : size - done;
    struct page *p;
    if ((r = page_of(fd, i, pos / PAGE, &p)) < 0) return r;
    memcpy(p->data + in, buf + done, chunk);
    done += chunk;
  }
  if ((size_t)off + size > i->size) i->size = (size_t)off + size;
  return (int)size;
}
static int lk_write(const char *p, const char *b, size_t s, off_t o, struct fuse_file_info *fi) { LOCKED(do_write(p, b, s, o, fi)); }

static int do_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  int fd = fi ? (int)fi->fh : open_beneath(path, O_RDWR, 0);
  if (fd < 0) return fd;
  struct img *i;
  int r = image_of(fd, path, &i);
  if (r == 0) r = resize(i, (size_t)size);
  if (!fi) close(fd);
  return r;
}
static int lk_truncate(const char *p, off_t s, struct fuse_file_info *fi) { LOCKED(do_truncate(p, s, fi)); }

static int lk_fsync(const char *p, int datasync, struct fuse_file_info *fi) { (void)p; LOCKED(sync_fd((int)fi->fh, datasync)); }

static int do_fsyncdir(const char *path) {
  int fd = open_beneath(path, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return fd;
  int r = fsync(fd) < 0 ? -errno : 0;
  close(fd);
  return r;
}
static int lk_fsyncdir(const char *p, int ds, struct fuse_file_info *fi) { (void)ds; (void)fi; LOCKED(do_fsyncdir(p)); }

static int lk_release(const char *p, struct fuse_file_info *fi) { (void)p; close((int)fi->fh); return 0; }

static int do_chmod(const char *path, mode_t mode) {
  int fd = open_beneath(path, O_PATH, 0);
  if (fd < 0) return fd;
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int r = chmod(proc, mode) < 0 ? -errno : 0; /* an O_PATH fd of a non-link: chmod of the inode itself */
  close(fd);
  return r;
}
static int lk_chmod(const char *p, mode_t m, struct fuse_file_info *fi) { (void)fi; LOCKED(do_chmod(p, m)); }

static int do_utimens(const char *path, const struct timespec tv[2]) {
  const char *base;
  int d = parent_of(path, &base);
  if (d < 0) return d;
  int r = utimensat(d, strcmp(rel(path), ".") == 0 ? "." : base, tv, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
  close(d);
  return r;
}
static int lk_utimens(const char *p, const struct timespec tv[2], struct fuse_file_info *fi) { (void)fi; LOCKED(do_utimens(p, tv)); }

static int lk_statfs(const char *p, struct statvfs *s) { (void)p; return fstatvfs(root_fd, s) < 0 ? -errno : 0; }

static void *lk_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  /* Nothing cached in the kernel: a crash must be visible to the very next lookup and read. */
  cfg->attr_timeout = 0;
  cfg->entry_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->kernel_cache = 0;
  cfg->use_ino = 1;
  printf("{\"event\":\"ready\"}\n");
  fflush(stdout);
  return NULL;
}

/* SIGUSR1 arrives here (blocked in every other thread): drop all unsynced data, then say so. */
static void *crash_thread(void *arg) {
  sigset_t *set = arg;
  for (;;) {
    int sig;
    if (sigwait(set, &sig) != 0) continue;
    pthread_mutex_lock(&lock);
    printf("{\"event\":\"crash\",\"files\":[");
    int first = 1;
    while (imgs) {
      struct img *i = imgs;
      imgs = i->next;
      printf("%s{\"path\":\"", first ? "" : ",");
      for (const char *c = i->path; *c; c++) {
        if (*c == '"' || *c == '\\') putchar('\\');
        if ((unsigned char)*c >= 0x20) putchar(*c);
      }
      size_t first_dirty = i->size;
      for (struct page *p = i->pages; p; p = p->lnext)
        if (p->idx * PAGE < first_dirty) first_dirty = p->idx * PAGE;
      printf("\",\"size\":%zu,\"durableSize\":%zu,\"dirtyBytes\":%zu,\"firstDirty\":%zu}", i->size, i->durable, i->npages * (size_t)PAGE, first_dirty);
      first = 0;
      free_img(i);
    }
    printf("]}\n");
    fflush(stdout);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static const struct fuse_operations ops = {
    .getattr = lk_getattr, .readdir = lk_readdir, .mkdir = lk_mkdir, .unlink = lk_unlink, .rmdir = lk_rmdir,
    .rename = lk_rename, .open = lk_open, .create = lk_create, .read = lk_read, .write = lk_write,
    .truncate = lk_truncate, .fsync = lk_fsync, .fsyncdir = lk_fsyncdir, .release = lk_release,
    .chmod = lk_chmod, .utimens = lk_utimens, .statfs = lk_statfs, .init = lk_init,
};

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lazy-fs DIR (mounts over DIR; SIGUSR1 drops unsynced writes)\n");
    return 254;
  }
  /* The harness that started it may die by SIGKILL: the layer then gets SIGTERM, on which libfuse
   * leaves its loop and unmounts, instead of staying mounted in the run's directory. */
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 1;
  root_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root_fd < 0) {
    fprintf(stderr, "lazy-fs: cannot open %s as a directory (a symlink is refused): %s\n", argv[1], strerror(errno));
    return 1;
  }
  static sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  pthread_t t;
  pthread_create(&t, NULL, crash_thread, &set);
  /* DIR itself is no link (the O_NOFOLLOW open above; lazy-fs.ts lstats it too) and data goes through
   * root_fd. But libfuse mounts by name, so DIR is resolved once more: that is safe only because the
   * layer mounts before any server of the node runs (server-cluster.ts, maelstrom/cluster.ts: disks are
   * set up before the first launch; a container is made at its first start) and never again in a run,
   * and DIR's parents are Faultline's (the store's run directory, the ssh run directory whose parents
   * provisioning checks). Mounting later, while a node could swap DIR for a link, would need the mount
   * made on root_fd itself (fsopen/fsmount/move_mount and libfuse's /dev/fd/N mountpoint). */
  char *fargv[] = {argv[0], "-f", "-s", "-o", "allow_other,default_permissions,fsname=faultline-lazy-fs,subtype=lazy", argv[1], NULL};
  return fuse_main(6, fargv, &ops, NULL);
}
