/**
 * F32: the job's result could not be reported to GitHub.
 *
 *  - Listener (v1): `Catch exception during complete runner jobrequest <r>.` up to 5 times, 5 s
 *    apart, then an AggregateException and `Worker Dispatch failed with an exception for job
 *    request <j>.` (logged when the next job arrives or the runner stops);
 *  - Worker: `Catch exception while attempting to raise JobCompletedEvent for job <j>, job request
 *    <r>.` / `... to complete job <j>, job request <r>.` ×5, then the AggregateException escapes
 *    (worker exit 1, which worker-crashed leaves to this rule);
 *  - definitive: `TaskOrchestrationPlan{NotFound,Security,Terminated}Exception received, while
 *    attempting to raise JobCompletedEvent ...`;
 *  - a crashed worker's forced failure that could not be reported: `Fail to raise JobCompletedEvent
 *    back to service.` / `Fail to raise job completion back to service.`
 *
 * Benign: `TaskAgentJobNotFoundException received, job <j> is no longer valid.` (the service had
 * already closed the job request).
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';
import { classifyEvent, FAILURE_CLASS_LABELS } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { createRule, type Confidence } from '../../types.js';

const RETRY_LIMIT = 5;
const DUMP_WINDOW_LINES = 6;
const LISTENER_COMPLETE = /^Catch exception during complete (?:runner|agent) jobrequest/i;
const WORKER_COMPLETE = /^Catch exception while attempting to (raise JobCompletedEvent|complete job) /i;
const DISPATCH_SHUTDOWN = /^Catching worker dispatch exception for job request (\S+) durning job dispatcher shut ?down/i;
const PLAN_STATEMENT = /^TaskOrchestrationPlan(NotFound|Security|Terminated)Exception received, while attempting to raise JobCompletedEvent for job ([^\s.]+)/i;
const PLAN_TYPE = /TaskOrchestrationPlan(NotFound|Security|Terminated)Exception$/;
const FORCED_FAIL = /^Fail to raise (?:JobCompletedEvent|job completion) back to service/i;
/** What the worker's attempts say when they fail: the run service's words, or the statement. */
export const COMPLETION_FAILURE = /Failed to complete job|attempting to (?:complete job|raise JobCompletedEvent)/i;
/** The service no longer knows the job (`TaskAgentJobNotFoundException`, the run service's `TaskOrchestrationJobNotFoundException`). */
const JOB_NOT_FOUND = /Job(?:Request)?NotFoundException$/;

const PLAN_MEANING: Record<string, string> = {
  NotFound: 'the run\'s orchestration plan no longer exists (TaskOrchestrationPlanNotFoundException: the run was deleted or already completed)',
  Security: 'the job\'s token was refused access to the run\'s plan (TaskOrchestrationPlanSecurityException)',
  Terminated: 'the run was already terminated on GitHub (TaskOrchestrationPlanTerminatedException: cancelled or completed)',
};

type Kind = 'listener' | 'worker' | 'dispatch' | 'plan' | 'forced';

interface Incident {
  kind: Kind;
  key: string;
  requestId: string | null;
  jobId: string | null;
  attempts: number;
  first: string | null;
  last: string | null;
  classes: Set<string>;
  exception: string | null;
  what: string | null;
  /** The worker gave up: its AggregateException of failed attempts escaped (attempts may be cut from the log). */
  escaped: boolean;
  /** The service answered that the job no longer exists: it had closed it already (a lost lock, a cancelled run). */
  closedOnService: boolean;
}

function shortType(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}

export default createRule({
  meta: {
    id: 'job-completion-failed',
    cause: 'job_completion_failed',
    title: 'Job completion failed: the job\'s result could not be reported to GitHub',
    type: 'root-cause',
    severity: 'error',
    messages: {
      failed:
        'The result of {{jobs}} could not be reported to GitHub: {{details}}. GitHub may show the job as still running until it times out, then as failed or abandoned, whatever the job really did.',
      retried:
        'Reporting the result of {{jobs}} to GitHub failed {{count}} time(s){{classes}} {{when}} before a later attempt went through (the runner tries 5 times): the result arrived late.',
    },
    docs: {
      description:
        'When a job ends, the runner (or its worker) tells GitHub the result. If every attempt fails, GitHub never hears the outcome: the job stays "in progress" until the service times it out and marks it failed or abandoned, even if all steps succeeded. The cause is usually the link to GitHub at that moment (network, proxy, service errors) or a run that no longer exists on GitHub\'s side.',
      confirm: [
        'Runner log: `Catch exception during complete runner jobrequest <id>.` repeated 5 times, then `Worker Dispatch failed with an exception for job request <id>.` with an AggregateException.',
        'Worker log: `Catch exception while attempting to raise JobCompletedEvent for job <id>, job request <r>.` or `... to complete job ...`, or `TaskOrchestrationPlanNotFoundException received, while attempting to raise JobCompletedEvent`.',
        'Compare with the run on GitHub: a job that ran to the end here but shows as still running, failed or abandoned there.',
        '`TaskAgentJobNotFoundException received, job <id> is no longer valid.` alone is harmless: GitHub had already closed the job.',
      ],
      catalog: ['F32'],
    },
    remedy: {
      temporary: [
        'Re-run the affected job if GitHub shows it failed or abandoned although it succeeded here.',
        'Check the runner can reach GitHub right now: `./run.sh --check --url <repo or org url> --pat <token>`.',
      ],
      permanent: [
        'Fix the connectivity problem named by the exceptions under the failed attempts (proxy, firewall, DNS, TLS inspection) so that the end-of-job calls succeed.',
        'If the plan was not found or terminated, the run was deleted, re-run or cancelled on GitHub while the job was finishing: nothing to fix on the runner.',
      ],
      prevention: [
        'Monitor the runner\'s connectivity to `*.actions.githubusercontent.com` and keep the runner up to date.',
      ],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    const incidents: Incident[] = [];
    const byKey = new Map<string, Incident>();
    // Recent jobs only, plus (`keep`) the jobs of incidents, which `end` names.
    const requestToJob = new RecentMap<string, string>();
    const names = new RecentMap<string, string>();
    let lastJobId: string | null = null;
    const triggers = new Occurrences(context, 3, 2);
    const contextLines = new Occurrences(context, 0, 0, 5);
    const dumps = new Map<string, { incident: Incident; line: number }>();
    /** The last worker incident of each Worker file: the exception that escapes at its end belongs to it. */
    const workerIncidents = new Map<string, Incident>();

    const incident = (kind: Kind, requestId: string | null, jobId: string | null, e: RunlogEvent): Incident => {
      const key = `${kind}:${requestId ?? ''}:${jobId ?? ''}`;
      let i = byKey.get(key);
      if (i === undefined) {
        i = { kind, key, requestId, jobId, attempts: 0, first: null, last: null, classes: new Set(), exception: null, what: null, escaped: false, closedOnService: false };
        incidents.push(i);
        byKey.set(key, i);
        if (requestId !== null) {
          requestToJob.keep(requestId);
          const known = requestToJob.get(requestId);
          if (known !== undefined) names.keep(known);
        }
        if (jobId !== null) names.keep(jobId);
      }
      i.attempts++;
      i.first ??= e.time;
      if (e.time !== null) i.last = e.time;
      triggers.add(e);
      dumps.set(e.source.file, { incident: i, line: e.source.endLine });
      return i;
    };

    /** True for a record of the exception dump logged right under a statement (extends the window). */
    const inDump = (e: RunlogEvent): { incident: Incident; line: number } | null => {
      const d = dumps.get(e.source.file);
      if (d === undefined || e.level !== 'ERR' || e.source.line <= d.line || e.source.line > d.line + DUMP_WINDOW_LINES) return null;
      d.line = e.source.endLine;
      return d;
    };

    return {
      'job.received'(e) {
        requestToJob.set(e.requestId, e.jobId);
        if (requestToJob.isKept(e.requestId)) names.keep(e.jobId);
        lastJobId = e.jobId;
      },
      'job.started'(e) {
        const id = e.jobId ?? lastJobId;
        if (id !== null) names.set(id, e.name);
      },
      'job.completion_error'(e) {
        if (LISTENER_COMPLETE.test(e.text)) {
          incident('listener', e.requestId, e.requestId !== null ? requestToJob.get(e.requestId) ?? null : null, e);
        } else if (WORKER_COMPLETE.test(e.text)) {
          const i = incident('worker', e.requestId, e.jobId, e);
          i.what = /raise JobCompletedEvent/i.test(e.text) ? 'raise the job-completed event' : 'complete the job';
          workerIncidents.set(e.source.file, i);
        } else {
          incident('dispatch', null, e.jobId, e);
        }
      },
      exception(e) {
        if (escapedCompletion(e)) return;
        const plan = PLAN_TYPE.exec(e.type);
        const d = inDump(e);
        if (d !== null) {
          if (d.incident.exception === null) {
            d.incident.exception = `${shortType(e.type)}: ${e.message}`;
            if (JOB_NOT_FOUND.test(e.type) || e.inner.some((x) => JOB_NOT_FOUND.test(x.type))) d.incident.closedOnService = true;
            const inner = e.inner.find((x) => !/AggregateException$/.test(x.type));
            const cls = classifyEvent(e);
            if (cls !== null) d.incident.classes.add(FAILURE_CLASS_LABELS[cls]);
            else if (/AggregateException$/.test(e.type) && inner !== undefined) d.incident.classes.add(shortType(inner.type));
            contextLines.context(e);
          } else {
            context.explain(e);
          }
          return;
        }
        if (plan !== null && e.level === 'ERR' && !incidents.some((i) => i.kind === 'plan')) {
          const i = incident('plan', null, null, e);
          i.what = plan[1]!;
        }
      },
      'worker.output'(e) {
        // The runner quotes what the dying worker printed: attempts to report the result that
        // all failed. The Worker log may be missing, or cut by the reporter.
        if (!e.lines.some((l) => COMPLETION_FAILURE.test(l))) return;
        const known = incidents.find((x) => x.kind === 'worker' && x.jobId !== null && x.jobId === lastJobId);
        if (known !== undefined) {
          known.escaped = true;
          triggers.add(e);
          return;
        }
        const i = incident('worker', null, lastJobId, e);
        i.escaped = true;
        i.attempts = 0; // none of the attempts is in these logs, only the runner's quote of the end
      },
      unrecognized(e) {
        if (e.level !== 'ERR') return;
        let m = PLAN_STATEMENT.exec(e.text);
        if (m !== null) {
          const i = incident('plan', null, m[2]!, e);
          i.what = m[1]!;
          return;
        }
        m = DISPATCH_SHUTDOWN.exec(e.text);
        if (m !== null) {
          incident('dispatch', null, m[1]!.replace(/\.$/, ''), e);
          return;
        }
        if (e.component === 'JobDispatcher' && FORCED_FAIL.test(e.text)) {
          incident('forced', null, lastJobId, e);
          return;
        }
        // `#####` separators and socket errors of a dump already attached.
        if (inDump(e) !== null) context.explain(e);
      },
      end() {
        // Reporting to a job the service had already closed fails by design: whatever closed it
        // (a lost lock, a cancelled run) is the story, as with TaskAgentJobNotFoundException.
        const list = dedupePlans(incidents.filter((i) => !i.closedOnService));
        if (list.length === 0) return;
        const summary = mergeSummaries(triggers.summary(), contextLines.summary());
        if (summary === null) return;
        const exhausted = list.some(
          (i) => ((i.kind === 'listener' || i.kind === 'worker') && (i.attempts >= RETRY_LIMIT || i.escaped)) || i.kind === 'dispatch' || i.kind === 'plan' || i.kind === 'forced',
        );
        const jobs = labels(list);
        const confidence: Confidence = exhausted
          ? { level: 'high', reason: 'the runner logged that reporting the job result failed for good (all retries, a definitive service answer, or a failed dispatch)' }
          : { level: 'medium', reason: 'fewer than 5 failed attempts were logged, so a later one presumably went through' };
        if (exhausted) {
          context.report({
            messageId: 'failed',
            data: { jobs, details: list.map(describe).join('; ') },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: new Set(list.map(jobName)).size,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence,
          });
          return;
        }
        const attempts = list.reduce((n, i) => n + i.attempts, 0);
        const classes = [...new Set(list.flatMap((i) => [...i.classes]))];
        context.report({
          messageId: 'retried',
          data: {
            jobs,
            count: attempts,
            classes: classes.length > 0 ? ` (${classes.join(', ')})` : '',
            when: summary.firstSeen === summary.lastSeen ? `at ${summary.firstSeen ?? 'an unknown time'}` : `between ${summary.firstSeen ?? '?'} and ${summary.lastSeen ?? '?'}`,
          },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count: attempts,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: 'warning',
          confidence,
        });
      },
    };

    /** The worker's unhandled AggregateException at the end of its log, after failed attempts. */
    function escapedCompletion(e: EventOfKind<'exception'>): boolean {
      const own = workerIncidents.get(e.source.file);
      if (own === undefined || e.component !== 'Worker' || e.level !== 'ERR' || !/AggregateException$/.test(e.type)) return false;
      own.escaped = true;
      if (e.inner.some((x) => JOB_NOT_FOUND.test(x.type))) own.closedOnService = true;
      triggers.add(e);
      return true;
    }

    function jobName(i: Incident): string {
      const jobId = i.jobId ?? (i.requestId !== null ? requestToJob.get(i.requestId) ?? null : null);
      const name = jobId !== null ? names.get(jobId) : undefined;
      if (name !== undefined) return `job '${name}'`;
      if (jobId !== null) return `job ${jobId}`;
      if (i.requestId !== null) return `job request ${i.requestId}`;
      return 'the job';
    }

    function labels(list: Incident[]): string {
      return [...new Set(list.map(jobName))].join(', ');
    }

    function describe(i: Incident): string {
      const classes = i.classes.size > 0 ? ` (${[...i.classes].join(', ')})` : '';
      const span = i.first !== null && i.last !== null && i.first !== i.last ? ` from ${i.first} to ${i.last}` : i.first !== null ? ` at ${i.first}` : '';
      switch (i.kind) {
        case 'listener':
          return `the runner failed to finish the job request of ${jobName(i)} ${i.attempts} time(s)${classes}${span}${i.attempts >= RETRY_LIMIT ? ', every attempt failed' : ''}`;
        case 'worker': {
          const end = i.escaped
            ? ', then gave up and exited with the unhandled exception (exit code 1, which the runner reports as a worker crash)'
            : i.attempts >= RETRY_LIMIT ? ', every attempt failed' : '';
          if (i.attempts === 0) return `the worker of ${jobName(i)} failed to ${i.what ?? 'complete the job'}${span}: the runner quotes its last words, the failed attempts (it tries 5 times)${end}`;
          const logged = i.escaped && i.attempts < RETRY_LIMIT ? ' (logged here; it tries 5 times)' : '';
          return `the worker failed to ${i.what ?? 'complete the job'} for ${jobName(i)} ${i.attempts} time(s)${logged}${classes}${span}${end}`;
        }
        case 'dispatch':
          return `the dispatch of ${jobName(i)} ended with an exception${i.exception !== null ? ` (${i.exception})` : ''}${span}`;
        case 'plan':
          return `${PLAN_MEANING[i.what ?? ''] ?? 'the run\'s plan refused the result'} for ${jobName(i)}${span}`;
        case 'forced':
          return `the runner could not report the failure of ${jobName(i)} after its worker crashed${span}`;
      }
    }
  },
});

/** The plan statement (`... received, while attempting to raise JobCompletedEvent`) absorbs the bare plan exception. */
function dedupePlans(list: Incident[]): Incident[] {
  const statements = list.filter((i) => i.kind === 'plan' && i.jobId !== null);
  if (statements.length === 0) return list;
  return list.filter((i) => !(i.kind === 'plan' && i.jobId === null));
}
