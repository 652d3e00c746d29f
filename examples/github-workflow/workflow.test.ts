/**
 * Runs the shell steps of runlog-diagnose.yml the way a runner would, against a fake runner
 * folder holding a bundled example `_diag`: the workflow cannot run on GitHub from CI, but its
 * scripts can. `npx -y pnpm@10 --silent runlog` is swapped for the built CLI.
 */
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const WORKFLOW = readFileSync(join(ROOT, 'examples/github-workflow/runlog-diagnose.yml'), 'utf8');

/** The `run: |` script of the step with this name (indentation-based: enough for this file). */
function stepScript(name: string): string {
  const lines = WORKFLOW.split('\n');
  const start = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  if (start < 0) throw new Error(`no step named ${name}`);
  const runAt = lines.findIndex((l, i) => i > start && l.trim() === 'run: |');
  const indent = lines[runAt]!.indexOf('run:') + 2;
  const body: string[] = [];
  for (let i = runAt + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() !== '' && l.length - l.trimStart().length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n').replace(/npx -y pnpm@10 --silent runlog/g, `node ${JSON.stringify(CLI)}`);
}

let tmp: string;
let runnerRoot: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'runlog-workflow-'));
  runnerRoot = join(tmp, 'actions-runner');
  mkdirSync(join(runnerRoot, '_work', 'widgets'), { recursive: true });
  cpSync(join(ROOT, 'examples/diag/session-conflict/_diag'), join(runnerRoot, '_diag'), { recursive: true });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmp, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the self-diagnosing workflow', () => {
  it('finds the runner root from RUNNER_WORKSPACE and exports it', () => {
    const githubEnv = join(tmp, 'github_env');
    writeFileSync(githubEnv, '');
    const r = run(stepScript("Find the runner's _diag folder"), { RUNNER_WORKSPACE: join(runnerRoot, '_work', 'widgets'), GITHUB_ENV: githubEnv });
    expect(r.status).toBe(0);
    expect(readFileSync(githubEnv, 'utf8')).toBe(`RUNNER_ROOT=${runnerRoot}\n`);
  });

  it('fails with an annotation when no _diag can be found', () => {
    // HOME elsewhere too: $HOME/actions-runner is the last place the step looks.
    const r = run(stepScript("Find the runner's _diag folder"), { RUNNER_WORKSPACE: join(tmp, 'nowhere', 'x'), GITHUB_ENV: join(tmp, 'env2'), HOME: join(tmp, 'nowhere') });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=runlog::No _diag\/Runner_\*\.log found/m);
  });

  it('writes a redacted Markdown report to the job summary without failing the job', () => {
    const summary = join(tmp, 'summary.md');
    writeFileSync(summary, '');
    const r = run(stepScript('Write the report to the job summary'), { RUNNER_ROOT: runnerRoot, GITHUB_STEP_SUMMARY: summary, SINCE: '' });
    expect(r.status).toBe(0);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## runlog: /);
    expect(md).toContain('`session_conflict`');
    expect(md).toMatch(/Redacted for sharing/);
  });

  it('annotates the run, and fails the step only at the chosen severity', () => {
    const lenient = run(stepScript('Annotate the run with the diagnosed causes'), { RUNNER_ROOT: runnerRoot, FAIL_ON: 'none', SINCE: '' });
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toMatch(/^::error title=runlog%3A Session conflict/m);
    const strict = run(stepScript('Annotate the run with the diagnosed causes'), { RUNNER_ROOT: runnerRoot, FAIL_ON: 'error', SINCE: '' });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/runlog found a cause of severity 'error' or worse/);
  });
});
