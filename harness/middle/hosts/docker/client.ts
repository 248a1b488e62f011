/**
 * Reaching the Docker daemon: which address (`--docker-host`, else `DOCKER_HOST`, else the local
 * socket), a dockerode client for it, and a ping that turns "nothing answers" into one sentence
 * naming the address tried and how to start a daemon — the most common first failure of `--env docker`.
 */
import { setupCommand } from '../../setup/catalog.js';
import Docker from 'dockerode';
import { InputError } from '../../../ground/history/errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** The daemon address a run uses: the flag, then `DOCKER_HOST`, then the local socket. */
export function dockerHostOf(flag?: string): string {
  return flag ?? (process.env.DOCKER_HOST || DEFAULT_DOCKER_HOST);
}

/** True when the daemon runs on this machine (faults enter its containers' namespaces from here). */
export function isLocalDaemon(host: string): boolean {
  return host.startsWith('unix://') || host.startsWith('/');
}

/** dockerode options for an address as docker-modem accepts them: unix://, tcp://, http(s)://, ssh://. */
export function modemOptions(host: string): Docker.DockerOptions {
  if (host.startsWith('/')) return { socketPath: host };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new InputError(`--docker-host "${host}" is not an address like unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://USER@HOST`);
  }
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: url.pathname };
    case 'tcp:':
    case 'http:':
      return { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) };
    case 'https:':
      return { protocol: 'https', host: url.hostname, port: Number(url.port || 2376) };
    case 'ssh:':
      return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined };
    default:
      throw new InputError(`--docker-host "${host}" has the scheme ${url.protocol}; use unix://, tcp://, https:// or ssh://`);
  }
}

export function dockerClient(host: string): Docker {
  return new Docker(modemOptions(host));
}

export interface DaemonInfo {
  docker: Docker;
  host: string;
  version: string;
  apiVersion: string;
  storageDriver: string;
}

/** How to get a daemon answering on `host`. */
export function startHint(host: string): string {
  return isLocalDaemon(host)
    ? `start one with \`${setupCommand(undefined, 'docker')}\` (or \`setsid dockerd >/var/log/dockerd.log 2>&1 &\`), or point --docker-host or DOCKER_HOST at a running daemon`
    : 'check that the daemon there is running and reachable, or point --docker-host or DOCKER_HOST at another one';
}

/** Connects and asks the daemon its version; an InputError in one sentence when nothing answers. */
export async function reachDaemon(flag?: string, timeoutMs = 5_000): Promise<DaemonInfo> {
  const host = dockerHostOf(flag);
  const docker = dockerClient(host);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); });
    const [version, info] = await Promise.race([Promise.all([docker.version(), docker.info() as Promise<{ Driver?: string }>]), timeout]);
    return { docker, host, version: version.Version, apiVersion: version.ApiVersion, storageDriver: info.Driver ?? '?' };
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new InputError(`no Docker daemon answers on ${host} (${why}); ${startHint(host)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when a dockerode progress stream (build, import) ends; rejects on its first error event. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, onLine?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
      if (err) return reject(err);
      const failed = output.find((o) => o.error || o.errorDetail);
      if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error));
      resolve();
    }, (event: { stream?: string; status?: string }) => {
      const line = (event.stream ?? event.status ?? '').trimEnd();
      if (line && onLine) onLine(line);
    });
  });
}
