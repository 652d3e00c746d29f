/**
 * F24: the runner lost its lock on a running job. While a job runs, the Listener renews the
 * job request every 60 s; when renewals keep failing past the lock's valid-until time (plus
 * 5 minutes), when the very first renewal fails, or when the service answers that it no longer
 * knows the job, the Listener stops renewing, cancels the worker and finishes the job as
 * `Abandoned`. A symptom: the cause is what broke the renewals (network, service, credentials,
 * a suspended machine), which other rules name.
 *
 * Spec §4.F rule 4 is used as supporting context: a gap of more than 60 s beyond the 60 s
 * renewal period between two successful renewals, with no error in between, means the process
 * did not run (VM suspended, laptop asleep, CPU starvation).
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyEvent, FAILURE_CLASS_LABELS } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { Episodes, episodeSummary, formatDuration, timeMs } from '../../temporal.js';
import { createRule, type Confidence, type Evidence, type NonEmpty } from '../../types.js';

/** The Listener renews every 60 s; an interval beyond this means the renewal loop did not run. */
const GAP_THRESHOLD_MS = 120_000;
/** How far (lines) after a `Catch exception during renew` record the exception dump may be. */
const EXCEPTION_WINDOW_LINES = 6;

// Run Service flow (broker runners, v2.3xx) words these with `job <jobId>` instead of
// `jobrequest <requestId>`; the parser leaves them unrecognized.
const RS_RENEW_ERROR = /^Catch exception during renew (?:runner|agent) job (?!request)(\S+?)\.?$/i;
const RS_RETRYING = /^Retrying lock renewal for job (\S+?)\./i;
const RS_OUT_OF_RETRY = /^Lock renewal has run out of retry, stop renew lock for job (\S+?)\.?$/i;
const RS_NOT_FOUND = /^TaskAgentJobNotFoundException received when renew job (?!request)(\S+?),/i;

type LossKind = 'out-of-retry' | 'first-renewal' | 'job-not-found' | 'abandoned';

interface LockJob {
  jobId: string | null;
  requestId: string | null;
  /** Every request id `byRequest` maps to this job (a re-dispatched job gets a new one). */
  requestKeys: string[];
  name: string | null;
  failures: number;
  retryLines: number;
  firstFailure: string | null;
  lastFailure: string | null;
  renewedOnce: boolean;
  failedBeforeFirstRenewal: boolean;
  lastOk: RunlogEvent | null;
  errorSinceOk: boolean;
  losses: { kind: LossKind; event: RunlogEvent }[];
  tokenExpired: RunlogEvent | null;
  /** The service asked to cancel the job: a job it then no longer knows was cancelled, not lost. */
  cancelRequested: boolean;
  cancelSent: RunlogEvent | null;
  classes: Set<string>;
  gap: { seconds: number; from: RunlogEvent; to: RunlogEvent } | null;
  done: boolean;
  /** The result the runner logged for the job, once it completed. */
  result: string | null;
}

function shortType(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}

export default createRule({
  meta: {
    id: 'job-lock-lost',
    cause: 'job_lock_lost',
    title: 'Job lock lost: the runner could not keep its lock on a running job',
    type: 'symptom',
    severity: 'error',
    symptomOf: [
      'dns_or_network_unreachable',
      'connection_timeout',
      'tls_certificate_error',
      'proxy_error',
      'service_unavailable',
      'token_expired_or_unauthorized',
      'clock_skew',
      'broker_session_not_found',
    ],
    messages: {
      lost: 'The runner lost its lock on {{count}} running job(s), so the service gave up on them: {{details}}.{{gapNote}}',
      renewFailed:
        'Renewing the lock on {{jobs}} failed {{count}} time(s){{classes}} {{when}}; {{outcome}}.{{gapNote}}',
    },
    docs: {
      description:
        'While a job runs, the runner renews its lock on the job with GitHub every 60 seconds. When renewals fail for longer than the lock lasts (about 10 minutes plus a 5-minute grace), when the first renewal fails, or when GitHub answers that the job no longer exists, the runner stops the job and GitHub marks it abandoned ("The runner has lost communication with the server"). This is a symptom: the network, the service, the runner\'s credentials or a suspended machine broke the renewals.',
      confirm: [
        'In the Runner log: `Catch exception during renew runner jobrequest <id>` followed by `Retrying lock renewal for jobrequest <id>`, then `Lock renewal has run out of retry, stop renew lock for jobrequest <id>` and `finish job request for job <id> with result: Abandoned`.',
        'First renewal: `Unable to renew job request for job <id> for the first time, stop dispatching job to worker.` (the job never started on this runner).',
        'Server side: `TaskAgentJobNotFoundException received when renew job request <id>` means GitHub had already cancelled or reassigned the job.',
        'Look at the exception under each `Catch exception during renew` line: it names the real cause (DNS, timeout, TLS, HTTP 5xx, 401).',
        'If the successful `Successfully renew job request` lines before the failure are minutes apart instead of 60 s, the machine was suspended or starved: check the hypervisor, `journalctl -k`, or sleep settings.',
      ],
      catalog: ['F24'],
    },
    remedy: {
      temporary: [
        'Re-run the abandoned job; nothing on the runner needs resetting.',
        'If renewals failed on network errors, check the runner can reach GitHub now: `./run.sh --check --url <repo or org url> --pat <token>` (or `curl -sI https://api.github.com`).',
      ],
      permanent: [
        'Fix what broke the renewals (see the cause this symptom is listed under): the proxy or firewall path to `*.actions.githubusercontent.com`, DNS, TLS inspection, or the machine clock.',
        'Do not suspend, snapshot or live-migrate runner VMs while jobs run; give the runner enough CPU so its Listener is not starved (avoid CPU limits far below what jobs use in containers).',
      ],
      prevention: [
        'Monitor the runner host\'s network to GitHub (packet loss, proxy idle timeouts shorter than 60 s).',
        'For autoscaled runners, make sure scale-down never pauses or kills a busy machine.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#communication-between-self-hosted-runners-and-github',
      ],
    },
  },
  create(context) {
    /**
     * Jobs in the order they were first seen: the recent ones, for the lines still to come, and
     * every job whose renewals failed or which lost its lock (kept: `end` reports them). A job
     * that ran cleanly is forgotten once a few hundred newer ones have started.
     */
    const jobs = new RecentMap<LockJob, true>(undefined, (j) => forget(j));
    const byJob = new Map<string, LockJob>();
    const byRequest = new Map<string, LockJob>();
    const requestToJob = new RecentMap<string, string>();
    const names = new RecentMap<string, string>();
    let lastReceivedJobId: string | null = null;
    let current: LockJob | null = null;

    const failureLines = new Occurrences(context, 2, 1);
    const lossLines = new Occurrences(context, 3, 2);
    const contextLines = new Occurrences(context, 0, 0, 6);
    const episodes = new Episodes();
    /** The last renew error per file, so the exception dump logged right after it joins it. */
    const pendingDump = new Map<string, { job: LockJob; line: number; classified: boolean }>();

    /** True for a record that continues the exception dump logged under a renew error (extends the window). */
    const inDump = (e: RunlogEvent): boolean => {
      const p = pendingDump.get(e.source.file);
      if (p === undefined || e.component !== 'JobDispatcher' || e.level !== 'ERR') return false;
      if (e.source.line <= p.line || e.source.line > p.line + EXCEPTION_WINDOW_LINES) return false;
      p.line = e.source.endLine;
      return true;
    };

    const newJob = (jobId: string | null, requestId: string | null): LockJob => {
      const j: LockJob = {
        jobId,
        requestId,
        name: jobId === null ? null : names.get(jobId) ?? null,
        requestKeys: [],
        failures: 0,
        retryLines: 0,
        firstFailure: null,
        lastFailure: null,
        renewedOnce: false,
        failedBeforeFirstRenewal: false,
        lastOk: null,
        errorSinceOk: false,
        losses: [],
        tokenExpired: null,
        cancelRequested: false,
        cancelSent: null,
        classes: new Set(),
        gap: null,
        done: false,
        result: null,
      };
      jobs.set(j, true);
      if (jobId !== null) byJob.set(jobId, j);
      if (requestId !== null) indexRequest(requestId, j);
      return j;
    };

    const indexRequest = (requestId: string, j: LockJob): void => {
      byRequest.set(requestId, j);
      if (!j.requestKeys.includes(requestId)) j.requestKeys.push(requestId);
    };

    /** A job that left the recent window: its ids no longer lead to it. */
    const forget = (j: LockJob): void => {
      if (j.jobId !== null && byJob.get(j.jobId) === j) byJob.delete(j.jobId);
      for (const r of j.requestKeys) if (byRequest.get(r) === j) byRequest.delete(r);
    };

    /** A job `end` will look at: kept whatever follows (re-added if it had already been forgotten). */
    const reportable = (j: LockJob): void => {
      if (jobs.isKept(j)) return;
      jobs.keep(j);
      if (jobs.has(j)) return;
      jobs.set(j, true);
      if (j.jobId !== null && !byJob.has(j.jobId)) byJob.set(j.jobId, j);
      for (const r of j.requestKeys) if (!byRequest.has(r)) byRequest.set(r, j);
    };

    const findJob = (match: (j: LockJob) => boolean): LockJob | undefined => {
      for (const j of jobs.keys()) if (match(j)) return j;
      return undefined;
    };

    const byRequestId = (requestId: string | null): LockJob => {
      if (requestId !== null) {
        const known = byRequest.get(requestId);
        if (known !== undefined) return known;
        const jobId = requestToJob.get(requestId);
        if (jobId !== undefined) {
          const j = byJob.get(jobId);
          if (j !== undefined) {
            j.requestId ??= requestId;
            indexRequest(requestId, j);
            return j;
          }
          return (current = newJob(jobId, requestId));
        }
      }
      return (current = requestId === null && current !== null && !current.done ? current : newJob(null, requestId));
    };

    /** By job id; a job seen so far only by its request id (partial log) is the running one. */
    const byJobId = (jobId: string | null): LockJob => {
      if (jobId !== null) {
        const known = byJob.get(jobId);
        if (known !== undefined) return known;
        if (current !== null && current.jobId === null && !current.done) {
          current.jobId = jobId;
          current.name ??= names.get(jobId) ?? null;
          byJob.set(jobId, current);
          return current;
        }
        return (current = newJob(jobId, null));
      }
      return current !== null && !current.done ? current : (current = newJob(null, null));
    };

    const renewed = (j: LockJob, e: RunlogEvent): void => {
      const ms = timeMs(e);
      const prev = j.lastOk;
      const prevMs = prev === null ? null : timeMs(prev);
      if (prev !== null && prevMs !== null && ms !== null && !j.errorSinceOk) noteGap(j, prev, e, ms - prevMs);
      j.renewedOnce = true;
      j.lastOk = e;
      j.errorSinceOk = false;
      current = j;
      episodes.ok(e);
    };

    const noteGap = (j: LockJob, from: RunlogEvent, to: RunlogEvent, ms: number): void => {
      if (ms <= GAP_THRESHOLD_MS) return;
      const seconds = Math.round(ms / 1000);
      if (j.gap === null || seconds > j.gap.seconds) j.gap = { seconds, from, to };
    };

    const failed = (j: LockJob, e: RunlogEvent): void => {
      j.failures++;
      if (!j.renewedOnce) j.failedBeforeFirstRenewal = true;
      j.firstFailure ??= e.time;
      if (e.time !== null) j.lastFailure = e.time;
      j.errorSinceOk = true;
      reportable(j);
      failureLines.add(e);
      episodes.fail(e);
      pendingDump.set(e.source.file, { job: j, line: e.source.endLine, classified: false });
      current = j;
    };

    const retrying = (j: LockJob, e: RunlogEvent): void => {
      j.retryLines++;
      if (e.text.includes('first job renew request has failed') && !j.renewedOnce) j.failedBeforeFirstRenewal = true;
      context.explain(e);
    };

    const lost = (j: LockJob, kind: LossKind, e: RunlogEvent): void => {
      j.losses.push({ kind, event: e });
      reportable(j);
      lossLines.add(e);
      current = j;
    };

    const rejectedNotFound = (j: LockJob, e: RunlogEvent): void => {
      // A renewal in flight when the job ended comes back 404 once the service has closed the
      // job: after a result other than Abandoned, the job was not lost.
      if (j.done && j.result !== null && !/^Abandoned$/i.test(j.result)) {
        context.explain(e);
        return;
      }
      const ms = timeMs(e);
      const prevMs = j.lastOk === null ? null : timeMs(j.lastOk);
      if (j.lastOk !== null && prevMs !== null && ms !== null && !j.errorSinceOk) noteGap(j, j.lastOk, e, ms - prevMs);
      lost(j, 'job-not-found', e);
    };

    return {
      'job.received'(e) {
        requestToJob.set(e.requestId, e.jobId);
        lastReceivedJobId = e.jobId;
        const j = byJob.get(e.jobId) ?? newJob(e.jobId, e.requestId);
        j.requestId ??= e.requestId;
        indexRequest(e.requestId, j);
        current = j;
      },
      'job.started'(e) {
        const id = e.jobId ?? lastReceivedJobId;
        if (id === null) return;
        names.set(id, e.name);
        const j = byJob.get(id);
        if (j !== undefined) j.name = e.name;
      },
      'job.renewed'(e) {
        const j = e.requestId !== null ? byRequestId(e.requestId) : byJobId(e.jobId);
        renewed(j, e);
      },
      'job.renew_error'(e) {
        const j = byRequestId(e.requestId);
        if (e.retrying) retrying(j, e);
        else failed(j, e);
      },
      'job.lock_lost'(e) {
        const j = e.firstRenewal ? byJobId(e.jobId) : byRequestId(e.requestId);
        if (e.firstRenewal) j.failedBeforeFirstRenewal = true;
        lost(j, e.firstRenewal ? 'first-renewal' : 'out-of-retry', e);
      },
      'job.renew_rejected'(e) {
        const j = byRequestId(e.requestId);
        if (/JobNotFound/i.test(e.reason)) rejectedNotFound(j, e);
        else if (/TokenExpired/i.test(e.reason)) j.tokenExpired = e;
        else contextLines.context(e);
      },
      'job.cancel_requested'(e) {
        byJobId(e.jobId).cancelRequested = true;
      },
      'job.cancel_sent'(e) {
        const j = byJob.get(e.jobId) ?? (current !== null && !current.done ? current : null);
        if (j !== null && j.cancelSent === null && (j.losses.length > 0 || j.tokenExpired !== null)) j.cancelSent = e;
      },
      'job.completed'(e) {
        let j: LockJob | null = null;
        if (e.jobId !== null) j = byJobId(e.jobId);
        else if (e.name !== null) j = findJob((x) => x.name === e.name && !x.done) ?? findJob((x) => x.name === e.name) ?? null;
        if (j === null) j = byJobId(null);
        if (e.name !== null) j.name ??= e.name;
        j.result = e.result;
        if (/^Abandoned$/i.test(e.result) && !j.losses.some((l) => l.kind === 'abandoned')) lost(j, 'abandoned', e);
        else if (/^Abandoned$/i.test(e.result)) context.explain(e);
        j.done = true;
      },
      exception(e) {
        if (!inDump(e)) return;
        const p = pendingDump.get(e.source.file)!;
        if (!p.classified) {
          p.classified = true;
          const cls = classifyEvent(e);
          p.job.classes.add(cls !== null ? FAILURE_CLASS_LABELS[cls] : shortType(e.type));
          contextLines.context(e);
        } else {
          context.explain(e);
        }
      },
      unrecognized(e) {
        if (e.component !== 'JobDispatcher') return;
        let m = RS_RENEW_ERROR.exec(e.text);
        if (m !== null) return failed(byJobId(m[1]!), e);
        m = RS_RETRYING.exec(e.text);
        if (m !== null) return retrying(byJobId(m[1]!), e);
        m = RS_OUT_OF_RETRY.exec(e.text);
        if (m !== null) return lost(byJobId(m[1]!), 'out-of-retry', e);
        m = RS_NOT_FOUND.exec(e.text);
        if (m !== null) return rejectedNotFound(byJobId(m[1]!), e);
        // Socket exceptions with an error-code suffix (`SocketException (00000001, 11): ...`) in the same dump.
        if (inDump(e)) context.explain(e);
      },
      end() {
        const all = [...jobs.keys()];
        const lostJobs = all.filter((j) => effectiveLosses(j).length > 0);
        const eps = episodes.finish();
        if (lostJobs.length > 0) {
          for (const j of lostJobs) {
            if (j.cancelSent !== null) contextLines.context(j.cancelSent);
            if (j.tokenExpired !== null) contextLines.context(j.tokenExpired);
          }
          const gapJob = lostJobs.find((j) => j.gap !== null);
          if (gapJob?.gap != null) {
            contextLines.context(gapJob.gap.from);
            contextLines.context(gapJob.gap.to);
          }
          const summary = mergeSummaries(lossLines.summary(), failureLines.summary(), contextLines.summary());
          if (summary === null) return;
          const explicit = lostJobs.some((j) => effectiveLosses(j).some((l) => l.kind !== 'abandoned'));
          const confidence: Confidence = explicit
            ? { level: 'high', reason: 'the runner logged that it stopped renewing the job lock (or that the service no longer knew the job)' }
            : { level: 'medium', reason: 'the job ended Abandoned, but the lock renewal lines are not in these logs' };
          context.report({
            messageId: 'lost',
            data: {
              count: lostJobs.length,
              details: lostJobs.map(describeLoss).join('; '),
              gapNote: gapJob?.gap != null ? gapNote(gapJob.gap.seconds) : '',
            },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: lostJobs.length,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            episodes: eps,
            severity: 'error',
            confidence,
          });
          return;
        }
        const failing = all.filter((j) => j.failures > 0);
        const failures = failing.reduce((n, j) => n + j.failures, 0);
        if (failures === 0) return;
        const gapJob = failing.find((j) => j.gap !== null);
        if (gapJob?.gap != null) {
          contextLines.context(gapJob.gap.from);
          contextLines.context(gapJob.gap.to);
        }
        for (const j of failing) if (j.tokenExpired !== null) contextLines.context(j.tokenExpired);
        const summary = mergeSummaries(failureLines.summary(), contextLines.summary());
        if (summary === null) return;
        const { ongoing, totalSeconds } = episodeSummary(eps);
        const classes = [...new Set(failing.flatMap((j) => [...j.classes]))];
        const tokenExpired = failing.find((j) => j.tokenExpired !== null);
        const outcome = tokenExpired !== undefined
          ? 'then the service rejected the job\'s token (TaskAgentJobTokenExpiredException), which ended the job: see the token cause'
          : ongoing
            ? `still failing where the log ends (${formatDuration(totalSeconds)} so far): the job is at risk of being abandoned once its lock expires`
            : `a renewal succeeded again after ${formatDuration(totalSeconds)}: the job kept its lock`;
        context.report({
          messageId: 'renewFailed',
          data: {
            jobs: failing.map(jobLabel).join(', '),
            count: failures,
            classes: classes.length > 0 ? ` (${classes.join(', ')})` : '',
            when: when(summary.firstSeen, summary.lastSeen),
            outcome,
            gapNote: gapJob?.gap != null ? gapNote(gapJob.gap.seconds) : '',
          },
          evidence: summary.evidence as NonEmpty<Evidence>,
          evidenceOmitted: summary.evidenceOmitted,
          count: failures,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          episodes: eps,
          // A blip that a retry absorbed long before the lock expired is context; a streak near the
          // lock's end, or one still open where the log ends, put the job at risk.
          severity: ongoing || tokenExpired !== undefined || failures >= 3 || totalSeconds >= 300 ? 'warning' : 'info',
          confidence: { level: 'high', reason: `${failures} failed lock renewal(s) logged by the runner` },
        });
      },
    };

    function effectiveLosses(j: LockJob): LockJob['losses'] {
      // A job ended by an expired job token belongs to the token cause; here it is context only.
      // A job the service cancelled and then forgot raced its own cancellation (job_cancelled).
      if (j.cancelRequested) return j.losses.filter((l) => l.kind === 'out-of-retry' || l.kind === 'first-renewal');
      if (j.tokenExpired !== null) return j.losses.filter((l) => l.kind !== 'abandoned');
      return j.losses;
    }

    function describeLoss(j: LockJob): string {
      const losses = effectiveLosses(j);
      const kinds = new Set(losses.map((l) => l.kind));
      const at = (k: LossKind): string => losses.find((l) => l.kind === k)?.event.time ?? 'unknown time';
      const classes = j.classes.size > 0 ? ` (${[...j.classes].join(', ')})` : '';
      const failures = j.failures > 0 ? `failed ${j.failures} time(s)${classes}${j.firstFailure !== null ? ` from ${j.firstFailure}` : ''}` : 'failed';
      let what: string;
      if (kinds.has('first-renewal')) {
        what = `the first lock renewal ${failures}, so the runner never started the job (${at('first-renewal')})`;
      } else if (kinds.has('out-of-retry')) {
        what = `lock renewal ${failures} and ran out of retries at ${at('out-of-retry')}`;
      } else if (kinds.has('job-not-found')) {
        what = `the service no longer knew the job when the runner renewed its lock at ${at('job-not-found')} (TaskAgentJobNotFoundException: it was cancelled, timed out or reassigned on GitHub's side)`;
      } else {
        what = `the job ended with result Abandoned at ${at('abandoned')} (the renewal lines are not in these logs)`;
      }
      const after: string[] = [];
      if (j.cancelSent !== null) after.push('the runner then cancelled the worker');
      if (kinds.has('abandoned') && !(kinds.size === 1)) after.push('the job ended Abandoned');
      return `${jobLabel(j)}: ${what}${after.length > 0 ? `; ${after.join(', ')}` : ''}`;
    }
  },
});

function jobLabel(j: { name: string | null; jobId: string | null; requestId: string | null }): string {
  if (j.name !== null) return `job '${j.name}'`;
  if (j.jobId !== null) return `job ${j.jobId}`;
  if (j.requestId !== null) return `job request ${j.requestId}`;
  return 'a job';
}

function when(first: string | null, last: string | null): string {
  if (first === null) return 'at an unknown time';
  return last === null || last === first ? `at ${first}` : `between ${first} and ${last}`;
}

function gapNote(seconds: number): string {
  return ` Before that, ${formatDuration(seconds)} passed between two lock renewals with no error logged (the runner renews every 60 s): the machine was probably suspended (VM pause, snapshot, sleep) or the runner was starved of CPU.`;
}
