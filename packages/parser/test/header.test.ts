/**
 * The trace header grammar (spec §2.1, §2.8): `[<u timestamp> <TYPE> <source>] message`,
 * the container host token, headers whose timestamp a ticket cut off, and the lines that only
 * look like headers.
 */
import { describe, expect, it } from '@jest/globals';
import { classifyFileName, parseHeader } from '../src/index.js';

describe('parseHeader', () => {
  it('reads timestamp, level, source and message of a plain trace line', () => {
    expect(parseHeader('[2024-11-21 14:05:48Z INFO MessageListener] Session created.')).toEqual({
      rawTime: '2024-11-21 14:05:48Z',
      level: 'INFO',
      component: 'MessageListener',
      host: null,
      message: 'Session created.',
    });
  });

  it('normalises the padded ERR token (two spaces before the source)', () => {
    const h = parseHeader('[2024-11-21 14:05:48Z ERR  MessageListener] Catch exception during create session.');
    expect(h?.level).toBe('ERR');
    expect(h?.component).toBe('MessageListener');
    expect(h?.message).toBe('Catch exception during create session.');
  });

  it.each([
    ['WARN', 'WARN'],
    ['VERB', 'VERB'],
    ['CRIT', 'CRIT'],
    ['Start', 'OTHER'],
    ['Transfer', 'OTHER'],
  ] as const)('accepts the %s level token', (token, level) => {
    expect(parseHeader(`[2024-11-21 14:05:48Z ${token} HostContext] x`)?.level).toBe(level);
  });

  it('keeps trailing spaces of the message (`Culture: `, `WRITE LINE: `)', () => {
    expect(parseHeader('[2025-12-09 06:58:12Z INFO Listener] Culture: ')?.message).toBe('Culture: ');
    expect(parseHeader('[2025-12-09 06:58:14Z INFO Terminal] WRITE LINE: ')?.message).toBe('WRITE LINE: ');
  });

  it('reads a header with an empty message (the header was flushed, then the process was killed)', () => {
    expect(parseHeader('[2024-08-20 14:06:30Z ERR  Worker] ')).toMatchObject({ component: 'Worker', level: 'ERR', message: '' });
    expect(parseHeader('[2024-08-20 14:06:30Z ERR  Worker]')).toMatchObject({ component: 'Worker', message: '' });
  });

  it.each(['RUNNER', 'WORKER', 'AGENT'] as const)('reads the container stdout host token [%s ...]', (host) => {
    expect(parseHeader(`[${host} 2024-05-06 19:27:36Z INFO Terminal] WRITE LINE: hello`)).toEqual({
      rawTime: '2024-05-06 19:27:36Z',
      level: 'INFO',
      component: 'Terminal',
      host,
      message: 'WRITE LINE: hello',
    });
  });

  it('reads a header whose timestamp was cut off in a paste (`[ERR  MessageListener] ...`)', () => {
    expect(parseHeader('[ERR  MessageListener] Catch exception during create session.')).toEqual({
      rawTime: null,
      level: 'ERR',
      component: 'MessageListener',
      host: null,
      message: 'Catch exception during create session.',
    });
  });

  it.each([
    ['a stack frame', '   at GitHub.Runner.Listener.MessageListener.CreateSessionAsync(CancellationToken token)'],
    ['docker output in brackets', '[+] Building 0.0s (0/1)'],
    ['a JSON array line', '[ "a", "b" ]'],
    ['a bracketed word without level', '[notice] something'],
    ['a source with a space', '[2024-11-21 14:05:48Z INFO Message Listener] x'],
    ['no closing bracket', '[2024-11-21 14:05:48Z INFO MessageListener x'],
    ['a lower-case source without a timestamp', '[INFO foo] bar'],
    ['a malformed timestamp', '[2024-11-21 14:05:48 INFO MessageListener] x'],
    ['a SelfUpdate stamp', '[2024-06-10 12:15:31-4821] --------whoami--------'],
    ['an empty line', ''],
  ])('does not take %s for a header', (_name, line) => {
    expect(parseHeader(line)).toBeNull();
  });
});

describe('classifyFileName', () => {
  it.each([
    ['_diag/Runner_20241121-140548-utc.log', 'runner', '2024-11-21T14:05:48Z'],
    ['Worker_20251209-094108-utc.log', 'worker', '2025-12-09T09:41:08Z'],
    ['C:\\agent\\_diag\\Agent_20180717-191125-utc.log', 'agent', '2018-07-17T19:11:25Z'],
    ['Runner_20241121-140548-utc.log.gz', 'runner', '2024-11-21T14:05:48Z'],
    ['logs.zip!_diag/Worker_20240820-140002-utc.log', 'worker', '2024-08-20T14:00:02Z'],
    ['InternetCheck_20240702-101010-utc.log', 'check', '2024-07-02T10:10:10Z'],
    ['ActionsCheck_20240702-101012-utc.log', 'check', '2024-07-02T10:10:12Z'],
    ['GitCheck_20240702-101012-utc.log', 'check', '2024-07-02T10:10:12Z'],
    ['NodeJsCheck_20240702-101012-utc.log', 'check', '2024-07-02T10:10:12Z'],
    ['_diag/pages/5e0a7b3c_7a41c0de_1.log', 'page', null],
    ['runner-journal.txt', 'unknown', null],
    ['Runner_2024.log', 'unknown', null],
  ] as const)('%s is a %s file', (name, kind, time) => {
    const cls = classifyFileName(name);
    expect(cls.kind).toBe(kind);
    expect(cls.nameTime).toBe(time);
    expect(cls.nameTimeMs).toBe(time === null ? null : Date.parse(time));
  });

  it.each([
    ['SelfUpdate-20240610-101530.log', 'pending'],
    ['SelfUpdate-20240610-101530.log.succeed', 'succeed'],
    ['SelfUpdate-20240610-101530.log.failed', 'failed'],
    ['SelfUpdate-20240610-101530.log.succeedneedrestart', 'succeedneedrestart'],
  ] as const)('%s is a SelfUpdate log with outcome %s (name time in UTC, no -utc suffix)', (name, outcome) => {
    expect(classifyFileName(name)).toEqual({
      kind: 'selfupdate',
      nameTime: '2024-06-10T10:15:30Z',
      nameTimeMs: Date.parse('2024-06-10T10:15:30Z'),
      updateOutcome: outcome,
    });
  });
});
