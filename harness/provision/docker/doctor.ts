/**
 * What `faultline doctor` says about `--env docker`: the daemon (its address, version and storage
 * driver, or why it does not answer and how to start one) and, per target, whether its image is there
 * or the command that builds it.
 */
import { dockerHostOf, reachDaemon, startHint } from './client.js';
import { BUILD_COMMAND, IMAGE_TARGETS, imagePresent, targetRecipe } from './images.js';

/** One doctor line (the shape of doctor-command's DoctorCheck). */
export interface DockerCheck {
  name: string;
  ok: boolean;
  detail: string;
  for: string;
  install?: string;
}

export async function dockerChecks(flag?: string): Promise<DockerCheck[]> {
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
  for (const target of IMAGE_TARGETS) {
    const recipe = targetRecipe(target);
    const present = await imagePresent(daemon.docker, recipe.tag);
    checks.push({
      name: `image ${target}`, ok: present,
      detail: present ? recipe.tag : `${recipe.tag} missing (${recipe.describe})`,
      for: `--target ${target} --env docker`,
      install: present ? undefined : `sudo ${BUILD_COMMAND} --target ${target}`,
    });
  }
  return checks;
}
