/**
 * What `faultline doctor` says about `--env docker`: the daemon (its address, version and storage
 * driver, or why it does not answer and how to start one) and, per target, whether its image is there
 * or the command that builds it.
 */
import { dockerHostOf, reachDaemon, startHint } from './client.js';
import { BUILD_COMMAND, IMAGE_TARGETS, imagePresent, targetRecipe, type ImageRecipe } from './images.js';

/** One doctor line (the shape of doctor-command's DoctorCheck). */
export interface DockerCheck {
  name: string;
  ok: boolean;
  detail: string;
  for: string;
  install?: string;
}

/**
 * `extra`: images besides the targets' own (the bundled Raft's, which the controller passes in), each
 * with the runs it is for.
 */
export async function dockerChecks(flag?: string, extra: readonly { recipe: () => ImageRecipe; for: string }[] = []): Promise<DockerCheck[]> {
  const host = dockerHostOf(flag);
  const daemon = await reachDaemon(flag, 3_000).catch((e: Error) => e);
  if (daemon instanceof Error) {
    return [{ name: 'docker daemon', ok: false, detail: `nothing answers on ${host}`, for: '--env docker', install: startHint(host) }];
  }
  const checks: DockerCheck[] = [{
    name: 'docker daemon', ok: true,
    detail: `${daemon.host}: Docker ${daemon.version} (API ${daemon.apiVersion}), storage driver ${daemon.storageDriver}`,
    for: '--env docker',
  }];
  const images = [
    ...IMAGE_TARGETS.map((target) => ({ recipe: () => targetRecipe(target), for: `--target ${target} --env docker` })),
    ...extra,
  ];
  for (const image of images) {
    let recipe: ImageRecipe;
    try {
      recipe = image.recipe();
    } catch (err) {
      checks.push({ name: 'image', ok: false, detail: (err as Error).message, for: image.for });
      continue;
    }
    const present = await imagePresent(daemon.docker, recipe.tag);
    checks.push({
      name: `image ${recipe.name}`, ok: present,
      detail: present ? recipe.tag : `${recipe.tag} missing (${recipe.describe})`,
      for: image.for,
      install: present ? undefined : `sudo ${BUILD_COMMAND} --target ${recipe.name}`,
    });
  }
  return checks;
}
