import { describe, expect, it } from 'vitest';
import { esc, jsonForScript, xmlEsc } from '../../../reports/escape.js';

const NASTY = ['</script><script>alert(1)</script>', '<!-- x', '"\'&<>', 'line\u2028sep\u2029', '<\/SCRIPT >'];

describe('escaping', () => {
  it.each(NASTY)('jsonForScript(%j) holds no markup and parses back to the same value', (s) => {
    const value = { s, list: [s], [s]: s };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('esc escapes text and attribute delimiters; xmlEsc also drops characters XML cannot hold', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(xmlEsc('a\u0000b\u001bc"\'<')).toBe('a\ufffdb\ufffdc&quot;&apos;&lt;');
  });
});
