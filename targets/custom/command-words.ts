/**
 * What a `--start` or `--health` command needs where it runs: the program it runs (its first word,
 * since it runs as `exec COMMAND`) and the absolute paths of this machine it names (a script, a config
 * file). With `--env docker` they must be in the image, with `--env ssh` on every host; both are looked
 * for before any server starts, so `node /home/me/server.mjs` is refused in one sentence instead of a
 * node that exits at start. Words the shell would expand (`$X`, `` `…` ``, globs) or that hold a
 * placeholder are not known before the run and are not looked for.
 */
import fs from 'node:fs';

/** The words of a command as `sh` splits them, each with whether it is known before the run. */
export function shellWords(command: string): { word: string; known: boolean }[] {
  const out: { word: string; known: boolean }[] = [];
  let word = '';
  let known = true;
  let inWord = false;
  const end = (): void => {
    if (inWord) out.push({ word, known });
    word = '';
    known = true;
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (/\s/.test(c)) { end(); continue; }
    inWord = true;
    if (c === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) { known = false; word += command.slice(i + 1); break; }
      word += command.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length) { word += command[++j]; continue; }
        if (command[j] === '$' || command[j] === '`') known = false;
        word += command[j];
      }
      if (j >= command.length) known = false;
      i = j;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
    } else {
      if ('$`*?[]{}()<>|;&~'.includes(c)) known = false;
      word += c;
    }
  }
  end();
  return out;
}

export interface CommandNeeds {
  /** The program, when known: a name looked up on the PATH, or an absolute path. */
  program?: string;
  /** Absolute paths the command names that exist on this machine (other than the program). */
  paths: string[];
}

/**
 * The program of `command` and the paths of this machine it names (`--flag=/path` counts too). A
 * relative program (`./server`) depends on the directory it starts in and is left to the start.
 */
export function commandNeeds(command: string, exists: (path: string) => boolean = fs.existsSync): CommandNeeds {
  const words = shellWords(command);
  const first = words[0];
  const program = first?.known && (first.word.startsWith('/') || !first.word.includes('/')) && first.word !== '' ? first.word : undefined;
  const paths = new Set<string>();
  for (const w of words.slice(1)) {
    if (!w.known) continue;
    const path = w.word.startsWith('/') ? w.word : /^--?[\w.-]+=(\/.*)$/.exec(w.word)?.[1];
    if (path !== undefined && path !== program && exists(path)) paths.add(path);
  }
  return { program, paths: [...paths] };
}
