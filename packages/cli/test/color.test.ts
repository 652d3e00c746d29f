/**
 * Colour: `--color`/`--no-color` win, then NO_COLOR (non-empty disables), then FORCE_COLOR,
 * then whether stdout is a terminal. Unit-tested on decideColor, then end to end.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decideColor } from '../src/color.js';
import { tempDir } from '../../report/test/fixtures.js';
import { FULL_SESSION, runlog, runMain } from './helpers.js';

// These tests start node processes on a machine shared with other work.
jest.setTimeout(60_000);

const SGR = /\u001b\[\d+m/;

describe('decideColor', () => {
  it.each([
    // flag, env, isTTY, expected
    [true, {}, false, true],
    [true, { NO_COLOR: '1' }, false, true],
    [false, {}, true, false],
    [false, { FORCE_COLOR: '1' }, true, false],
    [undefined, { NO_COLOR: '1' }, true, false],
    [undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    [undefined, { NO_COLOR: 'false' }, true, false],
    [undefined, { NO_COLOR: '' }, true, true],
    [undefined, { NO_COLOR: '' }, false, false],
    [undefined, { NO_COLOR: '', FORCE_COLOR: '1' }, false, true],
    [undefined, { FORCE_COLOR: '1' }, false, true],
    [undefined, { FORCE_COLOR: '3' }, false, true],
    [undefined, { FORCE_COLOR: 'true' }, false, true],
    [undefined, { FORCE_COLOR: '' }, false, true],
    [undefined, { FORCE_COLOR: '0' }, true, false],
    [undefined, { FORCE_COLOR: 'false' }, true, false],
    [undefined, { FORCE_COLOR: 'FALSE' }, true, false],
    [undefined, {}, true, true],
    [undefined, {}, false, false],
  ] as const)('flag %s, env %j, TTY %s → %s', (flag, env, isTTY, expected) => {
    expect(decideColor({ flag, env: { ...env }, isTTY })).toBe(expected);
  });
});

describe('end to end', () => {
  it('piped output has no escape codes by default', () => {
    const r = runlog(['analyze', FULL_SESSION]);
    expect(r.stdout).toContain('FAULT FOUND');
    expect(r.stdout).not.toContain('\u001b');
    // cli-table3 draws its borders without colour.
    expect(r.stdout).toMatch(/^┌─+┬─+┐$/m);
  });

  it('FORCE_COLOR=1 gives SGR codes, with grey table borders', () => {
    const r = runlog(['analyze', FULL_SESSION], { env: { FORCE_COLOR: '1' } });
    expect(r.stdout).toMatch(SGR);
    expect(r.stdout).toContain('\u001b[90m┌');
    expect(r.stdout).toContain('\u001b[31m\u001b[1mFAULT FOUND');
  });

  it('NO_COLOR=1 wins over FORCE_COLOR=1', () => {
    const r = runlog(['analyze', FULL_SESSION], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(r.stdout).not.toContain('\u001b');
  });

  it('FORCE_COLOR=0 keeps colour off', () => {
    expect(runlog(['analyze', FULL_SESSION], { env: { FORCE_COLOR: '0' } }).stdout).not.toContain('\u001b');
  });

  it('--color wins over NO_COLOR; --no-color wins over FORCE_COLOR', () => {
    expect(runlog(['analyze', FULL_SESSION, '--color'], { env: { NO_COLOR: '1' } }).stdout).toMatch(SGR);
    expect(runlog(['analyze', FULL_SESSION, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b');
  });

  it('colour on and off show the same words', () => {
    const plain = runlog(['analyze', FULL_SESSION, '--no-color']).stdout;
    const colour = runlog(['analyze', FULL_SESSION, '--color']).stdout.replace(/\u001b\[\d+m/g, '');
    // The timeline's legend differs (block glyphs with colour, ASCII without); the words do not.
    const words = (t: string): string[] =>
      t
        .split('\n')
        .filter((l) => !l.includes('connected ━') && !l.includes('connected ='))
        .join('\n')
        .split(/[\s│┌┐└┘├┤┬┴┼─━█▓░▮▯=#~.jJ]+/)
        .filter((w) => /[a-z]{3}/i.test(w));
    expect(words(colour)).toEqual(words(plain));
  });

  it('only the terminal format is ever coloured', () => {
    for (const format of ['json', 'markdown', 'html', 'github']) {
      expect([format, runlog(['analyze', FULL_SESSION, '--format', format], { env: { FORCE_COLOR: '1' } }).stdout.includes('\u001b')]).toEqual([format, false]);
    }
  });

  it('explain follows the same rules', () => {
    expect(runlog(['explain', 'session_conflict']).stdout).not.toContain('\u001b');
    expect(runlog(['explain', 'session_conflict'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(SGR);
    expect(runlog(['explain', 'session_conflict', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b');
  });
});

describe('in process, with a terminal', () => {
  const dir = tempDir('color');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a terminal gets colour unless NO_COLOR is set', async () => {
    expect((await runMain(['analyze', FULL_SESSION], { stdoutTTY: true })).stdout).toMatch(SGR);
    expect((await runMain(['analyze', FULL_SESSION], { stdoutTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b');
    expect((await runMain(['analyze', FULL_SESSION], { stdoutTTY: true, env: { FORCE_COLOR: '0' } })).stdout).not.toContain('\u001b');
  });

  it('a report written with --output is plain even from a terminal', async () => {
    const out = join(dir, 'report.txt');
    const r = await runMain(['analyze', FULL_SESSION, '--output', out], { stdoutTTY: true });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`runlog: wrote the terminal report to ${out}\n`);
    expect(readFileSync(out, 'utf8')).not.toContain('\u001b');
    expect(readFileSync(out, 'utf8')).toContain('FAULT FOUND');
  });
});
