/**
 * `faultline images`: lists the images `--env docker` runs (present or missing), and `images build`
 * makes the missing ones without a registry (debootstrap base, then one layer per target).
 */
import { InputError } from '../history/errors.js';
import { reachDaemon } from '../provision/docker/client.js';
import { ensureImage, IMAGE_TARGETS, imagePresent, targetRecipe, type ImageTarget } from '../provision/docker/images.js';
import { parseArgs } from './args.js';

export const IMAGES_HELP = `faultline images [build] [--target T] [--docker-host ADDR]

Without "build": lists the images --env docker uses for each target and whether the daemon has them.
"build": builds the missing ones without a registry — a Debian base with debootstrap, imported, and
the target's binary or Debian packages layered on it. Images are tagged by a hash of their recipe and
reused while the recipe is unchanged. Needs root (debootstrap) and a running Docker daemon.
  --target T          only this target's image (${IMAGE_TARGETS.join(', ')}); default all
  --docker-host ADDR  the daemon (default DOCKER_HOST, else unix:///var/run/docker.sock)`;

export async function imagesCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['target', 'docker-host'], ['help'], 'images');
  if (args.options.has('help')) { out(IMAGES_HELP); return 0; }
  const [sub, ...extra] = args.positionals;
  if (extra.length > 0 || (sub !== undefined && sub !== 'build')) {
    throw new InputError(`faultline images takes "build" or nothing, got "${[sub, ...extra].join(' ')}"; see faultline images --help`);
  }
  const t = args.options.get('target');
  if (t !== undefined && !(IMAGE_TARGETS as readonly string[]).includes(String(t))) {
    throw new InputError(`--target ${String(t)} has no image recipe; choose ${IMAGE_TARGETS.join(', ')}`);
  }
  const targets: ImageTarget[] = t === undefined ? [...IMAGE_TARGETS] : [t as ImageTarget];
  const daemon = await reachDaemon(args.options.get('docker-host') as string | undefined);
  if (sub === 'build') {
    if (process.getuid?.() !== 0) throw new InputError('faultline images build needs root (debootstrap); run it with sudo');
    for (const target of targets) {
      const recipe = targetRecipe(target);
      const built = await ensureImage(daemon.docker, recipe, out);
      if (!built) out(`${target}: ${recipe.tag} is present (reused)`);
    }
    return 0;
  }
  for (const target of targets) {
    const recipe = targetRecipe(target);
    const present = await imagePresent(daemon.docker, recipe.tag);
    out(`${present ? 'present' : 'MISSING'} ${target.padEnd(10)} ${recipe.tag}  ${recipe.describe}`);
  }
  return 0;
}
