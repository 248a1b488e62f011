/**
 * An image of the bundled Raft for `--target custom --env docker`: the Debian base of the other images
 * with this machine's `node` binary (it links only glibc, libstdc++ and libgcc_s, which the base has)
 * and the compiled Raft — `dist/targets/raft/main.js` and the files it imports, nothing else: it needs
 * no package from node_modules — with `faultline-raft` on the PATH, so the start command a user writes
 * for `--env local` runs unchanged inside the containers:
 *
 *   faultline images build --target raft
 *   faultline run --target custom --env docker --image faultline/raft --start 'faultline-raft --listen {host}:{port} …'
 *
 * Tagged like the other images by a hash of its recipe (the node binary and every copied file), so a
 * changed Raft builds a new image; `faultline images build` also tags it `faultline/raft:latest`, the
 * name a user types.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import type Docker from 'dockerode';
import { baseRecipe, dockerBuild, type ImageRecipe } from '../../harness/middle/hosts/docker/images.js';
import { RAFT_MAIN } from './index.js';

export const RAFT_IMAGE = 'raft';
/** The name a user passes to `--image`. */
export const RAFT_IMAGE_ALIAS = 'faultline/raft:latest';
/** Where the compiled files go in the image. */
const APP = '/opt/faultline';

/** Relative imports of one compiled module (`import … from './x.js'`, `export … from`, `import('./x.js')`). */
function importsOf(text: string): { relative: string[]; bare: string[] } {
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return { relative: specs.filter((s) => s.startsWith('.')), bare: specs.filter((s) => !s.startsWith('.') && !s.startsWith('node:')) };
}

/**
 * The compiled files `main` needs, as paths relative to `root` (the dist directory's parent). Throws
 * when one imports a package: the image holds no node_modules.
 */
export function raftFiles(main: string = RAFT_MAIN, root: string = nodePath.resolve(nodePath.dirname(main), '../../..')): string[] {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing; build faultline first (npx tsc -p tsconfig.json)`);
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const { relative, bare } = importsOf(fs.readFileSync(file, 'utf8'));
    if (bare.length > 0) throw new Error(`${nodePath.relative(root, file)} imports ${bare.join(', ')}, which the Raft image would not hold`);
    for (const r of relative) walk(nodePath.resolve(nodePath.dirname(file), r));
  };
  walk(main);
  return [...seen].map((f) => nodePath.relative(root, f)).sort();
}

/** The image: base + node + the Raft's compiled files + the `faultline-raft` command. */
export function raftImageRecipe(): ImageRecipe {
  const from = baseRecipe();
  const node = fs.realpathSync(process.execPath);
  const root = nodePath.resolve(nodePath.dirname(RAFT_MAIN), '../../..');
  const files = raftFiles(RAFT_MAIN, root);
  const main = nodePath.posix.join(APP, nodePath.relative(root, RAFT_MAIN).split(nodePath.sep).join('/'));
  const shim = `#!/bin/sh\nexec /usr/local/bin/node ${main} "$@"\n`;
  // The compiled files are ES modules: the package.json beside them says so, as the project's does.
  const pkg = `${JSON.stringify({ name: 'faultline-raft-image', private: true, type: 'module' })}\n`;
  const dockerfile = [
    `FROM ${from.tag}`,
    'COPY node /usr/local/bin/node',
    `COPY app/ ${APP}/`,
    'COPY faultline-raft /usr/local/bin/faultline-raft',
    'RUN chmod 755 /usr/local/bin/node /usr/local/bin/faultline-raft && node --version',
    `LABEL faultline.image=${RAFT_IMAGE}`,
    '',
  ].join('\n');
  const h = createHash('sha256');
  for (const part of [RAFT_IMAGE, from.tag, dockerfile, shim, pkg]) h.update(part).update('\0');
  h.update(fs.readFileSync(node)).update('\0');
  const context: Record<string, string | Buffer | { copyFrom: string }> = {
    Dockerfile: dockerfile, node: { copyFrom: node }, 'faultline-raft': shim, 'app/package.json': pkg,
  };
  for (const f of files) {
    const bytes = fs.readFileSync(nodePath.join(root, f));
    h.update(f).update('\0').update(bytes).update('\0');
    context[`app/${f.split(nodePath.sep).join('/')}`] = bytes;
  }
  const tag = `faultline/${RAFT_IMAGE}:${h.digest('hex').slice(0, 12)}`;
  return {
    name: RAFT_IMAGE, tag, from,
    describe: `the bundled Raft (faultline-raft, ${files.length} compiled files) with this machine's node ${process.version}, for --target custom --env docker`,
    build: (docker, log) => dockerBuild(docker, tag, context, log),
  };
}

/** Points `faultline/raft:latest` at the recipe's image (after a build, or when it was present). */
export async function tagRaftAlias(docker: Docker, tag: string): Promise<void> {
  const [repo, t] = RAFT_IMAGE_ALIAS.split(':');
  await docker.getImage(tag).tag({ repo, tag: t });
}
