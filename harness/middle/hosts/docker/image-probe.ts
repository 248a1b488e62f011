/**
 * What an image holds, asked before a run starts anything: whether commands are on its PATH and files
 * exist in it, answered by its own `/bin/sh` in a throw-away container (no network, removed by the
 * daemon as it exits, so even a controller killed meanwhile leaves nothing). The container runs from the
 * image's working directory and PATH, as a server started from it does.
 */
import type Docker from 'dockerode';

/** What to look for: commands (`command -v`) and files (`test -e`). */
export interface ImageNeeds {
  commands?: readonly string[];
  files?: readonly string[];
}

/** Prints `c:NAME` / `f:PATH` for each missing one, then `end`, so a cut-off answer is told apart. */
const PROBE = 'for n in "$@"; do case "$n" in f:*) [ -e "${n#f:}" ] || echo "$n";; c:*) command -v "${n#c:}" >/dev/null 2>&1 || echo "$n";; esac; done; echo end';

/**
 * The commands and files of `needs` that `image` lacks (`/bin/sh` itself when it has none). Throws
 * when the daemon cannot run the image at all.
 */
export async function imageLacks(docker: Docker, image: string, needs: ImageNeeds): Promise<{ commands: string[]; files: string[]; shell: boolean }> {
  const args = [...(needs.commands ?? []).map((c) => `c:${c}`), ...(needs.files ?? []).map((f) => `f:${f}`)];
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/bin/sh'],
    Cmd: ['-c', PROBE, 'sh', ...args],
    Tty: true,
    Labels: { 'faultline.probe': String(process.pid) },
    HostConfig: { AutoRemove: true, NetworkMode: 'none' },
  });
  let text = '';
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    // The last line says the probe is done; the attach stream itself may end well after the container.
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
      stream.on('data', (d: Buffer) => {
        text += d.toString('utf8');
        if (/(^|\n)end\r?\n/.test(text)) resolve();
      });
    });
    try {
      await container.start();
    } catch (err) {
      (stream as unknown as { destroy(): void }).destroy();
      // No shell to run: the daemon says the executable is not found (and the container stays created).
      if (/no such file|not found|executable file/i.test((err as Error).message)) return { commands: [], files: [], shell: false };
      throw err;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((r) => { timer = setTimeout(r, 30_000); })]);
    clearTimeout(timer);
    (stream as unknown as { destroy(): void }).destroy();
  } finally {
    // Removed by the daemon once it exited (this covers a start that failed); gone before we answer.
    await container.remove({ force: true }).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      container.wait({ condition: 'removed' }).catch(() => undefined),
      new Promise((r) => { timer = setTimeout(r, 5_000); }),
    ]);
    clearTimeout(timer);
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (!lines.includes('end')) throw new Error(`probing the image ${image} gave no answer: ${text.trim().slice(0, 200)}`);
  return {
    commands: lines.filter((l) => l.startsWith('c:')).map((l) => l.slice(2)),
    files: lines.filter((l) => l.startsWith('f:')).map((l) => l.slice(2)),
    shell: true,
  };
}
