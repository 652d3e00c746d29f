/**
 * F33 and spec §3.5: the runner was stopped (Ctrl-C, SIGTERM from a service stop, the operating
 * system shutting down, the service retiring a hosted runner, an ephemeral runner done with its
 * job). A stop while idle explains why the runner went offline (info); a stop while a job runs
 * cancels that job (warning, naming the job); the normal end of an ephemeral or hosted runner is
 * lifecycle (info).
 *
 * One shutdown writes several lines (`Received Ctrl-C signal`, `Runner will be shutdown for
 * UserCancelled`, `Runner execution been cancelled.`; the Worker logs its own `Runner will be
 * shutdown for ...`): they are grouped into one stop.
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';
import { compareEvidence, evidenceOf, capEvidence, timeSpan } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Evidence } from '../../types.js';

/** Lines of one stop fall within this window. */
const STOP_WINDOW_MS = 10 * 60_000;
/** A job result logged this soon after the stop was ended by it. */
const RESULT_WINDOW_MS = 5 * 60_000;
const MAX_EVIDENCE = 12;

type Kind = 'signal' | 'service' | 'os' | 'hosted' | 'ephemeral' | 'cancelled';

interface RunningJob {
  jobId: string | null;
  name: string | null;
}

interface Stop {
  kind: Kind;
  reason: string;
  time: string | null;
  ms: number | null;
  lastMs: number | null;
  lines: RunlogEvent[];
  exit: EventOfKind<'runner.exited'> | null;
  jobs: RunningJob[];
  results: EventOfKind<'job.completed'>[];
  workerSide: RunlogEvent | null;
}

const KIND_RANK: Record<Kind, number> = { os: 5, hosted: 4, service: 3, signal: 2, cancelled: 1, ephemeral: 0 };

function kindOf(reason: string): Kind {
  if (reason === 'OperatingSystemShutdown') return 'os';
  if (reason === 'ephemeral') return 'ephemeral';
  if (reason === 'deprovisioned' || reason.startsWith('hosted')) return 'hosted';
  return 'signal';
}

function describeReason(s: Stop): string {
  switch (s.kind) {
    case 'os':
      return 'the operating system was shutting down (reboot or power-off)';
    case 'hosted':
      return s.reason === 'deprovisioned'
        ? 'the hosted runner was deprovisioned'
        : `the service asked this hosted runner to shut down (${s.reason.replace(/^hosted: ?/, '') || 'no reason given'})`;
    case 'ephemeral':
      return 'the ephemeral (run-once) runner exits after its one job';
    case 'cancelled':
      return 'the runner process was cancelled (SIGINT/SIGTERM)';
    case 'service':
      return 'the runner\'s service was stopped (`svc.sh stop`, `systemctl stop`, or the machine shutting down)';
    case 'signal':
      return 'Ctrl-C or SIGTERM: a service stop (`svc.sh stop`, `systemctl stop`), a container stop, or Ctrl-C in a terminal';
  }
}

export default createRule({
  meta: {
    id: 'runner-shutdown-signal',
    cause: 'runner_shutdown_signal',
    title: 'Runner stopped: a shutdown signal ended the runner',
    type: 'root-cause',
    severity: 'info',
    messages: {
      duringJob: 'The runner was stopped while a job was running: {{details}}.',
      stopped: 'The runner was stopped {{count}} time(s) while idle: {{details}}. This explains why it went offline; no job was affected.',
      lifecycle: 'The runner shut down as part of its normal lifecycle: {{details}}.',
    },
    docs: {
      description:
        'The runner process was told to stop: Ctrl-C or SIGTERM (a service stop, `systemctl stop`, a container or pod being stopped), the operating system shutting down, or the service retiring a hosted or ephemeral runner. Stopped while idle, this only explains why the runner shows offline. Stopped while a job runs, the job is cancelled and GitHub reports "The runner has received a shutdown signal".',
      confirm: [
        'In the Runner log: `Received Ctrl-C signal, stop Runner.Listener and Runner.Worker.` or `Received Ctrl-Break signal ... the operating system is shutting down.`, `Runner will be shutdown for <UserCancelled|OperatingSystemShutdown>`, and `Runner execution been cancelled.`',
        'If a job was running: `Send job cancellation message to worker` right after, in the Worker log `Runner will be shutdown for ...`, and in the job\'s own log (`_diag/pages/`, or the log downloaded from the run) `##[error]The runner has received a shutdown signal` or `##[error]Operating system is shutting down for computer ...`.',
        'Find who stopped it: `journalctl -u actions.runner.*` (systemd), `last -x shutdown reboot`, the autoscaler or Kubernetes events (`kubectl get events`).',
      ],
      catalog: ['F33', 'F45'],
    },
    remedy: {
      temporary: [
        'Start the runner again if it should be running: `sudo ./svc.sh start` (or `./run.sh`).',
        'Re-run the job that was cancelled by the stop.',
      ],
      permanent: [
        'Drain the runner before stopping it or rebooting the machine: wait until it is idle (no `Running job` without a matching `completed`), or take it out of the pool first.',
        'For autoscalers (ARC, scale sets): make sure scale-down never deletes busy runner pods or VMs; use ephemeral runners so each machine ends after its job.',
      ],
      prevention: [
        'Schedule OS updates and reboots outside busy hours, or use a maintenance routine that waits for running jobs.',
        'Raise the service manager\'s stop timeout (systemd `TimeoutStopSec`) so a stopping runner can finish cancelling its job cleanly.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/configuring-the-self-hosted-runner-application-as-a-service',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/autoscaling-with-self-hosted-runners',
      ],
    },
  },
  create(context) {
    const stops: Stop[] = [];
    let open: Stop | null = null;
    const running = new Map<string, RunningJob>();
    // Recent jobs and Worker files only, plus (`keep`) the jobs a stop interrupted and the Worker
    // file that saw it, which `end` names.
    const names = new RecentMap<string, string>();
    let lastJobId: string | null = null;
    const workerJob = new RecentMap<string, string>();
    const linked = new RecentMap<string, string>();

    const keepJob = (jobId: string | null): void => {
      if (jobId !== null) names.keep(jobId);
    };

    /** The Worker file that received a shutdown: `end` may name its job. */
    const keepWorkerFile = (file: string): void => {
      workerJob.keep(file);
      linked.keep(file);
      keepJob(workerJob.get(file) ?? null);
      keepJob(linked.get(file) ?? null);
    };

    const near = (s: Stop | null, e: RunlogEvent): s is Stop => {
      if (s === null) return false;
      const ms = timeMs(e);
      return s.lastMs === null || ms === null || (ms >= s.lastMs - 60_000 && ms - s.lastMs <= STOP_WINDOW_MS);
    };

    const startStop = (kind: Kind, reason: string, e: RunlogEvent): Stop => {
      const s: Stop = {
        kind,
        reason,
        time: e.time,
        ms: timeMs(e),
        lastMs: timeMs(e),
        lines: [],
        exit: null,
        jobs: [...running.values()],
        results: [],
        workerSide: null,
      };
      for (const j of s.jobs) keepJob(j.jobId);
      stops.push(s);
      open = s;
      return s;
    };

    const touch = (s: Stop, e: RunlogEvent): void => {
      s.lastMs = timeMs(e) ?? s.lastMs;
    };

    return {
      'runner.started'() {
        open = null;
        running.clear();
      },
      'job.received'(e) {
        lastJobId = e.jobId;
        running.set(e.jobId, { jobId: e.jobId, name: names.get(e.jobId) ?? null });
      },
      'job.started'(e) {
        const id = e.jobId ?? lastJobId;
        if (id !== null) names.set(id, e.name);
        // Console-only logs (journald, container stdout) name the job but give no id.
        const key = id ?? `name:${e.name}`;
        const j = running.get(key);
        if (j !== undefined) j.name = e.name;
        else running.set(key, { jobId: id, name: e.name });
      },
      'job.completed'(e) {
        const key = e.jobId !== null && running.has(e.jobId)
          ? e.jobId
          : [...running].find(([, j]) => j.name !== null && j.name === e.name)?.[0] ?? null;
        const id = e.jobId ?? (key !== null ? running.get(key)?.jobId ?? null : null);
        const wasRunning = key !== null && running.delete(key);
        const s: Stop | null = open;
        if (s === null || !near(s, e)) return;
        const ms = timeMs(e);
        if (s.ms !== null && ms !== null && (ms < s.ms || ms - s.ms > RESULT_WINDOW_MS)) return;
        if (!wasRunning && !s.jobs.some((j) => j.jobId === id || (j.name !== null && j.name === e.name))) {
          // A result right after the stop for a job the log did not show starting (partial log).
          if (!/^(Canceled|Failed)$/i.test(e.result)) return;
          s.jobs.push({ jobId: id, name: e.name ?? (id !== null ? names.get(id) ?? null : null) });
          keepJob(id);
        }
        s.results.push(e);
      },
      'runner.shutdown'(e) {
        const kind = kindOf(e.reason);
        if (e.process === 'worker') {
          // The worker got the shutdown: a job was running when the runner stopped.
          const prev: Stop | null = open;
          const s = near(prev, e) && prev.kind !== 'ephemeral' ? prev : startStop(kind, e.reason, e);
          if (s.workerSide === null) {
            s.workerSide = e;
            keepWorkerFile(e.source.file);
          }
          touch(s, e);
          return;
        }
        const prev: Stop | null = open;
        let s: Stop;
        if (near(prev, e) && (prev.kind === 'ephemeral') === (kind === 'ephemeral')) {
          s = prev;
          if (KIND_RANK[kind] > KIND_RANK[s.kind]) {
            s.kind = kind;
            s.reason = e.reason;
          }
        } else {
          s = startStop(kind, e.reason, e);
        }
        s.lines.push(e);
        touch(s, e);
      },
      // `Exiting...` (the runner's Ctrl-C handler) and the service host's `Shutting down runner listener`.
      'terminal.line'(e) {
        const t = e.message.trim();
        // The service host starting a new listener process: no job runs in it yet.
        if (e.component === 'Console' && /^Start(?:ing|ed) (?:Runner )?listener\b/i.test(t)) {
          running.clear();
          return;
        }
        const kind: Kind | null = t === 'Exiting...' ? 'signal' : e.component === 'Console' && /^Shutting down runner listener\b/.test(t) ? 'service' : null;
        if (kind === null) return;
        const prev: Stop | null = open;
        const s = near(prev, e) && prev.kind !== 'ephemeral' ? prev : startStop(kind, kind === 'service' ? 'service' : 'Ctrl-C', e);
        if (KIND_RANK[kind] > KIND_RANK[s.kind]) {
          s.kind = kind;
          s.reason = 'service';
        }
        s.lines.push(e);
        touch(s, e);
      },
      'runner.exited'(e) {
        const prev: Stop | null = open;
        if (near(prev, e) && prev.exit === null) {
          prev.exit = e;
          touch(prev, e);
        } else if (e.cancelled) {
          const s = startStop('cancelled', 'cancelled', e);
          s.exit = e;
        }
        // The process is gone: whatever it ran is over.
        running.clear();
      },
      'worker.job_id'(e) {
        workerJob.set(e.source.file, e.jobId);
        if (workerJob.isKept(e.source.file)) keepJob(e.jobId);
      },
      'job.linked'(e) {
        if (e.jobId === null) return;
        linked.set(e.workerFile, e.jobId);
        if (linked.isKept(e.workerFile)) keepJob(e.jobId);
      },
      end() {
        for (const s of stops) {
          if (s.workerSide !== null && s.jobs.length === 0) {
            const file = s.workerSide.source.file;
            const jobId = workerJob.get(file) ?? linked.get(file) ?? null;
            s.jobs.push({ jobId, name: jobId !== null ? names.get(jobId) ?? null : null });
          }
          for (const j of s.jobs) if (j.jobId !== null) j.name ??= names.get(j.jobId) ?? null;
        }
        const duringJob = stops.filter((s) => s.kind !== 'ephemeral' && s.jobs.length > 0);
        const lifecycle = stops.filter((s) => !duringJob.includes(s) && (s.kind === 'ephemeral' || s.kind === 'hosted'));
        const idle = stops.filter((s) => !duringJob.includes(s) && !lifecycle.includes(s));

        if (duringJob.length > 0) {
          report('duringJob', duringJob, 'warning', { details: duringJob.map(describeDuringJob).join('; ') });
        }
        if (idle.length > 0) {
          report('stopped', idle, 'info', { count: idle.length, details: idle.map(describeIdle).join('; ') });
        }
        if (lifecycle.length > 0) {
          report('lifecycle', lifecycle, 'info', { details: lifecycle.map(describeIdle).join('; ') });
        }
      },
    };

    function report(messageId: 'duringJob' | 'stopped' | 'lifecycle', list: Stop[], severity: 'warning' | 'info', data: Record<string, string | number>): void {
      const evidence: Evidence[] = [];
      for (const s of list) {
        for (const e of s.lines) evidence.push(evidenceOf(e, 'trigger'));
        if (s.workerSide !== null) evidence.push(evidenceOf(s.workerSide, s.lines.length > 0 ? 'context' : 'trigger'));
        if (s.exit !== null) evidence.push(evidenceOf(s.exit, s.lines.length > 0 || s.workerSide !== null ? 'context' : 'trigger'));
        for (const r of s.results) evidence.push(evidenceOf(r, 'context'));
      }
      evidence.sort(compareEvidence);
      const capped = capEvidence(evidence, MAX_EVIDENCE);
      if (capped === null) return;
      context.report({
        messageId,
        data,
        ...capped,
        count: list.length,
        ...timeSpan(list.map((s) => s.time)),
        severity,
        confidence: {
          level: 'high',
          reason: messageId === 'duringJob'
            ? 'the runner logged the shutdown signal while a job it had received was still running'
            : 'the runner logged the shutdown signal and why it stopped',
        },
        conclusive: list.some((s) => s.exit !== null),
      });
    }
  },
});

function at(s: Stop): string {
  return s.time !== null ? `at ${s.time}` : 'at an unknown time';
}

function jobLabel(j: RunningJob): string {
  if (j.name !== null) return `job '${j.name}'`;
  if (j.jobId !== null) return `job ${j.jobId}`;
  return 'a job';
}

function describeDuringJob(s: Stop): string {
  const jobs = s.jobs.map(jobLabel).join(', ');
  const results = s.results.map((r) => r.result);
  const outcome = results.length > 0
    ? `the job ended ${[...new Set(results)].join('/')} (GitHub reports it failed: "The runner has received a shutdown signal")`
    : 'the job was cancelled (GitHub reports it failed: "The runner has received a shutdown signal")';
  return `${at(s)} (${describeReason(s)}) during ${jobs}; ${outcome}`;
}

function describeIdle(s: Stop): string {
  const exit = s.exit === null ? '' : s.exit.code === 0 ? '; it exited cleanly' : `; it exited with code ${s.exit.code}`;
  return `${at(s)}: ${describeReason(s)}${exit}`;
}
