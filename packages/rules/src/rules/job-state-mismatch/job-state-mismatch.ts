/**
 * F31: the service and the runner disagree about a job (a zombie job). When a new job request
 * arrives while the previous job still runs on the worker, the Listener asks the service about
 * the previous one: if the service already finished it, the runner cancels the zombie worker and
 * goes on; if the service no longer knows it, same; if the runner cannot ask, or the service says
 * the previous job is still running, the Listener throws and exits with code 2 (restart).
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, compareEvidence, evidenceOf, mergeSummaries } from '../../evidence.js';
import { createRule, type Confidence, type Evidence } from '../../types.js';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Lines after a mismatch statement within which its exception dump is logged. */
const DUMP_WINDOW_LINES = 6;

interface Form {
  re: RegExp;
  fatal: boolean;
  what: (m: RegExpExecArray) => string;
}

const FORMS: readonly Form[] = [
  {
    re: /^Received job request while previous job (\S+) still running on worker\..*with result: (\w+)/i,
    fatal: false,
    what: (m) => `the service had already finished the previous job (result ${m[2]}) while its worker was still running here; the runner cancelled that zombie worker`,
  },
  {
    re: /^Catch job-not-found exception while checking jobrequest (\S+) status/i,
    fatal: false,
    what: () => 'the service no longer knew the previous job while its worker was still running here; the runner cancelled that worker',
  },
  {
    re: /^We are not yet checking the state of jobrequest (\S+) status/i,
    fatal: false,
    what: () => 'a new job arrived while the previous one still ran on the worker; the runner cancelled the previous worker without asking the service (Run Service flow)',
  },
  {
    re: /^Catch exception while checking jobrequest (\S+) status/i,
    fatal: true,
    what: () => 'a new job arrived while the previous one still ran, and the runner could not ask the service about it; it cancelled the worker and stopped (exit code 2, restart)',
  },
  {
    re: /Server send a new job request while the previous job request (\S+) haven't finished/i,
    fatal: true,
    what: () => 'the service sent a new job while, by its own account, the previous job was still running; the runner stopped (exit code 2, restart)',
  },
  {
    re: /Job dispatch process for (\S+) has encountered unexpected error, the dispatch task is not able to be cancelled/i,
    fatal: true,
    what: () => 'the zombie job could not be cancelled within 45 seconds; the runner stopped (exit code 2, restart)',
  },
];

function match(text: string): { form: Form; m: RegExpExecArray } | null {
  for (const form of FORMS) {
    const m = form.re.exec(text);
    if (m !== null) return { form, m };
  }
  return null;
}

export default createRule({
  meta: {
    id: 'job-state-mismatch',
    cause: 'job_state_mismatch',
    title: 'Job state mismatch: GitHub and the runner disagree about a running job',
    type: 'root-cause',
    severity: 'error',
    messages: {
      mismatch: 'GitHub and this runner disagreed about {{jobs}} {{count}} time(s): {{details}}.',
    },
    docs: {
      description:
        'GitHub sends a runner one job at a time. When a new job arrives while the runner still runs the previous one, the two disagree: usually the runner missed that GitHub had already ended the previous job (a lost lock, a cancellation that never arrived), leaving a "zombie" worker. The runner cancels the zombie and goes on, or, when it cannot sort it out, stops with exit code 2 and is restarted.',
      confirm: [
        'In the Runner log: `Received job request while previous job <id> still running on worker.`, `Catch job-not-found exception while checking jobrequest <id> status.`, or the fatal `Server send a new job request while the previous job request <id> haven\'t finished.` followed by `An error occurred:` and a restart.',
        'Check the previous job on GitHub: it is usually shown as cancelled, failed or abandoned while this runner still worked on it.',
        'Look earlier in the log for lock renewal errors (`Catch exception during renew runner jobrequest`) or a long silent gap during that job.',
      ],
      catalog: ['F31'],
    },
    remedy: {
      temporary: [
        'Re-run the affected jobs. If the runner is stuck with a leftover worker, restart it: `sudo ./svc.sh stop && sudo ./svc.sh start` (check with `ps aux | grep Runner.Worker` that no worker is left).',
      ],
      permanent: [
        'Fix what made the runner miss the end of the previous job: unstable connectivity to GitHub during jobs (lock renewals failing), or a machine suspended mid-job.',
        'Keep the runner updated: state handling between the runner and GitHub improves across releases.',
      ],
      prevention: [
        'Watch for `job_lock_lost` and connectivity findings; they usually precede zombie jobs.',
      ],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    const statements = new Occurrences(context, 3, 2);
    const contextLines = new Occurrences(context, 0, 0, 4);
    const details: string[] = [];
    const jobs = new Set<string>();
    let fatal = false;
    let stated = false;
    let lastFatalMs: number | null = null;
    let exit: RunlogEvent | null = null;
    const dumps = new Map<string, number>();
    /** Each mismatch is logged by the dispatcher, then re-thrown: count a job's statements once. */
    const seen = new Set<string>();

    const record = (e: RunlogEvent, text: string, asTrigger: boolean): void => {
      const hit = match(text);
      if (hit === null) return;
      const id = GUID.exec(hit.m[1] ?? '')?.[0] ?? hit.m[1] ?? null;
      const key = `${hit.form.re.source}\u0000${id ?? ''}`;
      if (asTrigger) statements.add(e);
      else contextLines.context(e);
      if (hit.form.fatal) {
        fatal = true;
        lastFatalMs = e.time === null ? lastFatalMs : Date.parse(e.time);
      }
      if (seen.has(key)) return;
      seen.add(key);
      if (id !== null) jobs.add(id);
      details.push(`${hit.form.what(hit.m)}${e.time !== null ? ` (${e.time})` : ''}`);
    };

    return {
      'job.state_mismatch'(e) {
        record(e, e.text, true);
        dumps.set(e.source.file, e.source.endLine);
      },
      exception(e) {
        if (match(e.message) !== null) {
          record(e, e.message, true);
          return;
        }
        // The exception dumped right under a mismatch statement (`Trace.Error(ex)`).
        const after = dumps.get(e.source.file);
        if (after !== undefined && e.component === 'JobDispatcher' && e.source.line > after && e.source.line <= after + DUMP_WINDOW_LINES) {
          contextLines.context(e);
          dumps.set(e.source.file, e.source.endLine);
        }
      },
      'terminal.error'(e) {
        if (match(e.message) !== null) {
          stated = true;
          record(e, e.message, true);
        }
      },
      'runner.exited'(e) {
        if (!fatal || e.code !== 2 || e.time === null || lastFatalMs === null) return;
        if (Date.parse(e.time) - lastFatalMs <= 5 * 60_000) exit = e;
      },
      end() {
        const summary = mergeSummaries(statements.summary(), contextLines.summary());
        if (summary === null || details.length === 0) return;
        const evidence: Evidence[] = [...summary.evidence];
        if (exit !== null) evidence.push(evidenceOf(exit, 'trigger'));
        evidence.sort(compareEvidence);
        const confidence: Confidence = { level: 'high', reason: 'the runner logged the mismatch between its job and the service\'s' };
        const ids = [...jobs];
        context.report({
          messageId: 'mismatch',
          data: {
            jobs: ids.length === 0 ? 'the previous job' : ids.length === 1 ? `job ${ids[0]}` : `jobs ${ids.join(', ')}`,
            count: details.length,
            details: details.join('; '),
          },
          evidence: evidence as [Evidence, ...Evidence[]],
          evidenceOmitted: summary.evidenceOmitted,
          count: details.length,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: fatal ? 'error' : 'warning',
          confidence,
          conclusive: stated || exit !== null,
        });
      },
    };
  },
});
