/**
 * `faultline images`: lists the images `--env docker` runs (present or missing), and `images build`
 * makes the missing ones without a registry (debootstrap base, then one layer per target). Besides the
 * targets' own images there is the bundled Raft's (`raft`), which `--target custom --env docker`
 * names with `--image faultline/raft`.
 */
import { InputError } from '../../ground/history/errors.js';
import { reachDaemon } from '../../middle/hosts/docker/client.js';
import { ensureImage, IMAGE_TARGETS, imagePresent, targetRecipe, type ImageRecipe, type ImageTarget } from '../../middle/hosts/docker/images.js';
import type { TargetImage } from '../../ground/contracts/run-contract.js';
import { TARGETS } from '../run/targets.js';
import { parseArgs } from './args.js';

/** The images targets offer other runs (the bundled Raft's), found through the target registry. */
const OWN_IMAGES: readonly TargetImage[] = Object.values(TARGETS).flatMap((t) => (t.image ? [t.image] : []));
/** Every image name `--target` takes: the targets' images, then those the targets offer. */
const IMAGE_NAMES: readonly string[] = [...IMAGE_TARGETS, ...OWN_IMAGES.map((i) => i.name)];
const RAFT = OWN_IMAGES.find((i) => i.name === 'raft');

const recipeOf = (name: string): ImageRecipe => OWN_IMAGES.find((i) => i.name === name)?.recipe() ?? targetRecipe(name as ImageTarget);

export const IMAGES_HELP = `faultline images [build] [--target T] [--docker-host ADDR]

Without "build": lists the images --env docker uses for each target and whether the daemon has them.
"build": builds the missing ones without a registry — a Debian base with debootstrap, imported, and
the target's binary or Debian packages layered on it. Images are tagged by a hash of their recipe and
reused while the recipe is unchanged. Needs root (debootstrap) and a running Docker daemon.
"raft" is the bundled Raft (faultline-raft with this machine's node), also tagged ${RAFT?.alias}:
--target custom --env docker --image faultline/raft --start 'faultline-raft --listen …' runs it.
  --target T          only this image (${IMAGE_NAMES.join(', ')}); default all
  --docker-host ADDR  the daemon (default DOCKER_HOST, else unix:///var/run/docker.sock)`;

export async function imagesCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['target', 'docker-host'], ['help'], 'images');
  if (args.options.has('help')) { out(IMAGES_HELP); return 0; }
  const [sub, ...extra] = args.positionals;
  if (extra.length > 0 || (sub !== undefined && sub !== 'build')) {
    throw new InputError(`faultline images takes "build" or nothing, got "${[sub, ...extra].join(' ')}"; see faultline images --help`);
  }
  const t = args.options.get('target');
  if (t !== undefined && !IMAGE_NAMES.includes(String(t))) {
    throw new InputError(`--target ${String(t)} has no image recipe; choose ${IMAGE_NAMES.join(', ')}`);
  }
  const targets: string[] = t === undefined ? [...IMAGE_NAMES] : [String(t)];
  const daemon = await reachDaemon(args.options.get('docker-host') as string | undefined);
  if (sub === 'build') {
    if (process.getuid?.() !== 0) throw new InputError('faultline images build needs root (debootstrap); run it with sudo');
    for (const target of targets) {
      const recipe = recipeOf(target);
      const built = await ensureImage(daemon.docker, recipe, out);
      if (!built) out(`${target}: ${recipe.tag} is present (reused)`);
      const own = OWN_IMAGES.find((i) => i.name === target);
      if (own) {
        await own.tagAlias(daemon.docker, recipe.tag);
        out(`${target}: tagged ${own.alias}`);
      }
    }
    return 0;
  }
  for (const target of targets) {
    const recipe = recipeOf(target);
    const present = await imagePresent(daemon.docker, recipe.tag);
    out(`${present ? 'present' : 'MISSING'} ${target.padEnd(10)} ${recipe.tag}  ${recipe.describe}`);
  }
  return 0;
}
