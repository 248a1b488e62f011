/**
 * The image of the VM test host (vm-bed.ts): a machine with a kernel of its own, so that `--clock-mode
 * system` can really be run here. Built from Debian packages only: a debootstrap minbase of bookworm
 * with systemd (so NTP is a real unit, systemd-timesyncd), udev, OpenSSH's server, iproute2 and
 * iptables, and this machine's etcd binary when it has one (the same etcd the other environments run);
 * the kernel is Debian's linux-image package, fetched with `apt-get download`, of which only vmlinuz
 * and the virtio modules are kept. The root filesystem is one uncompressed cpio archive that the
 * kernel unpacks as its initramfs and systemd boots from (no disk, no initramfs tools, nothing to
 * mount); each boot appends a small archive with its own keys and address.
 *
 * Images are cached under a root-owned directory (`/var/cache/faultline/vm/<hash>/`), keyed by a hash
 * of the recipe — suite, mirror, packages, kernel package and version, the configuration script, the
 * etcd binary's bytes — so a changed recipe builds a new image and an unchanged one is reused. Not part
 * of a run's code path: a run sees only `--hosts`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { aptSources, debianMirror, withBuildLock } from '../debian-build.js';
import { run, runOk, which } from '../exec.js';

export const VM_CACHE_DIR = '/var/cache/faultline/vm';
/** How many images the cache keeps (the most recently used). */
const KEEP = 3;

const SUITE = 'bookworm';
/** What the guest runs besides minbase: systemd as init, udev for the NIC, sshd, NTP, the faults' tools. */
const PACKAGES = ['systemd-sysv', 'udev', 'kmod', 'openssh-server', 'systemd-timesyncd', 'iproute2', 'iptables', 'procps'];
/**
 * Kernel modules the guest needs (with whatever they depend on; all else it uses is built in): the
 * virtio NIC and entropy source, and what the network faults load — nf_tables with the xtables matches
 * iptables-nft uses (partitions, loss through `statistic`, the delayer's NFQUEUE) and tbf.
 */
const MODULES = ['virtio_pci', 'virtio_net', 'virtio_rng', 'nf_tables', 'nft_compat', 'xt_statistic', 'xt_comment', 'xt_NFQUEUE', 'nfnetlink_queue', 'sch_tbf'];

/**
 * Makes a debootstrapped tree a bootable test host. Args: root dir. Removes what a throwaway host never
 * reads (docs, man pages, locales, apt's lists and debs), the host keys debootstrap generated (each boot
 * brings its own), and the machine id (each boot gets a transient one); masks units that only cost boot
 * time under emulation (gettys, timers, pstore, utmp, special mounts); enables systemd-networkd (the
 * address comes with each boot); lets root in with a key only.
 */
const CONFIGURE_SCRIPT = `
set -e
r="$1"
rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/usr/share/doc "$r"/usr/share/man \\
  "$r"/usr/share/locale "$r"/usr/share/info "$r"/usr/lib/udev/hwdb.bin
rm -f "$r"/etc/ssh/ssh_host_*
: > "$r/etc/machine-id"
echo faultline-vm > "$r/etc/hostname"
printf '127.0.0.1 localhost\\n127.0.1.1 faultline-vm\\n' > "$r/etc/hosts"
rm -f "$r"/etc/systemd/system/getty.target.wants/* "$r"/etc/systemd/system/timers.target.wants/*
for u in getty.target getty-static.service serial-getty@ttyS0.service systemd-update-utmp.service \\
  systemd-update-utmp-runlevel.service dev-hugepages.mount dev-mqueue.mount sys-kernel-debug.mount \\
  sys-kernel-tracing.mount sys-fs-fuse-connections.mount sys-kernel-config.mount modprobe@dm_mod.service \\
  modprobe@fuse.service modprobe@configfs.service modprobe@drm.service modprobe@efi_pstore.service \\
  modprobe@loop.service systemd-pstore.service e2scrub_reap.service systemd-journal-flush.service \\
  systemd-random-seed.service ldconfig.service systemd-machine-id-commit.service systemd-firstboot.service \\
  systemd-hwdb-update.service systemd-journal-catalog-update.service systemd-remount-fs.service \\
  kmod-static-nodes.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount systemd-sysusers.service \\
  systemd-boot-update.service apt-daily.timer apt-daily-upgrade.timer fstrim.timer dpkg-db-backup.timer \\
  e2scrub_all.timer systemd-tmpfiles-clean.timer; do
  ln -sf /dev/null "$r/etc/systemd/system/$u"
done
mkdir -p "$r/etc/systemd/system/multi-user.target.wants" "$r/etc/systemd/system/sockets.target.wants" "$r/etc/systemd/network"
ln -sf /lib/systemd/system/systemd-networkd.service "$r/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
ln -sf /lib/systemd/system/systemd-networkd.socket "$r/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"
cat > "$r/etc/ssh/sshd_config.d/faultline.conf" <<'EOF'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxStartups 100:30:200
MaxSessions 100
EOF
`;

/** A built image: the kernel, the root filesystem archive and what they were built from. */
export interface VmImage {
  hash: string;
  dir: string;
  kernel: string;
  rootfs: string;
  kernelVersion: string;
  /** Whether the guest has etcd at /usr/local/bin/etcd. */
  etcd: boolean;
}

interface Recipe {
  hash: string;
  kernelPackage: string;
  kernelPackageVersion: string;
  mirror: string;
  etcdBin?: string;
  describe: string;
}


/** The kernel package `linux-image-amd64` stands for now (e.g. linux-image-6.1.0-57-amd64) and its version. */
async function kernelPackage(): Promise<{ name: string; version: string }> {
  const deps = await runOk(['apt-cache', 'depends', '--no-recommends', '--no-suggests', 'linux-image-amd64'], { timeoutMs: 30_000 });
  const name = /Depends:\s*(linux-image-\S+-amd64)/.exec(deps)?.[1];
  if (!name) throw new Error(`apt-cache knows no kernel behind linux-image-amd64 (run apt-get update): ${deps.trim().slice(0, 200)}`);
  const show = await runOk(['apt-cache', 'show', '--no-all-versions', name], { timeoutMs: 30_000 });
  const version = /^Version:\s*(\S+)/m.exec(show)?.[1] ?? 'unknown';
  return { name, version };
}

async function recipe(): Promise<Recipe> {
  const mirror = debianMirror();
  const k = await kernelPackage();
  const etcdBin = which('etcd');
  const h = createHash('sha256');
  for (const p of ['vm-v1', SUITE, mirror, PACKAGES.join(','), MODULES.join(','), k.name, k.version, CONFIGURE_SCRIPT]) h.update(p).update('\0');
  if (etcdBin) h.update(fs.readFileSync(etcdBin));
  return {
    hash: h.digest('hex').slice(0, 12), kernelPackage: k.name, kernelPackageVersion: k.version, mirror, etcdBin,
    describe: `Debian ${SUITE} minbase + ${PACKAGES.join(' ')} from ${mirror}, kernel ${k.name} ${k.version}${etcdBin ? `, etcd from ${etcdBin}` : ''}`,
  };
}

/** The cache directory, created root-owned; refused when someone else could write to it. */
function cacheDir(): string {
  fs.mkdirSync(VM_CACHE_DIR, { recursive: true, mode: 0o755 });
  const st = fs.statSync(VM_CACHE_DIR);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${VM_CACHE_DIR} must be owned by root and writable only by it (a VM boots whatever kernel it finds there); fix its owner and mode, or remove it`);
  }
  return VM_CACHE_DIR;
}

function imageAt(dir: string): VmImage | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(nodePath.join(dir, 'image.json'), 'utf8')) as Omit<VmImage, 'dir' | 'kernel' | 'rootfs'>;
    const image = { ...meta, dir, kernel: nodePath.join(dir, 'vmlinuz'), rootfs: nodePath.join(dir, 'rootfs.cpio') };
    return fs.existsSync(image.kernel) && fs.existsSync(image.rootfs) ? image : undefined;
  } catch {
    return undefined;
  }
}

/** Mount points at or under `dir` (debootstrap mounts /proc, /sys and maybe /dev in its target). */
function mountsUnder(dir: string): string[] {
  return fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1])
    .filter((m): m is string => m !== undefined)
    .map((m) => m.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

/**
 * Removes a build tree, unmounting first whatever a killed debootstrap left mounted in it: a
 * recursive delete must never walk into this machine's /dev or /proc.
 */
async function removeTree(dir: string): Promise<void> {
  for (const m of mountsUnder(dir).sort((a, b) => b.length - a.length)) await run(['umount', '-l', m]);
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`cannot remove ${dir}: ${left.join(', ')} still mounted; unmount by hand`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Keeps the KEEP most recently used images and removes older ones and abandoned builds. */
async function prune(keep: string): Promise<void> {
  const entries = fs.readdirSync(VM_CACHE_DIR).map((n) => nodePath.join(VM_CACHE_DIR, n));
  const images = entries.filter((d) => imageAt(d) !== undefined && d !== keep)
    .sort((a, b) => fs.statSync(nodePath.join(b, 'image.json')).mtimeMs - fs.statSync(nodePath.join(a, 'image.json')).mtimeMs);
  for (const d of images.slice(KEEP - 1)) fs.rmSync(d, { recursive: true, force: true });
  for (const d of entries) {
    const m = /\.build-\d+$/.exec(d);
    const pid = m ? Number(d.slice(d.lastIndexOf('-') + 1)) : undefined;
    if (pid !== undefined && pid !== process.pid && !fs.existsSync(`/proc/${pid}`)) await removeTree(d);
  }
}

async function build(r: Recipe, target: string, log: (m: string) => void): Promise<void> {
  const work = `${target}.build-${process.pid}`;
  await removeTree(work);
  fs.mkdirSync(work, { mode: 0o755 });
  const root = nodePath.join(work, 'root');
  const out = nodePath.join(work, 'image');
  fs.mkdirSync(out);
  try {
    let t = performance.now();
    const step = (what: string): void => {
      log(`  ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
    };
    await runOk(['debootstrap', '--variant=minbase', `--include=${PACKAGES.join(',')}`, SUITE, root, r.mirror], { timeoutMs: 900_000 });
    step('debootstrap');
    // The kernel package: only vmlinuz and the modules the guest loads are kept (the rest is ~400 MB).
    // apt-get fails now and then on a first try here; two more before giving up.
    await runOk(['sh', '-c', 'cd "$1" || exit 1; for i in 1 2 3; do apt-get -q download "$2" && exit 0; sleep 3; done; exit 1', 'sh', work, r.kernelPackage], { timeoutMs: 300_000 });
    const deb = fs.readdirSync(work).find((f) => f.startsWith(`${r.kernelPackage}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${r.kernelPackage} left no .deb in ${work}`);
    // Unpacked inside the tree, so the tree's own kmod resolves the modules' dependencies (this
    // machine may have no kmod at all); only the closure of MODULES is kept.
    const kx = nodePath.join(root, 'tmp', 'kernel');
    await runOk(['dpkg-deb', '-x', nodePath.join(work, deb), kx], { timeoutMs: 300_000 });
    const kernelVersion = fs.readdirSync(nodePath.join(kx, 'lib', 'modules'))[0];
    fs.copyFileSync(nodePath.join(kx, 'boot', `vmlinuz-${kernelVersion}`), nodePath.join(out, 'vmlinuz'));
    await runOk(['chroot', root, 'depmod', '-b', '/tmp/kernel', kernelVersion], { timeoutMs: 120_000 });
    const deps = await runOk(['chroot', root, 'modprobe', '-d', '/tmp/kernel', '-S', kernelVersion, '-a', '--show-depends', ...MODULES]);
    const from = nodePath.join(kx, 'lib', 'modules', kernelVersion);
    const mods = nodePath.join(root, 'lib', 'modules', kernelVersion);
    const files = [...new Set([...deps.matchAll(/^insmod \/tmp\/kernel\/lib\/modules\/[^/]+\/(\S+\.ko)/gm)].map((m) => m[1]))];
    for (const m of [...files, 'modules.builtin', 'modules.builtin.modinfo', 'modules.order']) {
      fs.mkdirSync(nodePath.dirname(nodePath.join(mods, m)), { recursive: true });
      fs.copyFileSync(nodePath.join(from, m), nodePath.join(mods, m));
    }
    fs.rmSync(kx, { recursive: true, force: true });
    await runOk(['chroot', root, 'depmod', '-a', kernelVersion]);
    step(`kernel ${kernelVersion} and ${files.length} modules (${deb})`);
    await runOk(['sh', '-c', CONFIGURE_SCRIPT, 'sh', root]);
    if (r.etcdBin) {
      fs.copyFileSync(r.etcdBin, nodePath.join(root, 'usr', 'local', 'bin', 'etcd'));
      fs.chmodSync(nodePath.join(root, 'usr', 'local', 'bin', 'etcd'), 0o755);
    }
    // Uncompressed: unpacking is a copy, where decompressing 150 MB under emulation takes many seconds.
    await runOk(['sh', '-c', 'cd "$1" && find . -xdev -print0 | cpio --null -o -H newc --quiet > "$2"', 'sh', root, nodePath.join(out, 'rootfs.cpio')], { timeoutMs: 300_000 });
    step('configuration and the cpio archive');
    const meta = { hash: r.hash, kernelVersion, etcd: r.etcdBin !== undefined, describe: r.describe, kernelPackage: `${r.kernelPackage} ${r.kernelPackageVersion}`, builtAt: new Date().toISOString(), apt: aptSources().map((s) => s.name) };
    fs.writeFileSync(nodePath.join(out, 'image.json'), `${JSON.stringify(meta, null, 2)}\n`);
    fs.renameSync(out, target);
  } finally {
    await removeTree(work);
  }
}

/** What building an image needs that this machine lacks (root, debootstrap, cpio, apt-get, dpkg-deb). */
export function vmImageNeeds(): string[] {
  const why: string[] = [];
  if (process.getuid?.() !== 0) why.push('root');
  for (const [bin, pkg] of [['debootstrap', 'debootstrap'], ['cpio', 'cpio'], ['apt-get', 'apt'], ['dpkg-deb', 'dpkg']]) if (!which(bin)) why.push(`${bin} (${pkg})`);
  return why;
}

/**
 * The image for today's recipe: the cached one, or built now (about a minute; one builder at a time).
 * Resolves with the image and how long the build took (0 when cached).
 */
export async function ensureVmImage(log: (m: string) => void = () => undefined): Promise<{ image: VmImage; builtMs: number }> {
  const r = await recipe();
  const target = nodePath.join(cacheDir(), r.hash);
  const cached = imageAt(target);
  const touch = (img: VmImage): VmImage => {
    const now = new Date();
    fs.utimesSync(nodePath.join(img.dir, 'image.json'), now, now);
    return img;
  };
  if (cached) return { image: touch(cached), builtMs: 0 };
  return withBuildLock(`vm-${r.hash}`, async () => {
    const again = imageAt(target);
    if (again) return { image: touch(again), builtMs: 0 };
    const t0 = performance.now();
    log(`building the VM test host's image ${target}: ${r.describe}`);
    fs.rmSync(target, { recursive: true, force: true });
    await build(r, target, log);
    const builtMs = performance.now() - t0;
    log(`built ${target} in ${(builtMs / 1000).toFixed(1)} s`);
    await prune(target);
    const image = imageAt(target);
    if (!image) throw new Error(`the VM image build left no image in ${target}`);
    return { image, builtMs };
  });
}
