/**
 * F29 with out-of-memory evidence: the worker (or the listener) was killed for memory. Exit
 * code 137 is 128 + SIGKILL, which the kernel OOM killer and container memory limits send
 * (`kill -9` gives the same code, hence medium confidence alone); `OutOfMemoryException`,
 * `Out of memory`, `oom-kill` or a shell's `Killed` in the captured output make it certain.
 *
 * Not memory exhaustion: the runner's own `oom_score_adj` bookkeeping (`Updated oom_score_adj
 * to 500 for PID`, and an access error about it, both at INFO), and a worker the runner killed
 * itself after a cancellation timeout or an IPC failure.
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';
import { compareEvidence, evidenceOf } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { TAIL_WINDOW } from '../../tail.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Confidence, type Evidence, type NonEmpty } from '../../types.js';
import { isJobResultCode, isOomText, isStrongOomText, oomLine, quoteLines, SIGKILL_EXIT } from '../worker-crashed/worker-exit.js';

const MAX_EVIDENCE = 14;
/** run-helper.sh: `Exiting with unknown error code: 137`. */
const UNKNOWN_EXIT_137 = /^Exiting with unknown error code: 137\b/;
/** bash reporting a SIGKILLed child: `./run-helper.sh: line 20:  1234 Killed  "$DIR"/bin/Runner.Listener run`. */
// Up to the next `Killed` only: `.*` scanned to the end of the line again from every `Killed`
// (recheck: polynomial); a line with a later `Killed` still matches from that one.
const SHELL_KILLED = /\bKilled\b(?:(?!\bKilled\b).)*\bRunner\.(Listener|Worker)\b/;
const MAX_EXCERPT = 400;
/** An exit, a statement or captured output this close together are one kill. */
const LINK_WINDOW_MS = 5 * 60_000;

interface Kill {
  /** `service`: a process of the runner's service or container, not said which (systemd's OOM notice). */
  who: 'worker' | 'listener' | 'service' | 'unknown';
  jobId: string | null;
  /** The exit code line(s): 137. */
  exits: RunlogEvent[];
  /** OOM text: captured output, exceptions, error lines. */
  /** `strong`: the text states memory exhaustion; a shell's `Killed` only confirms the SIGKILL. */
  texts: { event: RunlogEvent; quote: string; output: boolean; strong: boolean }[];
  /** The worker's non-137 exit lines the OOM text explains (e.g. a Windows NTSTATUS). */
  context: RunlogEvent[];
  time: string | null;
  duringShutdown: boolean;
}

function cap(text: string): string {
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT - 1)}…` : text;
}

/** An exception the runner logged as an error (INFO-level dumps are handled and ignored by the runner). */
function isOomException(e: EventOfKind<'exception'>): boolean {
  if (e.level !== 'ERR' && e.level !== 'CRIT' && e.level !== 'WARN') return false;
  if (e.type.endsWith('OutOfMemoryException') || e.inner.some((i) => i.type.endsWith('OutOfMemoryException'))) return true;
  return isStrongOomText(e.message) || e.inner.some((i) => isStrongOomText(i.message));
}

export default createRule({
  meta: {
    id: 'runner-oom-killed',
    cause: 'runner_oom_killed',
    title: 'Killed for memory: the worker or runner ran out of memory',
    type: 'root-cause',
    severity: 'error',
    messages: {
      killed: 'The {{what}} was killed with SIGKILL (exit code 137){{jobs}}{{evidence}}: {{meaning}}.',
      outOfMemory: 'The {{what}} ran out of memory{{jobs}}: "{{quote}}". {{impact}}',
    },
    docs: {
      description:
        'The job\'s worker process (or the runner itself) was killed because the machine or its container ran out of memory: the Linux OOM killer or a cgroup/container memory limit sends SIGKILL, which shows as exit code 137, or .NET throws OutOfMemoryException. The job fails with little or no explanation in its own log, usually because of what the job ran (tests, builds, containers) rather than the runner.',
      confirm: [
        'In the Runner log: `Worker finished for job <id>. Code: 137` (or `Finished process <pid> with exit code 137`), and in the worker output after `Unhandled exception happened in worker:` an `OutOfMemoryException` or `Killed`.',
        'On the machine: `dmesg -T | grep -i -E "out of memory|oom-kill|killed process"` or `journalctl -k | grep -i oom` around the time of the failure.',
        'In Kubernetes (ARC): `kubectl describe pod <runner-pod>` shows `Last State: Terminated, Reason: OOMKilled`; with Docker: `docker inspect <container> --format "{{.State.OOMKilled}}"`.',
        'Exit 137 without OOM evidence can also be a `kill -9` or a container runtime stopping the machine: check who stopped it.',
      ],
      catalog: ['F29'],
    },
    remedy: {
      temporary: [
        'Re-run the job on a runner with more free memory, or with fewer jobs/containers sharing the machine.',
        'Reduce the job\'s memory use for now: fewer parallel test workers (e.g. `--maxWorkers=2`, `-j2`), `NODE_OPTIONS=--max-old-space-size=<MB>` for Node builds.',
      ],
      permanent: [
        'Give the runner machine or pod more memory: raise the container/pod memory limit (ARC: `resources.limits.memory` in the runner spec) or use a larger VM size.',
        'Add swap on VM runners, and run one job per runner so concurrent jobs do not compete for memory.',
      ],
      prevention: [
        'Monitor memory on runner hosts and alert on OOM-killer events (`node_vmstat_oom_kill`, kube `OOMKilled`).',
        'Size runner labels by workload (e.g. a `large-memory` label) and route heavy jobs there.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners-with-actions-runner-controller/deploying-runner-scale-sets-with-actions-runner-controller',
      ],
    },
  },
  create(context) {
    const kills: Kill[] = [];
    /** Recent jobs' names, plus (`keep`) those of the jobs killed, which `end` names. */
    const names = new RecentMap<string, string>();
    let lastJobId: string | null = null;
    let lastKill: Kill | null = null;
    /** The runner killed a worker itself (cancel timeout, IPC failure): the next 137 is that kill. */
    let runnerKillMs: number | null = null;
    let lastShutdownMs: number | null = null;
    /** The last worker exit outside 100–105 that was not 137, with its crash statement. */
    let crashLines: RunlogEvent[] = [];
    /**
     * Empty ERR records a killed worker left torn at the end of its log: the last ones only, since
     * explaining a record in `end` only matters while the engine has not sent it to the tail yet.
     */
    const torn: RunlogEvent[] = [];

    const recent = (k: Kill | null, e: RunlogEvent): k is Kill => {
      if (k === null) return false;
      const a = k.time === null ? null : Date.parse(k.time);
      const b = timeMs(e);
      return a === null || b === null || Math.abs(b - a) <= LINK_WINDOW_MS;
    };

    /** The listener process itself ended with 137 (run.sh, the service host or a container). */
    const listenerExit = (e: RunlogEvent): void => {
      const prev: Kill | null = lastKill;
      const k = recent(prev, e) && prev.who === 'listener' ? prev : newKill('listener', e);
      k.exits.push(e);
      if (afterShutdown(e)) k.duringShutdown = true;
    };

    const afterShutdown = (e: RunlogEvent): boolean => {
      const ms = timeMs(e);
      return lastShutdownMs !== null && ms !== null && ms >= lastShutdownMs && ms - lastShutdownMs <= LINK_WINDOW_MS;
    };

    const newKill = (who: Kill['who'], e: RunlogEvent): Kill => {
      const k: Kill = { who, jobId: who === 'worker' ? lastJobId : null, exits: [], texts: [], context: [], time: e.time, duringShutdown: false };
      if (k.jobId !== null) names.keep(k.jobId);
      kills.push(k);
      lastKill = k;
      return k;
    };

    /** A 137 exit of the worker; the ProcessInvokerWrapper and JobDispatcher lines of one exit join. */
    const workerExit = (e: RunlogEvent, jobId: string | null): void => {
      const ms = timeMs(e);
      if (runnerKillMs !== null && (ms === null || ms - runnerKillMs <= LINK_WINDOW_MS)) return;
      const prev: Kill | null = lastKill;
      const k = recent(prev, e) && prev.who === 'worker' && (prev.jobId === null || jobId === null || prev.jobId === jobId) ? prev : newKill('worker', e);
      if (jobId !== null) {
        k.jobId = jobId;
        names.keep(jobId);
      }
      k.exits.push(e);
      if (afterShutdown(e)) k.duringShutdown = true;
    };

    const oomText = (e: RunlogEvent, quote: string, output = false, strong = true, who?: Kill['who']): void => {
      context.explain(e);
      const prev: Kill | null = lastKill;
      const k = recent(prev, e) && (e.process !== 'worker' || prev.who !== 'listener')
        ? prev
        : newKill(who ?? (e.process === 'worker' || output ? 'worker' : e.process === 'runner' || e.process === 'agent' ? 'listener' : 'unknown'), e);
      k.texts.push({ event: e, quote: quote.replace(/\s+/g, ' '), output, strong });
      if (k.who === 'worker' && k.exits.length === 0) {
        for (const c of crashLines) if (recent(k, c) && !k.context.includes(c)) k.context.push(c);
      }
    };

    return {
      'job.received'(e) {
        lastJobId = e.jobId;
        runnerKillMs = null;
      },
      'job.started'(e) {
        const id = e.jobId ?? lastJobId;
        if (id !== null) names.set(id, e.name);
      },
      'runner.shutdown'(e) {
        if (e.reason !== 'ephemeral') lastShutdownMs = timeMs(e) ?? lastShutdownMs;
      },
      'worker.killed'(e) {
        runnerKillMs = timeMs(e) ?? runnerKillMs;
      },
      'process.exited'(e) {
        if (e.isWorker && e.exitCode === SIGKILL_EXIT) workerExit(e, lastJobId);
      },
      'worker.exited'(e) {
        if (e.exitCode === SIGKILL_EXIT) workerExit(e, e.jobId);
        else if (!isJobResultCode(e.exitCode)) crashLines = [e];
      },
      'worker.crashed'(e) {
        if (e.exitCode === SIGKILL_EXIT) workerExit(e, null);
        else crashLines.push(e);
      },
      'runner.exited'(e) {
        if (e.code === SIGKILL_EXIT) listenerExit(e);
      },
      // Console output of the service host and run.sh (journald, launchd logs, container stdout).
      'terminal.line'(e) {
        if (e.component !== 'Console') return;
        const t = e.message;
        if (UNKNOWN_EXIT_137.test(t)) return listenerExit(e);
        const killed = SHELL_KILLED.exec(t);
        if (killed !== null) return oomText(e, t, false, false, killed[1] === 'Worker' ? 'worker' : 'listener');
        if (isStrongOomText(t)) oomText(e, t, false, true, 'service');
      },
      'worker.output'(e) {
        const line = oomLine(e.lines);
        if (line !== null) oomText(e, line, true, isOomText(line));
      },
      exception(e) {
        if (isOomException(e)) oomText(e, `${e.type}: ${e.message}`);
      },
      'terminal.error'(e) {
        if (isStrongOomText(e.message)) oomText(e, e.message);
      },
      unrecognized(e) {
        if ((e.level === 'ERR' || e.level === 'WARN' || e.level === 'CRIT') && isStrongOomText(e.text)) oomText(e, e.text);
        else if (e.process === 'worker' && e.level === 'ERR' && e.text.trim() === '') {
          torn.push(e);
          if (torn.length > TAIL_WINDOW) torn.shift();
        }
      },
      end() {
        if (kills.length === 0) return;
        if (kills.some((k) => k.who === 'worker')) for (const e of torn) context.explain(e);
        const withExit = kills.filter((k) => k.exits.length > 0);
        const withText = kills.filter((k) => k.texts.length > 0);
        const evidence = collectEvidence(kills);
        if (evidence.length === 0) return;
        const kept = evidence.slice(0, MAX_EVIDENCE);
        const times = kills.map((k) => k.time).filter((t): t is string => t !== null).sort();
        const whos = new Set(kills.map((k) => k.who));
        const what = [
          ...(whos.has('worker') || whos.has('unknown') ? ['job\'s worker process'] : []),
          ...(whos.has('listener') ? ['runner listener'] : []),
          ...(whos.has('service') && !whos.has('worker') && !whos.has('listener') ? ['runner service (its listener, its worker or a job\'s process)'] : []),
        ].join(' and ') || 'runner service';
        const jobs = jobList(kills);
        const texts = withText.flatMap((k) => k.texts);
        const strong = texts.find((t) => t.strong);
        const quote = (strong ?? texts[0])?.quote ?? '';
        // A shell's `Killed` is a SIGKILL as much as exit code 137 is.
        const sigkill = withExit.length > 0 || texts.some((t) => !t.strong);
        const shutdownOnly = withExit.length > 0 && strong === undefined && withExit.every((k) => k.duringShutdown);
        let confidence: Confidence;
        if (strong !== undefined) {
          confidence = {
            level: 'high',
            reason: sigkill ? 'a SIGKILL (exit code 137) together with out-of-memory text in the logs' : 'the logs state the out-of-memory condition',
          };
        } else if (texts.length > 0) {
          confidence = {
            level: 'medium',
            reason: 'exit code 137 and the shell\'s `Killed` confirm a SIGKILL, but no out-of-memory text: `kill -9` gives the same',
          };
        } else if (shutdownOnly) {
          confidence = {
            level: 'low',
            reason: 'exit code 137 came while the runner was being stopped: a service manager that kills after its stop timeout gives the same code',
          };
        } else {
          confidence = { level: 'medium', reason: 'exit code 137 (SIGKILL) without out-of-memory text: `kill -9` or a container runtime stopping the machine give the same code' };
        }
        const report = {
          evidence: kept as unknown as NonEmpty<Evidence>,
          evidenceOmitted: evidence.length - kept.length,
          count: kills.length,
          firstSeen: times[0] ?? null,
          lastSeen: times[times.length - 1] ?? null,
          severity: shutdownOnly ? ('warning' as const) : ('error' as const),
          confidence,
        };
        if (sigkill) {
          context.report({
            messageId: 'killed',
            data: {
              what,
              jobs,
              evidence: strong !== undefined
                ? `, and the logs show memory exhaustion ("${shorten(quote)}")`
                : quote.length > 0
                  ? ` ("${shorten(quote)}")`
                  : '',
              meaning: strong !== undefined
                ? 'the machine or container ran out of memory and the kernel OOM killer or the container memory limit ended the process'
                : shutdownOnly
                  ? 'this came while the runner was being stopped, so it may be the service manager killing it after its stop timeout rather than memory'
                  : 'most likely the kernel OOM killer or a container memory limit; `kill -9` or a container runtime stopping the machine give the same code, so check `dmesg` or the pod status',
            },
            ...report,
          });
        } else {
          const impact = whos.has('worker')
            ? 'The job failed: the machine or container has too little memory for what the job runs.'
            : whos.has('listener')
              ? 'The runner process itself failed: the machine or container has too little memory left for the runner.'
              : 'The machine or container has too little memory for the runner and its jobs.';
          context.report({ messageId: 'outOfMemory', data: { what, jobs, quote: shorten(quote), impact }, ...report });
        }
      },
    };

    function jobList(list: Kill[]): string {
      const labels = [...new Set(list.filter((k) => k.who === 'worker' && k.jobId !== null).map((k) => {
        const name = names.get(k.jobId!);
        return name !== undefined ? `'${name}'` : k.jobId!;
      }))];
      return labels.length === 0 ? '' : ` while running job ${labels.join(', ')}`;
    }
  },
});

function shorten(text: string): string {
  const t = text.trim();
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
}

function collectEvidence(kills: Kill[]): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const add = (ev: Evidence): void => {
    const key = `${ev.file}\u0000${ev.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(ev);
  };
  for (const k of kills) {
    for (const e of k.exits) add(evidenceOf(e, 'trigger'));
    for (const e of k.context) add(evidenceOf(e, 'context'));
    for (const t of k.texts) {
      const ev = evidenceOf(t.event, 'trigger');
      if (t.output && t.event.kind === 'worker.output') {
        const quoted = quoteLines(t.event.lines);
        add({ ...ev, excerpt: cap(quoted.length > 0 ? `${ev.excerpt} ${quoted}` : ev.excerpt) });
      } else {
        add(ev);
      }
    }
  }
  return out.sort(compareEvidence);
}
