/**
 * The placeholders of --start and --peers-format: unknown ones refused by name, known ones filled
 * per node and shell-quoted (the filled command runs under sh -c).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { checkPlaceholders, DEFAULT_PEERS_FORMAT, fillCommand, peersText, shellQuote, START_PLACEHOLDERS, type NodeValues } from '../../../targets/custom/placeholders.js';

const nodes: NodeValues[] = [1, 2, 3].map((i) => ({ node: `n${i}`, id: i, host: `10.0.0.${i}`, port: 8080, peerPort: 7000, data: `/store/run it/nodes/n${i}/data` }));

describe('placeholders', () => {
  it.each([
    ['{nodes}', '{nodes}'],
    ['{Node}', '{Node}'],
    ['{peer_port}', '{peer_port}'],
    ['{}', '{}'],
  ])('refuses %s by name', (template, named) => {
    expect(() => checkPlaceholders('start', `srv ${template}`, Object.keys(START_PLACEHOLDERS))).toThrow(InputError);
    expect(() => checkPlaceholders('start', `srv ${template}`, Object.keys(START_PLACEHOLDERS))).toThrow(`--start names the unknown placeholder ${named};`);
  });

  it('accepts every documented placeholder and text that only looks like one (a JSON brace with spaces)', () => {
    expect(() => checkPlaceholders('start', `srv ${Object.keys(START_PLACEHOLDERS).map((p) => `{${p}}`).join(' ')} '{ "a": 1 }'`, Object.keys(START_PLACEHOLDERS))).not.toThrow();
  });

  it('fills a node, its peers in the peers format, and quotes a path with a space', () => {
    const peers = peersText(DEFAULT_PEERS_FORMAT, nodes);
    expect(peers).toBe('n1=10.0.0.1:7000,n2=10.0.0.2:7000,n3=10.0.0.3:7000');
    expect(peersText('{id}@http://{host}:{port}', nodes)).toBe('1@http://10.0.0.1:8080,2@http://10.0.0.2:8080,3@http://10.0.0.3:8080');
    expect(fillCommand('srv --name {node} --id {id} --listen {host}:{port} --peers {peers} --dir {data}', nodes[1], peers))
      .toBe("srv --name n2 --id 2 --listen 10.0.0.2:8080 --peers n1=10.0.0.1:7000,n2=10.0.0.2:7000,n3=10.0.0.3:7000 --dir '/store/run it/nodes/n2/data'");
  });

  it('quotes what the shell would split or expand', () => {
    expect(shellQuote('plain-1.2/x:y')).toBe('plain-1.2/x:y');
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });
});
