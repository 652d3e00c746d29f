/**
 * F36: a step failed on its own: its process exited non-zero ("Process completed with exit
 * code N."), the action reported a failure, or the step hit its timeout. This is the user's
 * workload, not the runner, and it is reported as context so the diagnosis can say so.
 *
 * Spec §4.F rule 6: a failed job is infrastructure when an infrastructure signature explains
 * it (action download, container setup, disk full, worker crash, lock loss, output variables,
 * runner shutdown); the rule stays silent for such a job.
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';
import { Occurrences } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Evidence, type NonEmpty } from '../../types.js';
import { actionFailureOf, actionTextsOf } from '../action-download-failed/action-download-failed.js';
import { containerFailureOf, containerTextsOf } from '../container-setup-failed/container-setup-failed.js';
import { diskTextsOf, isDiskFullText } from '../disk-full/disk-full.js';

/** Steps the runner adds around the user's steps: their failures are not the user's workload. */
const RUNNER_STEPS = new Set(['Initialize containers', 'Stop containers', 'Set up runner', 'Complete runner']);

/** A runner-side failure this close after a job's last Worker line still explains the job (see `explainedByRunner`). */
const INFRA_AFTER_MS = 5 * 60_000;
/**
 * A job is judged once the Listener finished it and the log has moved on by this much more than
 * `INFRA_AFTER_MS` (slack for files whose clocks disagree); one the Listener never finished, after a day.
 */
const JUDGE_AFTER_MS = INFRA_AFTER_MS + 3600_000;
const JUDGE_UNFINISHED_AFTER_MS = 24 * 3600_000;

const OUTPUT_VARIABLES = /Fail to update timeline records with output variables|failure during publish output variables|Failed to publish output variables/i;
const INIT_FAILED = /Job initialize failed|Caught exception from InitializeJob|Caught exception from JobExtension Initialization/i;

interface FailedStep {
  name: string;
  completed: RunlogEvent;
  reason: string | null;
  hasExitCode: boolean;
  context: RunlogEvent[];
}

interface CurrentStep {
  name: string | null;
  exitCode: number | null;
  exitEvent: RunlogEvent | null;
  timeout: RunlogEvent | null;
  exception: boolean;
}

interface Job {
  file: string;
  jobId: string | null;
  jobName: string | null;
  current: CurrentStep | null;
  failed: FailedStep[];
  /** The step whose telemetry may still follow. */
  awaitingTelemetry: FailedStep | null;
  /** Why infrastructure explains this job's failure, when it does. */
  infra: string | null;
}

interface RunnerInfra {
  jobId: string | null;
  ms: number | null;
  reason: string;
}

/** Finds the infrastructure signature an event carries, if any. */
function infraReason(e: RunlogEvent): string | null {
  const action = actionTextsOf(e);
  if (action.length > 0 && actionFailureOf(action.join('\n')) !== null) return 'an action could not be downloaded';
  const container = containerTextsOf(e);
  if (container.length > 0 && containerFailureOf(container.join('\n')) !== null) return 'container setup failed';
  const disk = diskTextsOf(e);
  if (disk.some(isDiskFullText)) return 'the disk is full';
  if (OUTPUT_VARIABLES.test(e.text)) return 'output variables could not be published';
  if ((e.level === 'ERR' || e.level === 'CRIT') && INIT_FAILED.test(e.text)) return 'job initialization failed';
  return null;
}

function clip(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export default createRule({
  meta: {
    id: 'job-step-failed',
    cause: 'job_step_failed',
    title: 'A step failed on its own (the workflow\'s workload, not the runner)',
    type: 'context',
    severity: 'info',
    messages: {
      stepFailed:
        "The step '{{step}}' of job '{{job}}' failed on its own: {{reason}}. This is the workflow's own workload failing, not the runner; the step's log in the GitHub UI shows why.",
      stepsFailed:
        "{{count}} steps failed on their own: {{steps}}. These are the workflows' own workloads failing, not the runner; the steps' logs in the GitHub UI show why.",
    },
    docs: {
      description:
        'A step\'s process exited with a non-zero code ("Process completed with exit code N."), an action reported a failure, or the step reached its `timeout-minutes`. The runner did its job: it ran the step and reported the result. This is listed as context so that a failed job is not mistaken for a runner fault; it is not reported when an infrastructure problem (action download, container setup, full disk, worker crash, lost job lock) explains the same job.',
      confirm: [
        'Open the job in the GitHub UI and read the failing step\'s log: the error is printed there (the runner\'s _diag trace only has the exit code and the first error messages).',
        'In the Worker log: `Step result: Failed` after `Processing step: DisplayName=\'<step>\'`, a `Finished process <pid> with exit code <n>` line, and the step telemetry `errorMessages` (e.g. `Process completed with exit code 1.`).',
        'Re-run the job with debug logging (secret `ACTIONS_STEP_DEBUG=true`) if the step log is not enough.',
      ],
      catalog: ['F36'],
    },
    remedy: {
      temporary: [
        'Fix the failing command, test or action input shown in the step\'s log, then re-run the job.',
        'For a timeout, raise the step\'s `timeout-minutes` or find what hangs (a prompt waiting for input, a network call without timeout).',
      ],
      permanent: [
        'Reproduce the step locally or on the runner as the runner\'s user, with the same environment, to find the cause.',
        'If the step only fails on self-hosted runners, compare the tools and versions installed on the runner with what the workflow expects (use setup-* actions to pin them).',
      ],
      prevention: [
        'Keep the runner image reproducible (same tools and versions on every runner) so workload failures are not runner-specific.',
      ],
      docs: [
        'https://docs.github.com/en/actions/monitoring-and-troubleshooting-workflows/troubleshooting-workflows/about-troubleshooting-workflows',
        'https://docs.github.com/en/actions/monitoring-and-troubleshooting-workflows/troubleshooting-workflows/enabling-debug-logging',
      ],
    },
  },
  create(context) {
    /**
     * Jobs by Worker file, in the order they were first seen: the recent ones, and (`keep`) those
     * with a failed step not judged yet. Jobs are judged in that order as soon as nothing more can
     * change the verdict (`judgeFinished`), so only the running ones and the last hour's are held.
     */
    const jobs = new RecentMap<string, Job>();
    const runnerInfra: RunnerInfra[] = [];
    const requestJobs = new RecentMap<string, string>();
    /** Recent jobs the Listener finished (`finish job request ...`), by job id. */
    const finished = new RecentMap<string, true>();

    // The steps that failed on their own, in log order: counted, with the evidence and the first
    // few described, as `end` reports them.
    const occ = new Occurrences(context, 6, 2, 8);
    let ownCount = 0;
    let allExplicit = true;
    const firstOwn: { step: string; job: string | null; reason: string | null }[] = [];

    const own = (job: Job, step: FailedStep): void => {
      occ.add(step.completed);
      for (const c of step.context) occ.context(c);
      ownCount++;
      allExplicit &&= step.hasExitCode;
      if (firstOwn.length < 3) firstOwn.push({ step: step.name, job: job.jobName, reason: step.reason });
    };

    const judge = (job: Job): void => {
      if (job.failed.length === 0 || job.infra !== null) return;
      if (explainedByRunner(job)) return;
      for (const step of job.failed) own(job, step);
    };

    function explainedByRunner(job: Job): boolean {
      const span = context.files.get(job.file);
      const start = span?.first == null ? null : Date.parse(span.first) - 60_000;
      const stop = span?.last == null ? null : Date.parse(span.last) + INFRA_AFTER_MS;
      return runnerInfra.some((r) => {
        if (r.jobId !== null && job.jobId !== null) return r.jobId === job.jobId;
        if (r.ms === null || start === null || stop === null) return false;
        return r.ms >= start && r.ms <= stop;
      });
    }

    /**
     * Judges the oldest jobs whose verdict can no longer change: the Listener finished them (the
     * runner-side failures that name a job come before that) and the log is well past the window
     * in which a runner-side failure still explains them. Stops at the first job still open, so
     * the order stays the log's.
     */
    const judgeFinished = (nowMs: number): void => {
      for (const job of jobs.values()) {
        const lastMs = Date.parse(context.files.get(job.file)?.last ?? '');
        if (Number.isNaN(lastMs)) return;
        const done = job.jobId !== null && finished.has(job.jobId);
        if (nowMs - lastMs <= (done ? JUDGE_AFTER_MS : JUDGE_UNFINISHED_AFTER_MS)) return;
        judge(job);
        jobs.delete(job.file);
      }
    };

    /** The job of a Worker trace file (step pages and pasted output are not one job's file). */
    const jobOf = (e: RunlogEvent): Job | null => {
      if (e.process !== 'worker' || context.files.get(e.source.file)?.fileKind !== 'worker') return null;
      let job = jobs.get(e.source.file);
      if (job === undefined) {
        job = { file: e.source.file, jobId: null, jobName: null, current: null, failed: [], awaitingTelemetry: null, infra: null };
        jobs.set(e.source.file, job);
      }
      return job;
    };

    const addRunnerInfra = (e: RunlogEvent, jobId: string | null, reason: string): void => {
      runnerInfra.push({ jobId, ms: timeMs(e), reason });
    };

    /** Every event of a worker file may carry an infrastructure signature; runner events too. */
    const scan = (e: RunlogEvent): void => {
      const reason = infraReason(e);
      if (reason === null) return;
      const job = jobOf(e);
      if (job !== null) job.infra ??= reason;
      else addRunnerInfra(e, null, reason);
    };

    return {
      exception: scan,
      unrecognized: scan,
      'terminal.error': scan,
      'terminal.line': scan,
      'step.telemetry'(e) {
        scan(e);
        const job = jobOf(e);
        const step = job?.awaitingTelemetry ?? null;
        if (job === null || step === null) return;
        job.awaitingTelemetry = null;
        if (e.result !== null && e.result.toLowerCase() !== 'failed' && e.errorMessages.length === 0) return;
        step.context.push(e);
        const first = e.errorMessages[0];
        if (first !== undefined) {
          step.reason = clip(first);
          if (/Process completed with exit code/i.test(first)) step.hasExitCode = true;
        }
      },
      'upload.error': scan,
      'worker.output'(e) {
        addRunnerInfra(e, null, isDiskFullText(e.lines.join('\n')) ? 'the disk is full' : 'the worker crashed');
      },
      'worker.job_message'(e) {
        const job = jobOf(e);
        if (job === null) return;
        job.jobId ??= e.jobId;
        job.jobName ??= e.jobDisplayName;
      },
      'worker.job_id'(e) {
        const job = jobOf(e);
        if (job !== null) job.jobId ??= e.jobId;
      },
      'runner.shutdown'(e) {
        const job = jobOf(e);
        if (job !== null) job.infra ??= `the runner was shut down (${e.reason})`;
        else addRunnerInfra(e, null, `the runner was shut down (${e.reason})`);
      },
      'job.received'(e) {
        requestJobs.set(e.requestId, e.jobId);
      },
      'worker.exited'(e) {
        if (e.exitCode < 100 || e.exitCode > 105) addRunnerInfra(e, e.jobId, `the worker crashed (exit code ${e.exitCode})`);
      },
      'worker.crashed'(e) {
        addRunnerInfra(e, null, 'the worker crashed');
      },
      'worker.killed'(e) {
        addRunnerInfra(e, e.jobId, 'the worker was killed');
      },
      'job.lock_lost'(e) {
        const jobId = e.jobId ?? (e.requestId === null ? null : requestJobs.get(e.requestId) ?? null);
        addRunnerInfra(e, jobId, 'the runner lost the job\'s lock');
      },
      'job.completed'(e) {
        if (e.result === 'Abandoned') addRunnerInfra(e, e.jobId, 'the job was abandoned');
        if (e.jobId !== null) finished.set(e.jobId, true);
        const ms = timeMs(e);
        if (ms !== null) judgeFinished(ms);
      },
      'step.started'(e) {
        const job = jobOf(e);
        if (job === null) return;
        job.current = { name: e.name, exitCode: null, exitEvent: null, timeout: null, exception: false };
        job.awaitingTelemetry = null;
      },
      'process.exited'(e) {
        const job = jobOf(e);
        if (job?.current == null || e.isWorker) return;
        if (e.exitCode !== 0) {
          job.current.exitCode = e.exitCode;
          job.current.exitEvent = e;
        }
      },
      'step.error'(e) {
        scan(e);
        const job = jobOf(e);
        if (job?.current == null) return;
        if (e.timeout) {
          // A step timeout is the workflow's own limit: understood, whatever the job's outcome.
          context.explain(e);
          job.current.timeout = e;
        }
        else job.current.exception = true;
      },
      'step.completed'(e: EventOfKind<'step.completed'>) {
        const job = jobOf(e);
        if (job === null) return;
        const cur = job.current;
        const name = e.name ?? cur?.name ?? null;
        job.current = null;
        if (e.result !== 'Failed' || name === null || RUNNER_STEPS.has(name)) return;
        // A step that threw (other than its timeout) failed in the runner, not on its own.
        if (cur?.exception === true && cur.timeout === null) return;
        const step: FailedStep = { name, completed: e, reason: null, hasExitCode: false, context: [] };
        if (cur?.timeout != null) {
          step.reason = "it timed out (the step's timeout-minutes was reached)";
          step.context.push(cur.timeout);
          step.hasExitCode = true;
        } else if (cur?.exitCode != null && cur.exitEvent !== null) {
          step.reason = `its process exited with code ${cur.exitCode}`;
          step.context.push(cur.exitEvent);
          step.hasExitCode = true;
        }
        job.failed.push(step);
        // Held until judged, however many jobs follow.
        jobs.keep(job.file);
        job.awaitingTelemetry = step;
      },
      end() {
        // The jobs not judged yet (the last hour's, the running ones), as the log ends.
        for (const job of jobs.values()) judge(job);
        if (ownCount === 0) return;
        const summary = occ.summary()!;
        const confidence = allExplicit
          ? { level: 'high' as const, reason: 'the step\'s own process exit code or timeout is logged, and no infrastructure failure is logged for the same job' }
          : { level: 'medium' as const, reason: 'the step reported Failed and no infrastructure failure is logged for the same job, but the log does not show the step\'s exit code' };
        const describe = (f: (typeof firstOwn)[number]): string => `'${f.step}' in '${f.job ?? 'unknown job'}' (${f.reason ?? 'result Failed'})`;
        if (ownCount === 1) {
          const f = firstOwn[0]!;
          context.report({
            messageId: 'stepFailed',
            data: { step: f.step, job: f.job ?? 'unknown job', reason: f.reason ?? 'it reported the result Failed' },
            evidence: summary.evidence as NonEmpty<Evidence>,
            evidenceOmitted: summary.evidenceOmitted,
            count: 1,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            confidence,
          });
          return;
        }
        const listed = firstOwn.map(describe).join('; ') + (ownCount > 3 ? `; and ${ownCount - 3} more` : '');
        context.report({
          messageId: 'stepsFailed',
          data: { count: ownCount, steps: listed },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count: ownCount,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          confidence,
        });
      },
    };
  },
});
