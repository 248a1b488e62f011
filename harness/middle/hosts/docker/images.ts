/**
 * Images for `--env docker` built without a registry (none answers on machines like CI's): a Debian
 * base made with debootstrap and imported, then one image per target layered on it — the host's own
 * etcd binary copied in (2 s, the same version the local environment runs), ZooKeeper from the same
 * Debian packages the host installs (apt works inside `docker build` through Docker's NAT), and the
 * host's own consul binary (bookworm has no consul package; scripts/setup-consul.sh installs Debian
 * bullseye's, a Go binary linking only glibc, which the bookworm base has). Each image
 * is tagged with a hash of its recipe (suite, mirror, Dockerfile, the bytes of copied files), so a
 * changed recipe builds a new image and an unchanged one is reused. Only the legacy builder is used:
 * daemons without buildx fail BuildKit builds.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import type Docker from 'dockerode';
import { InputError } from '../../../ground/history/errors.js';
import { run, runOk, which } from '../exec.js';
import { aptSources, debianMirror, withBuildLock } from '../debian-build.js';
import { followProgress } from './client.js';

/** Targets that have an image recipe. */
export const IMAGE_TARGETS = ['etcd', 'zookeeper', 'consul'] as const;
export type ImageTarget = (typeof IMAGE_TARGETS)[number];

export const BUILD_COMMAND = 'faultline images build';

export interface ImageRecipe {
  /** `base`, `etcd`, `zookeeper`, `consul`. */
  name: string;
  /** `faultline/<name>:<hash>`. */
  tag: string;
  /** One line for `faultline images` and doctor. */
  describe: string;
  /** The recipe this image is layered on, if any. */
  from?: ImageRecipe;
  build(docker: Docker, log: (m: string) => void): Promise<void>;
}

const hash = (parts: readonly (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 12);
};

/** A build context as a tar stream: files written to a temporary directory, then `tar -c`. */
async function buildContext(files: Record<string, string | Buffer | { copyFrom: string }>): Promise<{ dir: string; stream: NodeJS.ReadableStream }> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-image-'));
  for (const [name, content] of Object.entries(files)) {
    const p = nodePath.join(dir, name);
    fs.mkdirSync(nodePath.dirname(p), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) fs.copyFileSync(content.copyFrom, p);
    else fs.writeFileSync(p, content);
  }
  const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { dir, stream: tar.stdout };
}

export async function dockerBuild(docker: Docker, tag: string, files: Record<string, string | Buffer | { copyFrom: string }>, log: (m: string) => void): Promise<void> {
  const ctx = await buildContext(files);
  try {
    // version '1': the legacy builder (BuildKit needs buildx, which daemons like Debian's lack).
    const stream = (await docker.buildImage(ctx.stream as never, { t: tag, rm: true, forcerm: true, version: '1' } as never)) as unknown as NodeJS.ReadableStream;
    // Only the Dockerfile's steps: apt's own output would bury what is being built.
    await followProgress(docker, stream, (l) => { if (/^Step \d+\/\d+ :/.test(l)) log(`  ${l.slice(0, 160)}`); });
  } finally {
    fs.rmSync(ctx.dir, { recursive: true, force: true });
  }
}

/** The Debian base: debootstrap minbase of the host's suite, imported as an image. */
export function baseRecipe(): ImageRecipe {
  const suite = 'bookworm';
  const mirror = debianMirror();
  const tag = `faultline/debian:${suite}-${hash(['base', suite, 'minbase', mirror])}`;
  return {
    name: 'base',
    tag,
    describe: `Debian ${suite} minbase from ${mirror} (debootstrap, docker import)`,
    async build(docker, log) {
      const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-rootfs-'));
      try {
        log(`debootstrap --variant=minbase ${suite} (about 30–90 s)`);
        await runOk(['debootstrap', '--variant=minbase', suite, root, mirror], { timeoutMs: 600_000 });
        // No apt caches or logs in the image.
        await run(['sh', '-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*', 'sh', root]);
        const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
        const [repo, t] = tag.split(':');
        const stream = (await docker.importImage(tar.stdout as never, { repo, tag: t, changes: ['LABEL faultline.image=base', 'CMD ["/bin/bash"]'] } as never)) as unknown as NodeJS.ReadableStream;
        await followProgress(docker, stream);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}


/**
 * A digest of a copied binary, for the recipe's hash; remembered while its size, mtime and inode are
 * unchanged (consul is 68 MB, and a run resolves its image in preflight and again at provisioning).
 */
const bytesSeen = new Map<string, { key: string; digest: string }>();
function fileDigest(path: string): string {
  const st = fs.statSync(path);
  const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const seen = bytesSeen.get(path);
  if (seen?.key === key) return seen.digest;
  const digest = createHash('sha256').update(fs.readFileSync(path)).digest('hex');
  bytesSeen.set(path, { key, digest });
  return digest;
}

const APT_INSTALL = (pkgs: string): string =>
  `RUN rm -f /etc/apt/sources.list && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkgs} && rm -rf /var/lib/apt/lists/*`;

/** A target's image, layered on the base. */
export function targetRecipe(target: ImageTarget): ImageRecipe {
  const from = baseRecipe();
  const sources = aptSources();
  const sourceFiles = Object.fromEntries(sources.map((s) => [`apt/${s.name}`, s.text]));
  let dockerfile: string;
  let files: Record<string, string | Buffer | { copyFrom: string }>;
  let describe: string;
  let fingerprint: (string | Buffer)[];
  if (target === 'etcd') {
    const bin = which('etcd');
    if (bin) {
      // The host's binary: the same etcd the local environment runs, copied in 2 s instead of apt's 9.
      dockerfile = `FROM ${from.tag}\nCOPY etcd /usr/local/bin/etcd\nLABEL faultline.image=etcd\n`;
      files = { etcd: { copyFrom: bin } };
      describe = `etcd copied from this machine (${bin})`;
      fingerprint = [dockerfile, fs.readFileSync(bin)];
    } else {
      dockerfile = `FROM ${from.tag}\nCOPY apt/ /etc/apt/sources.list.d/\n${APT_INSTALL('etcd-server')}\nLABEL faultline.image=etcd\n`;
      files = sourceFiles;
      describe = 'etcd from Debian\'s etcd-server package';
      fingerprint = [dockerfile, ...sources.map((s) => s.text)];
    }
  } else if (target === 'consul') {
    const bin = which('consul');
    if (!bin) {
      // No apt fallback: bookworm, the base's suite, has no consul package. Without `from`, nothing
      // (not even the base's debootstrap) is built before the build says what is missing.
      return {
        name: target,
        tag: 'faultline/consul:no-binary-here',
        describe: 'consul copied from this machine, which has none on PATH (sudo npx faultline setup --target consul installs it)',
        build: async () => { throw new InputError('the consul image copies this machine\'s consul binary, and there is none on PATH; install it with: sudo npx faultline setup --target consul (Consul 1.8.7 from Debian bullseye), then build again'); },
      };
    }
    // The host's binary: the Consul the local environment runs (Debian bullseye's 1.8.7 links only glibc).
    dockerfile = `FROM ${from.tag}\nCOPY consul /usr/local/bin/consul\nLABEL faultline.image=consul\n`;
    files = { consul: { copyFrom: bin } };
    describe = `consul copied from this machine (${bin})`;
    fingerprint = [dockerfile, fileDigest(bin)];
  } else {
    dockerfile = `FROM ${from.tag}\nCOPY apt/ /etc/apt/sources.list.d/\n${APT_INSTALL('zookeeper libslf4j-java default-jre-headless')}\nLABEL faultline.image=zookeeper\n`;
    files = sourceFiles;
    describe = 'ZooKeeper 3.8 with slf4j-simple and a headless JRE from Debian\'s packages';
    fingerprint = [dockerfile, ...sources.map((s) => s.text)];
  }
  const tag = `faultline/${target}:${hash([target, from.tag, ...fingerprint])}`;
  return {
    name: target, tag, describe, from,
    build: (docker, log) => dockerBuild(docker, tag, { ...files, Dockerfile: dockerfile }, log),
  };
}

export async function imagePresent(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Builds `recipe` (and what it is layered on) unless present; resolves with whether it built. */
export async function ensureImage(docker: Docker, recipe: ImageRecipe, log: (m: string) => void = () => undefined): Promise<boolean> {
  if (await imagePresent(docker, recipe.tag)) return false;
  if (recipe.from) await ensureImage(docker, recipe.from, log);
  return withBuildLock(recipe.tag, async () => {
    if (await imagePresent(docker, recipe.tag)) return false;
    const t0 = performance.now();
    log(`building ${recipe.tag}: ${recipe.describe}`);
    await recipe.build(docker, log);
    log(`built ${recipe.tag} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  });
}

/**
 * The image a run of `target` uses: `--image` when given (it must be present: no registry is
 * assumed), else the locally built one; missing, an InputError naming the command that builds it.
 */
export async function resolveImage(docker: Docker, target: string, override?: string): Promise<string> {
  if (override !== undefined) {
    if (!(await imagePresent(docker, override))) {
      throw new InputError(`the image ${override} (--image) is not on the Docker daemon; pull or load it there (docker pull ${override}), or drop --image to use the one \`${BUILD_COMMAND} --target ${target}\` builds`);
    }
    return override;
  }
  if (!(IMAGE_TARGETS as readonly string[]).includes(target)) {
    throw new InputError(`--env docker has no image recipe for the ${target} target; pass an image that runs it with --image (recipes exist for ${IMAGE_TARGETS.join(', ')})`);
  }
  const recipe = targetRecipe(target as ImageTarget);
  if (!(await imagePresent(docker, recipe.tag))) {
    throw new InputError(`the ${target} image ${recipe.tag} is missing on the Docker daemon; build it with: ${BUILD_COMMAND} --target ${target}`);
  }
  return recipe.tag;
}
