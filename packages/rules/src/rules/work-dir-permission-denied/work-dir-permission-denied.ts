/**
 * F42: the runner cannot read or write its own directories (root, _work, _work/_temp, _diag).
 *
 * Signatures: `Permission to read the directory contents is required for '<dir>'` (Listener
 * start, exit 1), `Fail to create and validate runner's work directory '<dir>'` (v2.332.0+, exit
 * 1), and in the Runner or Worker logs `UnauthorizedAccessException: Access to the path '<p>' is
 * denied.` with its inner `System.IO.IOException: Permission denied` (e.g. TempDirectoryManager
 * cleaning `_work/_temp`). Root-owned files under `_temp/_github_home` or `_github_workflow` are
 * typically left by container steps running as root.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { createRule } from '../../types.js';
import { exceptionTexts } from '../../classify.js';

const SIGNATURES: RegExp[] = [
  /Permission to read the directory contents is required for '([^']+)'/i,
  /Fail to create and validate (?:runner|agent)'s work directory '([^']+)'/i,
  /Access to the path '([^']+)' is denied/i,
  /IOException: Permission denied(?:\s*:\s*'([^']+)')?/i,
];
/** Paths the runner touches for unrelated reasons (its oom_score_adj tweak is logged at INFO anyway). */
const IGNORED_PATHS = [/^\/proc\//, /oom_score_adj/];
const CONTAINER_PATHS = /[\\/]_temp[\\/]_github_(?:home|workflow)(?:[\\/]|$)/i;
const CLEANUP_COMPONENTS = new Set(['TempDirectoryManager']);

function textsOf(e: RunlogEvent): string[] {
  const problem = e.level === 'ERR' || e.level === 'WARN' || e.level === 'CRIT';
  switch (e.kind) {
    case 'exception':
      return problem ? exceptionTexts(e) : [];
    case 'terminal.error':
      return [e.message];
    case 'step.error':
      return [e.message];
    case 'worker.output':
      return e.lines;
    case 'unrecognized':
      return problem ? [e.text] : [];
    default:
      return [];
  }
}

export default createRule({
  meta: {
    id: 'work-dir-permission-denied',
    cause: 'work_dir_permission_denied',
    title: 'The runner cannot access its work, temp or diag directory',
    type: 'root-cause',
    severity: 'error',
    messages: {
      denied:
        'The runner was denied access to {{paths}}{{where}} ({{count}} time(s), {{first}} to {{last}}){{impact}}.{{container}}',
    },
    docs: {
      description:
        'The runner user must be able to read, write and traverse the runner directory, its `_work` folder (including `_work/_temp`) and `_diag`. When a parent directory is not traversable, the work folder is on a read-only or restricted mount, or files in `_work` belong to another user (typically root, created by container steps), the runner stops at start or jobs fail while it prepares or cleans their directories.',
      confirm: [
        'As the runner user: `sudo -u <runner-user> ls -la <path>` for the path in the message, and `namei -l <path>` to see which parent is not traversable.',
        'Find files not owned by the runner user: `find <runner>/_work ! -user <runner-user> | head`.',
        'On SELinux systems: `ls -Z <path>` and `ausearch -m avc -ts recent`.',
      ],
      catalog: ['F42'],
    },
    remedy: {
      temporary: [
        'Give the files back to the runner user: `sudo chown -R <runner-user>:<runner-group> <runner>/_work` (or delete the offending folder, e.g. `sudo rm -rf <runner>/_work/_temp/*`), then re-run the job.',
        'If the runner stopped at start, fix the permission of the directory it names (and each parent: `chmod o+x` / `chmod u+rx`) and start it again.',
      ],
      permanent: [
        'Run container steps as the runner\'s UID/GID (`options: --user <uid>:<gid>` or a non-root image user), or add a cleanup step/job hook (ACTIONS_RUNNER_HOOK_JOB_STARTED / _COMPLETED) that fixes ownership of _work after container jobs.',
        'Install the runner in a directory the runner user owns, on a writable filesystem, with every parent directory traversable.',
      ],
      prevention: [
        'Use ephemeral runners (a fresh work directory per job) when jobs run containers as root.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/running-scripts-before-or-after-a-job',
      ],
    },
  },
  create(context) {
    const denied = new Occurrences(context, 3, 2);
    const paths: string[] = [];
    let fatal = false;
    let jobImpact = false;
    let cleanupOnly = true;
    const files = new Set<string>();
    /** Recent Worker files whose job failed, and whether one of them also had a denial. */
    const failedJobs = new RecentMap<string, true>();
    let deniedJobFailed = false;

    const observe = (e: RunlogEvent): void => {
      if (e.process === 'selfupdate') return;
      const texts = textsOf(e);
      if (texts.length === 0) return;
      let matched = false;
      for (const t of texts) {
        for (const re of SIGNATURES) {
          const m = re.exec(t);
          if (m === null) continue;
          const path = m[1] ?? null;
          if (path !== null && IGNORED_PATHS.some((p) => p.test(path))) return;
          matched = true;
          if (path !== null && !paths.includes(path)) paths.push(path);
        }
      }
      if (!matched) return;
      denied.add(e);
      files.add(e.source.file);
      if (failedJobs.has(e.source.file)) deniedJobFailed = true;
      if (!CLEANUP_COMPONENTS.has(e.component)) cleanupOnly = false;
      if (e.process === 'runner' || e.process === 'agent') {
        if (e.kind === 'terminal.error' || e.component === 'Listener' || e.component === 'AgentProcess') fatal = true;
      }
      if (e.kind === 'step.error' || e.component === 'JobRunner') jobImpact = true;
    };

    return {
      exception: observe,
      'terminal.error': observe,
      'step.error': observe,
      'worker.output': observe,
      unrecognized: observe,
      'runner.exited'(e) {
        if (!denied.empty && e.code === 1) {
          fatal = true;
          denied.context(e);
        }
      },
      'worker.job_result'(e) {
        if (e.result !== 'Failed') return;
        failedJobs.set(e.source.file, true);
        if (files.has(e.source.file)) deniedJobFailed = true;
      },
      end() {
        const summary = denied.summary();
        if (summary === null || denied.empty) return;
        const jobFailed = jobImpact || deniedJobFailed;
        const shown = paths.slice(0, 3).map((p) => `'${p}'`).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more path(s)` : '');
        const container = paths.some((p) => CONTAINER_PATHS.test(p))
          ? " The files under _work/_temp/_github_home or _github_workflow were probably left by a container step running as root (job containers and container actions write into the mounted _temp as root), so the runner user cannot delete them."
          : '';
        const impact = fatal
          ? '; the runner stopped with exit code 1'
          : jobFailed
            ? '; the job failed'
            : cleanupOnly
              ? '; the runner could not clean up after the job, and the leftover files can make later jobs fail'
              : '';
        const where = cleanupOnly ? ' while cleaning its temp folder' : '';
        context.report({
          messageId: 'denied',
          data: {
            paths: shown.length > 0 ? shown : 'one of its directories',
            where,
            count: denied.count,
            first: summary.firstSeen ?? 'unknown',
            last: summary.lastSeen ?? 'unknown',
            impact,
            container,
          },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count: denied.count,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: fatal || jobFailed ? 'error' : 'warning',
          confidence: { level: 'high', reason: 'the OS denied the runner access to a path under its own directories' },
          conclusive: fatal && summary.evidence.some((ev) => ev.excerpt.includes('WRITE ERROR')),
        });
      },
    };
  },
});
