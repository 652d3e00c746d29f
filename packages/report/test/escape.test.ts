/**
 * The escaping functions every formatter relies on, one by one.
 */
import { describe, expect, it } from '@jest/globals';
import {
  codeBlock,
  codeFence,
  escapeHtml,
  escapeMarkdown,
  inlineCode,
  jsonText,
  markdownTrusted,
  mermaidLabel,
  stripControl,
  tableCode,
  workflowData,
  workflowProperty,
} from '../src/index.js';
import { decodeWorkflow, FORBIDDEN_CONTROLS, stripCodeSpans } from './checks.js';
import { HOSTILE } from './fixtures.js';

describe('stripControl', () => {
  it.each([
    ['CSI colour', 'a\u001b[31mred\u001b[0mb', 'aredb'],
    ['CSI clear screen', 'x\u001b[2Jy', 'xy'],
    ['CSI with private parameters', 'x\u001b[?25ly', 'xy'],
    ['OSC 8 hyperlink ended by BEL', '\u001b]8;;http://evil\u0007link\u001b]8;;\u0007', 'link'],
    ['OSC title ended by ST', '\u001b]0;pwned\u001b\\text', 'text'],
    // The ESC goes; the final byte of a two-character escape (ESC c, a reset) stays as text.
    ['single-character escape', 'a\u001bcb', 'acb'],
    ['Fe escape', 'a\u001bMb', 'ab'],
    ['C1 CSI', 'a\u009b31mb', 'ab'],
    ['C1 NEL and other C1', 'a\u0085b\u0090c\u009dd', 'abcd'],
    ['bidi overrides and isolates', '\u202eabc\u202c\u2066d\u2069', 'abcd'],
    ['line separators', 'a\u2028b\u2029c', 'abc'],
    ['NUL, BEL, BS, DEL, CR', 'a\u0000b\u0007c\u0008d\u007fe\rf', 'abcdef'],
  ])('removes %s', (_name, input, expected) => {
    expect(stripControl(input)).toBe(expected);
  });

  it('keeps tabs, newlines and ordinary Unicode', () => {
    expect(stripControl('a\tb\nc — ü ✓ 日本')).toBe('a\tb\nc — ü ✓ 日本');
  });

  it('leaves no forbidden control in the hostile sample', () => {
    const out = stripControl(HOSTILE);
    expect(out).not.toMatch(FORBIDDEN_CONTROLS);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('RED');
    expect(out).not.toContain('evil.invalid');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML metacharacters and the backtick', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
  });

  it('leaves no tag, no attribute break-out and no control character', () => {
    const out = escapeHtml(HOSTILE);
    expect(out).not.toMatch(/[<>"']/);
    expect(out).not.toMatch(FORBIDDEN_CONTROLS);
    expect(out).not.toContain('\u001b');
  });
});

describe('escapeMarkdown', () => {
  it('escapes Markdown syntax and neutralises HTML', () => {
    expect(escapeMarkdown('*bold* _it_ [x](y) `c` | ~s~ \\')).toBe('\\*bold\\* \\_it\\_ \\[x\\](y) \\`c\\` \\| \\~s\\~ \\\\');
    expect(escapeMarkdown('<script>alert(1)</script> & co')).toBe('&lt;script>alert(1)&lt;/script> &amp; co');
  });

  it('folds newlines so a value cannot start a new block', () => {
    expect(escapeMarkdown('a\n# heading\r\n> quote')).toBe('a # heading > quote');
  });

  it('escapes a leading block marker', () => {
    expect(escapeMarkdown('# h')).toBe('\\# h');
    expect(escapeMarkdown('  > q')).toBe('  \\> q');
    expect(escapeMarkdown('- item')).toBe('\\- item');
  });

  it('breaks bare URLs and e-mail addresses so they do not autolink', () => {
    const out = escapeMarkdown('see https://evil.example/x and www.evil.example and a@b.example');
    expect(out).not.toContain('https://');
    expect(out).not.toMatch(/www\./);
    expect(out).not.toContain('@');
  });

  it('cannot form a link from [text](javascript:...)', () => {
    const out = escapeMarkdown('[click](javascript:alert(1))');
    expect(out).toBe('\\[click\\](javascript:alert(1))');
  });
});

describe('markdownTrusted', () => {
  it('keeps inline code but neutralises HTML and table pipes', () => {
    expect(markdownTrusted('run `a | b` <b>now</b> & go')).toBe('run `a \\| b` &lt;b>now&lt;/b> &amp; go');
  });
});

describe('code fences and code spans', () => {
  it('a fence is longer than any backtick run inside', () => {
    expect(codeFence('plain')).toBe('```');
    expect(codeFence('a ``` b')).toBe('````');
    expect(codeFence('a ````` b ``')).toBe('``````');
  });

  it('codeBlock cannot be closed by its content', () => {
    const block = codeBlock('line\n```\n````\n</details>');
    const lines = block.split('\n');
    expect(lines[0]).toBe('`````text');
    expect(lines.at(-1)).toBe('`````');
    expect(lines.slice(1, -1).every((l) => !l.startsWith('`````'))).toBe(true);
  });

  it('codeBlock strips control characters and normalises line ends', () => {
    expect(codeBlock('a\r\nb\rc\u001b[31m')).toBe('```text\na\nb\nc\n```');
  });

  it.each([
    ['no backtick', 'abc', '`abc`'],
    ['one backtick (.NET generic arity)', 'Func`3 processResponse', '``Func`3 processResponse``'],
    ['a run of three and four', 'a ``` b ```` c', '`````a ``` b ```` c`````'],
    ['a leading backtick', '`x', '`` `x ``'],
  ])('inlineCode with %s keeps the whole text in one span', (_name, input, expected) => {
    const out = inlineCode(input);
    expect(out).toBe(expected);
    expect(stripCodeSpans(out)).toBe('`code`');
  });

  it('inlineCode folds newlines', () => {
    expect(inlineCode('a\nb')).toBe('`a b`');
  });

  it('tableCode escapes pipes so a table cell stays one cell', () => {
    expect(tableCode('a | b')).toBe('`a \\| b`');
  });
});

describe('mermaidLabel', () => {
  it('keeps only characters that cannot end a statement', () => {
    expect(mermaidLabel('a:b;c%%{init}\n#x')).toBe('a b c init x');
    expect(mermaidLabel('<script>alert(1)</script>')).toBe('script alert(1) /script');
  });

  it('is never empty and never long', () => {
    expect(mermaidLabel(':::')).toBe('item');
    expect(mermaidLabel('x'.repeat(100))).toHaveLength(60);
  });
});

describe('workflow command escaping', () => {
  it('data: % and LF are encoded (CR is dropped); the runner decodes them back', () => {
    const data = workflowData('100% done\r\nnext line %0A');
    expect(data).toBe('100%25 done%0Anext line %250A');
    expect(decodeWorkflow(data)).toBe('100% done\nnext line %0A');
  });

  it('properties also encode : and ,', () => {
    const p = workflowProperty('a: b, c::d');
    expect(p).toBe('a%3A b%2C c%3A%3Ad');
    expect(decodeWorkflow(p, true)).toBe('a: b, c::d');
  });

  it('strips terminal escapes', () => {
    expect(workflowData('\u001b[31mx\u009b')).toBe('x');
  });
});

describe('jsonText', () => {
  it('escapes C1 controls, separators and bidi overrides, and parses back to the same value', () => {
    const value = { s: `a\u0085b\u009bc\u202ed\u2028e\u2066f\u007f`, esc: '\u001b[31m' };
    const text = jsonText(value);
    expect(text).not.toMatch(FORBIDDEN_CONTROLS);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is JSON.stringify for ordinary values', () => {
    const value = { a: [1, 'two', null], b: { c: 'ü ✓' } };
    expect(jsonText(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});
