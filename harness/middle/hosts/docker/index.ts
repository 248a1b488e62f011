/**
 * The `docker` environment: one container per node on a bridge network of a Docker daemon on this
 * machine (`--env docker`). Its flags, what it needs here, its preflight (a daemon answers, the
 * target's image exists), provisioning, and cleanup by label.
 */
import { setupCommand } from '../../setup/catalog.js';
import { flagOf, type EnvironmentKind } from '../environment.js';
import { command, type Requirement } from '../preflight.js';
import { cleanupDocker, summarize } from './cleanup.js';
import { dockerClient, dockerHostOf, isLocalDaemon, reachDaemon } from './client.js';
import { DOCKER_PAUSE } from './host.js';
import { resolveImage } from './images.js';
import { provisionDocker } from './network.js';

/** The local socket as a requirement (a tcp:// or ssh:// daemon is checked by the preflight instead). */
function socketRequirement(): Requirement[] {
  const host = dockerHostOf();
  if (!isLocalDaemon(host)) return [];
  const path = host.replace(/^unix:\/\//, '');
  return [{ what: `a Docker daemon socket at ${path}`, present: (p) => p.hasFile(path), install: `${setupCommand(undefined, 'docker')} (installs docker.io and starts dockerd)` }];
}

export const dockerEnvironment: EnvironmentKind = {
  name: 'docker',
  summary: 'one container per node on a bridge network of a local Docker daemon (root; docker.io, util-linux nsenter, iptables)',
  requirements: () => [
    command('nsenter', 'util-linux'),
    command('iptables', 'iptables'),
    command('iptables-restore', 'iptables'),
    command('tc', 'iproute2'),
    ...socketRequirement(),
  ],
  flags: [
    { name: 'image', kind: 'value', help: '--env docker: the image to run (default: the one `faultline images build --target T` builds)' },
    { name: 'docker-host', kind: 'value', help: '--env docker: the daemon (default DOCKER_HOST, else unix:///var/run/docker.sock)' },
    DOCKER_PAUSE,
  ],
  serversFromImages: true,
  async preflight({ target, flags }) {
    const daemon = await reachDaemon(flagOf(flags, 'docker-host'));
    await resolveImage(daemon.docker, target, flagOf(flags, 'image'));
  },
  provision: (opts) => provisionDocker(opts),
  async cleanup(opts) {
    // No daemon answering is no reason to keep the host's share (rules, helpers) of dead runs.
    const docker = await reachDaemon().then((d) => d.docker).catch(() => undefined);
    const { reports, skipped } = await cleanupDocker(docker, opts);
    return { skipped, reports: reports.map(summarize) };
  },
};

export { dockerClient, reachDaemon };
