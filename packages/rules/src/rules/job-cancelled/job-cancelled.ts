/**
 * F25/F26: job cancellations, and who asked for them.
 *
 *  - The service (a user, the job's `timeout-minutes`, a concurrency group — the runner cannot
 *    tell them apart): `Job cancellation request <j> received, cancellation timeout <m> minutes.`
 *    Not a runner fault: info.
 *  - The runner itself: `Send job cancellation message to worker for job <j>.` with no
 *    cancellation request before it — after it lost the job lock, after the service rejected a
 *    renewal, on a state mismatch, or because the runner was being shut down. A symptom of that
 *    cause: warning.
 *  - F26: the worker did not stop within the cancellation timeout and the runner killed it
 *    (`haven't exit within cancellation timout, kill running worker`): warning.
 *
 * Worker logs alone show `Cancellation/Shutdown message received.`, steps ending `Canceled`, and
 * `Runner will be shutdown for ...` when the cancellation was a runner shutdown.
 */
import type { RunlogEvent } from '@runlog/parser';
import { compareEvidence, evidenceOf, capEvidence, timeSpan } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Evidence } from '../../types.js';

const MAX_EVIDENCE = 12;
/** A runner-side reason this close before a cancel it did not receive from the service explains it. */
const REASON_WINDOW_MS = 5 * 60_000;
const IGNORED_SIGNALS = /^Kill entire process tree since both cancel and terminate signal has been ignored/i;
const CANCEL_EXCEPTION = /^Caught cancellation exception from step/i;

interface Reason {
  text: string;
  shutdown: boolean;
  event: RunlogEvent;
  jobId: string | null;
  requestId: string | null;
}

interface CancelJob {
  key: string;
  jobId: string | null;
  name: string | null;
  requested: RunlogEvent | null;
  timeoutMinutes: number | null;
  sent: RunlogEvent | null;
  reason: Reason | null;
  result: RunlogEvent | null;
  killed: RunlogEvent | null;
  killedFollowUp: RunlogEvent | null;
  ignoredSignals: RunlogEvent | null;
  workerCancel: RunlogEvent | null;
  workerShutdown: RunlogEvent | null;
  workerResult: RunlogEvent | null;
  workerFile: string | null;
  time: string | null;
}

interface WorkerFile {
  jobId: string | null;
  cancel: RunlogEvent | null;
  shutdown: RunlogEvent | null;
  result: RunlogEvent | null;
  ignoredSignals: RunlogEvent | null;
}

export default createRule({
  meta: {
    id: 'job-cancelled',
    cause: 'job_cancelled',
    title: 'Job cancelled: by the service at a user\'s request, or by the runner itself',
    type: 'symptom',
    severity: 'info',
    symptomOf: [
      'token_expired_or_unauthorized',
      'job_lock_lost',
      'service_unavailable',
      'runner_shutdown_signal',
      'job_state_mismatch',
      'dns_or_network_unreachable',
      'connection_timeout',
      'broker_session_not_found',
    ],
    messages: {
      userCancelled:
        'The service cancelled {{count}} job(s): {{jobs}}. A user, the job\'s timeout-minutes or a concurrency group asked for it (the runner logs cannot tell which); this is not a runner fault.',
      cancelledUnknown:
        '{{count}} job(s) were cancelled: {{jobs}}. Who asked for the cancellation is not in these logs.',
      runnerCancelled: 'The runner itself cancelled {{count}} running job(s), not a user: {{details}}.',
      killedAfterTimeout:
        'The worker of {{jobs}} did not stop within the cancellation timeout and the runner killed it{{signals}}: a step ignored SIGINT/SIGTERM or hung, so the end of the job\'s log may be missing.',
    },
    docs: {
      description:
        'A job was cancelled. When GitHub sends the cancellation (a user pressed Cancel, the job hit its timeout-minutes, or a newer run in the same concurrency group replaced it), this is normal and only explains why the job stopped. When the runner cancels a job by itself (it lost the job\'s lock, GitHub rejected the job\'s token, or the runner was being stopped), the cause is elsewhere and listed with it. If a step ignores the cancellation, the runner kills the worker after the grace period.',
      confirm: [
        'Service cancel: `Job cancellation request <id> received, cancellation timeout <m> minutes.` in the Runner log, then `finish job request for job <id> with result: Canceled`. The run\'s page on GitHub says who cancelled it or that it timed out.',
        'Runner-initiated: `Send job cancellation message to worker for job <id>.` without a cancellation request before it, right after `Lock renewal has run out of retry`, `TaskAgentJobTokenExpiredException received renew job request`, or `Runner will be shutdown for ...`.',
        'Killed after the timeout: `worker process for job <id> haven\'t exit within cancellation timout, kill running worker.`; the Worker log may show `Kill entire process tree since both cancel and terminate signal has been ignored by the target process.`',
      ],
      catalog: ['F25', 'F26'],
    },
    remedy: {
      temporary: [
        'Re-run the job if the cancellation was not intended.',
        'If the runner cancelled the job itself, fix the cause listed with this finding (lost lock, rejected token, runner shutdown) and re-run.',
      ],
      permanent: [
        'For jobs cancelled by timeout-minutes, raise the limit or speed up the job; for concurrency cancels, review `concurrency:` groups and `cancel-in-progress`.',
        'Make steps stop cleanly on SIGINT/SIGTERM (do not trap and ignore them; forward signals in wrapper scripts, use `exec` in entrypoints) so a cancel does not end in a kill.',
      ],
      prevention: [
        'Give long jobs an explicit `timeout-minutes` that fits them, and drain runners before stopping them.',
      ],
      docs: [
        'https://docs.github.com/en/actions/managing-workflow-runs/canceling-a-workflow',
        'https://docs.github.com/en/actions/using-workflows/workflow-syntax-for-github-actions#jobsjob_idtimeout-minutes',
        'https://docs.github.com/en/actions/using-jobs/using-concurrency',
      ],
    },
  },
  create(context) {
    // Only cancelled jobs are kept to the end. The lookups below remember recent jobs and Worker
    // files, plus (`keep`) those of cancelled jobs, which `end` reads again.
    const jobs: CancelJob[] = [];
    const byJob = new Map<string, CancelJob>();
    const requestToJob = new RecentMap<string, string>();
    const names = new RecentMap<string, string>();
    const reasons: Reason[] = [];
    const workerFiles = new RecentMap<string, WorkerFile>();
    const linked = new RecentMap<string, string>();
    let lastJobId: string | null = null;
    let lastKilled: CancelJob | null = null;
    /** The last result the Listener logged per job, whatever it was. */
    const results = new RecentMap<string, string>();

    /** A job `end` describes: its name and final result are kept. */
    const keepJob = (jobId: string | null): void => {
      if (jobId === null) return;
      names.keep(jobId);
      results.keep(jobId);
    };

    /** A Worker file with a cancellation in it: `end` reads it, and the job it ran. */
    const keepFile = (file: string, w: WorkerFile): void => {
      if (workerFiles.isKept(file)) return;
      workerFiles.keep(file);
      linked.keep(file);
      keepJob(w.jobId);
      keepJob(linked.get(file) ?? null);
    };

    const job = (jobId: string | null, e: RunlogEvent): CancelJob => {
      const key = jobId ?? `#${jobs.length}`;
      let j = jobId !== null ? byJob.get(jobId) : undefined;
      if (j === undefined) {
        j = {
          key,
          jobId,
          name: jobId === null ? null : names.get(jobId) ?? null,
          requested: null,
          timeoutMinutes: null,
          sent: null,
          reason: null,
          result: null,
          killed: null,
          killedFollowUp: null,
          ignoredSignals: null,
          workerCancel: null,
          workerShutdown: null,
          workerResult: null,
          workerFile: null,
          time: e.time,
        };
        jobs.push(j);
        if (jobId !== null) byJob.set(jobId, j);
        keepJob(jobId);
      }
      return j;
    };

    const workerFile = (e: RunlogEvent): WorkerFile => {
      let w = workerFiles.get(e.source.file);
      if (w === undefined) {
        w = { jobId: null, cancel: null, shutdown: null, result: null, ignoredSignals: null };
        workerFiles.set(e.source.file, w);
      }
      return w;
    };

    /** The Worker file of a cancellation sign: kept to the end. */
    const cancelled = (e: RunlogEvent): WorkerFile => {
      const w = workerFile(e);
      keepFile(e.source.file, w);
      return w;
    };

    const addReason = (text: string, e: RunlogEvent, jobId: string | null, requestId: string | null, shutdown = false): void => {
      reasons.push({ text, shutdown, event: e, jobId, requestId });
      // `reasonFor` asks again in `end` which job the request belonged to.
      if (requestId !== null) requestToJob.keep(requestId);
    };

    /** The runner-side event that explains a cancel it sent on its own. */
    const reasonFor = (j: CancelJob, e: RunlogEvent): Reason | null => {
      const ms = timeMs(e);
      const candidates = reasons.filter((r) => {
        const rms = timeMs(r.event);
        return ms === null || rms === null || (rms <= ms && ms - rms <= REASON_WINDOW_MS);
      });
      const own = candidates.filter(
        (r) => (r.jobId !== null && r.jobId === j.jobId) || (r.requestId !== null && requestToJob.get(r.requestId) === j.jobId),
      );
      const unlinked = candidates.filter((r) => r.jobId === null && (r.requestId === null || !requestToJob.has(r.requestId)));
      return own.at(-1) ?? unlinked.at(-1) ?? null;
    };

    return {
      'job.received'(e) {
        requestToJob.set(e.requestId, e.jobId);
        lastJobId = e.jobId;
      },
      'job.started'(e) {
        const id = e.jobId ?? lastJobId;
        if (id === null) return;
        names.set(id, e.name);
        const j = byJob.get(id);
        if (j !== undefined) j.name = e.name;
      },
      // Runner-side reasons for a cancel nobody requested.
      'runner.shutdown'(e) {
        if (e.process === 'worker') {
          workerFile(e).shutdown ??= e;
          return;
        }
        if (e.reason !== 'ephemeral') addReason(`the runner was being shut down (${shutdownLabel(e.reason)})`, e, null, null, true);
      },
      // `Exiting...` (the runner's Ctrl-C handler) and the service host's `Shutting down runner listener`.
      'terminal.line'(e) {
        const t = e.message.trim();
        if (t === 'Exiting...' || (e.component === 'Console' && /^Shutting down runner listener\b/.test(t))) {
          addReason('the runner was being shut down (service stop, Ctrl-C or SIGTERM)', e, null, null, true);
        }
      },
      'job.lock_lost'(e) {
        addReason(
          e.firstRenewal ? 'its first lock renewal failed (job_lock_lost)' : 'it lost the job\'s lock after its renewals failed (job_lock_lost)',
          e,
          e.jobId,
          e.requestId,
        );
      },
      'job.renew_rejected'(e) {
        const why = /TokenExpired/i.test(e.reason)
          ? 'the service rejected the job\'s token on lock renewal (TaskAgentJobTokenExpiredException)'
          : /JobNotFound/i.test(e.reason)
            ? 'the service no longer knew the job on lock renewal (TaskAgentJobNotFoundException)'
            : `the service rejected the lock renewal (${e.reason})`;
        addReason(why, e, null, e.requestId);
      },
      'job.state_mismatch'(e) {
        addReason('the service and the runner disagreed about the job (job_state_mismatch)', e, null, null);
      },
      unrecognized(e) {
        if (e.component === 'JobDispatcher' && /^Lock renewal has run out of retry, stop renew lock for job /i.test(e.text)) {
          addReason('it lost the job\'s lock after its renewals failed (job_lock_lost)', e, null, null);
          return;
        }
        if (e.component === 'JobDispatcher' && /^TaskAgentJobNotFoundException received when renew job /i.test(e.text)) {
          addReason('the service no longer knew the job on lock renewal (TaskAgentJobNotFoundException)', e, null, null);
          return;
        }
        if (e.process !== 'worker') return;
        if (IGNORED_SIGNALS.test(e.text)) cancelled(e).ignoredSignals ??= e;
        else if (CANCEL_EXCEPTION.test(e.text) && workerFile(e).cancel !== null) context.explain(e);
      },
      // The Listener's cancellation path.
      'job.cancel_requested'(e) {
        const j = job(e.jobId, e);
        j.requested ??= e;
        j.timeoutMinutes = e.timeoutMinutes;
      },
      'job.cancel_sent'(e) {
        const j = job(e.jobId, e);
        if (j.sent !== null) return;
        j.sent = e;
        if (j.requested === null) j.reason = reasonFor(j, e);
      },
      'job.completed'(e) {
        if (e.jobId !== null) results.set(e.jobId, e.result);
        if (!/^Canceled$/i.test(e.result)) return;
        const id = e.jobId ?? [...names].find(([, n]) => n === e.name)?.[0] ?? null;
        const j = job(id, e);
        if (e.name !== null) j.name ??= e.name;
        j.result ??= e;
      },
      'worker.killed'(e) {
        if (e.reason === 'cancel-timeout') {
          const j = job(e.jobId ?? lastJobId, e);
          j.killed ??= e;
          lastKilled = j;
        } else if (e.reason === 'killed' && lastKilled !== null && lastKilled.killedFollowUp === null) {
          lastKilled.killedFollowUp = e;
        }
      },
      // The Worker side.
      'worker.cancel_received'(e) {
        cancelled(e).cancel ??= e;
      },
      'worker.job_result'(e) {
        if (/^Canceled$/i.test(e.result)) cancelled(e).result ??= e;
      },
      'step.completed'(e) {
        if (e.process === 'worker' && /^Canceled$/i.test(e.result)) cancelled(e).result ??= e;
      },
      'worker.job_id'(e) {
        const w = workerFile(e);
        w.jobId ??= e.jobId;
        if (workerFiles.isKept(e.source.file)) keepJob(w.jobId);
      },
      'worker.job_message'(e) {
        if (e.jobId === null) return;
        const w = workerFile(e);
        w.jobId ??= e.jobId;
        if (workerFiles.isKept(e.source.file)) keepJob(w.jobId);
      },
      'job.linked'(e) {
        if (e.jobId === null) return;
        linked.set(e.workerFile, e.jobId);
        if (workerFiles.isKept(e.workerFile)) keepJob(e.jobId);
      },
      end() {
        for (const [file, w] of workerFiles) {
          if (w.cancel === null && w.result === null && w.ignoredSignals === null) continue;
          const jobId = w.jobId ?? linked.get(file) ?? null;
          const j = jobId !== null && byJob.has(jobId) ? byJob.get(jobId)! : job(jobId, w.cancel ?? w.result ?? w.ignoredSignals!);
          j.workerFile = file;
          j.workerCancel = w.cancel;
          j.workerShutdown = w.shutdown;
          j.workerResult = w.result;
          j.ignoredSignals ??= w.ignoredSignals;
        }
        for (const j of jobs) if (j.jobId !== null) j.name ??= names.get(j.jobId) ?? null;
        const describeUnknown = describeUnknownWith(results);

        const cancelled = jobs.filter((j) => j.requested !== null || j.sent !== null || j.result !== null || j.workerCancel !== null || j.workerResult !== null);
        const byService = cancelled.filter((j) => j.requested !== null);
        // A Canceled result right after the runner started shutting down, with no request from the service (console-only logs).
        for (const j of cancelled) {
          if (j.requested !== null || j.sent !== null || j.result === null) continue;
          const r = reasonFor(j, j.result);
          if (r !== null && r.shutdown) j.reason = r;
        }
        const byRunner = cancelled.filter(
          (j) => j.requested === null && (j.sent !== null || (j.workerShutdown !== null && j.workerCancel !== null) || j.reason !== null),
        );
        const unknown = cancelled.filter((j) => !byService.includes(j) && !byRunner.includes(j));
        const killed = jobs.filter((j) => j.killed !== null);

        if (byRunner.length > 0) {
          const withReason = byRunner.filter((j) => j.reason !== null || j.workerShutdown !== null);
          report('runnerCancelled', byRunner, 'warning', {
            count: byRunner.length,
            details: byRunner.map(describeRunnerCancel).join('; '),
          }, withReason.length === byRunner.length
            ? { level: 'high', reason: 'the job was cancelled without a request from the service, right after the runner-side event that explains it' }
            : { level: 'medium', reason: 'the runner cancelled the job without a request from the service; the reason is not in these logs' });
        }
        if (killed.length > 0) {
          const ignored = killed.some((j) => j.ignoredSignals !== null);
          report('killedAfterTimeout', killed, 'warning', {
            jobs: killed.map(label).join(', '),
            signals: ignored ? ' (the Worker log shows the step ignored both SIGINT and SIGTERM)' : '',
          }, { level: 'high', reason: 'the runner logged that the worker did not exit within the cancellation timeout and killed it' });
        }
        if (byService.length > 0) {
          report('userCancelled', byService, 'info', {
            count: byService.length,
            jobs: byService.map(describeServiceCancel).join(', '),
          }, { level: 'high', reason: 'the runner logged the cancellation request it received from the service' });
        }
        if (unknown.length > 0) {
          report('cancelledUnknown', unknown, 'info', {
            count: unknown.length,
            jobs: unknown.map(describeUnknown).join(', '),
          }, { level: 'medium', reason: 'the job ended Canceled, but the cancellation request is not in these logs' });
        }
      },
    };

    function report(
      messageId: 'userCancelled' | 'cancelledUnknown' | 'runnerCancelled' | 'killedAfterTimeout',
      list: CancelJob[],
      severity: 'info' | 'warning',
      data: Record<string, string | number>,
      confidence: { level: 'high' | 'medium' | 'low'; reason: string },
    ): void {
      const evidence = collectEvidence(list, messageId);
      const capped = capEvidence(evidence, MAX_EVIDENCE);
      if (capped === null) return;
      context.report({
        messageId,
        data,
        ...capped,
        count: list.length,
        ...timeSpan(evidence.map((e) => e.time)),
        severity,
        confidence,
      });
    }

    function collectEvidence(list: CancelJob[], messageId: string): Evidence[] {
      const out: Evidence[] = [];
      const seen = new Set<string>();
      const add = (e: RunlogEvent | null, role: Evidence['role']): void => {
        if (e === null) return;
        context.explain(e);
        const key = `${e.source.file}\u0000${e.source.line}`;
        if (seen.has(key)) return;
        seen.add(key);
        out.push(evidenceOf(e, role));
      };
      for (const j of list) {
        switch (messageId) {
          case 'killedAfterTimeout':
            add(j.killed, 'trigger');
            add(j.killedFollowUp, 'context');
            add(j.ignoredSignals, 'context');
            add(j.requested ?? j.sent, 'context');
            break;
          case 'runnerCancelled':
            add(j.sent, 'trigger');
            add(j.reason?.event ?? null, 'context');
            if (j.sent === null) {
              add(j.workerCancel, 'trigger');
              add(j.workerShutdown, 'context');
            }
            add(j.result, j.sent === null && j.workerCancel === null ? 'trigger' : 'context');
            break;
          case 'userCancelled':
            add(j.requested, 'trigger');
            add(j.result, 'context');
            break;
          default:
            add(j.result ?? j.workerCancel ?? j.workerResult, 'trigger');
            if (j.result !== null) add(j.workerCancel, 'context');
            break;
        }
      }
      return out.sort(compareEvidence);
    }
  },
});

function label(j: Pick<CancelJob, 'name' | 'jobId'>): string {
  if (j.name !== null) return `job '${j.name}'`;
  if (j.jobId !== null) return `job ${j.jobId}`;
  return 'a job';
}

function describeUnknownWith(results: { get(jobId: string): string | undefined }): (j: CancelJob) => string {
  return (j) => {
    if (j.result !== null) return `${label(j)} (ended Canceled${j.result.time !== null ? ` at ${j.result.time}` : ''})`;
    const at = (j.workerCancel ?? j.workerResult)?.time;
    const final = j.jobId !== null ? results.get(j.jobId) : undefined;
    const what = j.workerCancel !== null ? 'its worker received a cancellation' : 'its steps ended Canceled';
    return `${label(j)} (${what}${at != null ? ` at ${at}` : ''}${final !== undefined ? `; the job ended ${final}` : ''})`;
  };
}

function describeServiceCancel(j: CancelJob): string {
  const at = j.requested?.time;
  const grace = j.timeoutMinutes !== null ? `, ${j.timeoutMinutes} min to stop` : '';
  return `${label(j)}${at != null ? ` at ${at}` : ''}${grace}`;
}

function describeRunnerCancel(j: CancelJob): string {
  const at = (j.sent ?? j.workerCancel ?? j.result)?.time;
  const why = j.reason?.text ?? (j.workerShutdown !== null ? 'the runner was being shut down' : 'no reason is logged before it');
  return `${label(j)}${at != null ? ` at ${at}` : ''}, because ${why}`;
}

function shutdownLabel(reason: string): string {
  switch (reason) {
    case 'Ctrl-C':
    case 'UserCancelled':
      return 'service stop, Ctrl-C or SIGTERM';
    case 'OperatingSystemShutdown':
      return 'the operating system is shutting down';
    case 'deprovisioned':
      return 'the hosted runner was deprovisioned';
    default:
      return reason.startsWith('hosted: ') ? `the service asked the hosted runner to shut down: ${reason.slice(8)}` : reason;
  }
}
