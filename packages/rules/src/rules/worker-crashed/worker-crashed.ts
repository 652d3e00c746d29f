/**
 * F27–F29: the worker process died or could not talk to the listener.
 *
 *  - F29: `Worker finished for job <j>. Code: <c>` with c outside 100–105, the runner's own
 *    `Return code <c> indicate worker encounter an unhandled exception or app crash`, and the
 *    worker's captured stdout/stderr (`Unhandled exception happened in worker:` + next record);
 *  - F27: `Job request message sending for job <j> been cancelled, kill running worker.`
 *    (the worker did not take the job within the IPC timeout);
 *  - F28: `Worker received invalid Json at position ...` in the Worker log;
 *  - a Worker log that ends with a `Worker` ERR exception (the worker's last words).
 *
 * Exit code 137 and out-of-memory evidence belong to `runner-oom-killed`; a worker the runner
 * killed itself after a cancellation (F26) belongs to `job-cancelled`.
 */
import type { EventOfKind, RunlogEvent, WorkerOutputEvent } from '@runlog/parser';
import { exceptionTexts } from '../../classify.js';
import { compareEvidence, evidenceOf, capEvidence, timeSpan } from '../../evidence.js';
import { RecentMap } from '../../recent.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Confidence, type Evidence, type Severity } from '../../types.js';
// A worker that cannot report its result retries 5 times, then lets the AggregateException escape
// and exits 1 (spec F32 → F29): the first cause is the failed report, job-completion-failed's.
import { COMPLETION_FAILURE } from '../job-completion-failed/job-completion-failed.js';
import { describeExitCode, isDiskText, isJobResultCode, isOomText, oomLine, quoteLines, signalOf, SIGKILL_EXIT } from './worker-exit.js';

const MAX_EVIDENCE = 16;
const MAX_EXCERPT = 400;
/** A runner kill, a crash statement or captured output belongs to the worker exit this close before it. */
const LINK_WINDOW_MS = 5 * 60_000;
const INVALID_JSON = /Worker received invalid Json/i;

interface Crash {
  kind: 'exit' | 'ipc' | 'worker-only';
  jobId: string | null;
  name: string | null;
  code: number | null;
  exit: RunlogEvent | null;
  statement: RunlogEvent | null;
  output: WorkerOutputEvent | null;
  /** Process exit reported only by ProcessInvokerWrapper (no `Worker finished` line). */
  procOnly: boolean;
  workerFile: string | null;
  lastException: Extract<RunlogEvent, { kind: 'exception' }> | null;
  invalidJson: RunlogEvent | null;
  jsonException: RunlogEvent | null;
  killedLine: RunlogEvent | null;
  result: RunlogEvent | null;
  time: string | null;
}

interface WorkerFileState {
  jobId: string | null;
  lastException: Extract<RunlogEvent, { kind: 'exception' }> | null;
  completed: boolean;
  /** The worker failed to report the job's result: its exit is job-completion-failed's story. */
  completionFailed: boolean;
  invalidJson: RunlogEvent | null;
  jsonException: RunlogEvent | null;
}

function shortType(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}

function cap(text: string): string {
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT - 1)}…` : text;
}

/** The crash is the worker giving up on reporting its result (its job or file failed to, or its last words say so). */
function isCompletionCrash(c: Crash, completionFailed: ReadonlySet<string>): boolean {
  if ((c.jobId !== null && completionFailed.has(c.jobId)) || (c.workerFile !== null && completionFailed.has(c.workerFile))) return true;
  const words = [
    ...(c.lastException !== null ? exceptionTexts(c.lastException) : []),
    ...(c.output?.lines ?? []),
  ];
  return words.some((t) => COMPLETION_FAILURE.test(t));
}

/** The `Unhandled exception happened in worker:` line with the captured output quoted after it. */
function outputEvidence(e: WorkerOutputEvent): Evidence {
  const ev = evidenceOf(e, 'trigger');
  const quote = quoteLines(e.lines);
  return { ...ev, excerpt: cap(quote.length > 0 ? `${ev.excerpt} ${quote}` : ev.excerpt) };
}

export default createRule({
  meta: {
    id: 'worker-crashed',
    cause: 'worker_crashed',
    title: 'Worker crashed: the job\'s worker process died or could not talk to the runner',
    type: 'root-cause',
    severity: 'error',
    messages: {
      crashed: 'The worker process died {{count}} time(s) instead of reporting a job result, so the job failed: {{details}}.',
      ipcFailed:
        'The runner could not hand {{jobs}} to its worker process within the IPC timeout and killed the worker ({{count}} time(s)); the job failed without running. The worker did not start in time: a missing .NET dependency, antivirus, an overloaded disk or CPU, or a broken bin/ folder after a failed update.',
      workerException:
        'The Worker log {{file}} ends with an unhandled exception ({{exception}}): the worker process died with it{{json}}. The Runner log that would show its exit code is not among these files.',
    },
    docs: {
      description:
        'Each job runs in its own Runner.Worker process. When that process exits with a code other than 100–105 (100 + the job result), the runner reports that the worker crashed and fails the job; the worker\'s captured stdout/stderr and the end of its Worker log tell why (an unhandled .NET exception, a missing native dependency such as ICU, a native crash). The worker can also fail to start in time, so the runner cannot even hand it the job.',
      confirm: [
        'In the Runner log: `Worker finished for job <id>. Code: <c>` with c not between 100 and 105, then `Return code <c> indicate worker encounter an unhandled exception or app crash` and `Unhandled exception happened in worker:` followed by the worker\'s output.',
        'Read the end of the matching `Worker_*.log`: a `Worker` ERR exception is the worker\'s last words.',
        'Codes: 1 = unhandled .NET exception; 128+N = killed by signal N (134 SIGABRT, e.g. missing ICU; 139 SIGSEGV); negative on Windows = NTSTATUS (-532462766 = 0xE0434352 unhandled .NET exception, -1073741819 = 0xC0000005 access violation).',
        'Try the worker binary by hand as the runner user: `./bin/Runner.Worker --version` (it should print the version); `./bin/installdependencies.sh` lists missing libraries.',
      ],
      catalog: ['F27', 'F28', 'F29'],
    },
    remedy: {
      temporary: [
        'Re-run the failed job.',
        'Install missing native dependencies: `sudo ./bin/installdependencies.sh` (ICU, OpenSSL, Kerberos libraries), then restart the runner service.',
        'Check free disk space and memory on the runner (`df -h`, `free -m`); a worker that cannot write its log or allocate memory dies.',
      ],
      permanent: [
        'If the crash follows an update or a copied installation, reinstall the runner package for this OS and architecture into a clean folder and configure it again.',
        'For IPC timeouts (the worker did not start in time), exclude the runner folder from antivirus scanning, give the machine more CPU/disk headroom, or raise `GITHUB_ACTIONS_RUNNER_CHANNEL_TIMEOUT` (30–300 s) in the runner\'s `.env`.',
        'Report reproducible crashes with the Worker log and the captured output to https://github.com/actions/runner/issues.',
      ],
      prevention: [
        'Keep the runner on a current version and let it self-update, so crash fixes reach it.',
        'Bake runner images with `./bin/installdependencies.sh` already run, and alert on jobs that fail without step output.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
      ],
    },
  },
  create(context) {
    const crashes: Crash[] = [];
    // Recent jobs and Worker files only, plus (`keep`) those of crashes and of Worker files whose
    // last words may be an exception: `end` reads them again.
    const names = new RecentMap<string, string>();
    let lastJobId: string | null = null;
    let lastCrash: Crash | null = null;
    /** Worker exits ProcessInvokerWrapper reported that no `Worker finished` line claimed yet. */
    const procExits: { e: EventOfKind<'process.exited'>; jobId: string | null }[] = [];
    /** Times the runner killed a worker itself (cancel timeout, IPC failure): the next exit is that kill. */
    let runnerKillMs: number | null = null;
    const shutdownTimes: number[] = [];
    const workerFiles = new RecentMap<string, WorkerFileState>();
    const linkedJob = new RecentMap<string, string>();

    const newCrash = (kind: Crash['kind'], jobId: string | null, e: RunlogEvent | null): Crash => {
      const c: Crash = {
        kind,
        jobId,
        name: jobId === null ? null : names.get(jobId) ?? null,
        code: null,
        exit: null,
        statement: null,
        output: null,
        procOnly: false,
        workerFile: null,
        lastException: null,
        invalidJson: null,
        jsonException: null,
        killedLine: null,
        result: null,
        time: e?.time ?? null,
      };
      crashes.push(c);
      lastCrash = c;
      if (jobId !== null) names.keep(jobId);
      return c;
    };

    const recent = (c: Crash | null, e: RunlogEvent): c is Crash => {
      if (c === null) return false;
      const a = c.time === null ? null : Date.parse(c.time);
      const b = timeMs(e);
      return a === null || b === null || (b - a >= 0 && b - a <= LINK_WINDOW_MS);
    };

    const workerFile = (e: RunlogEvent): WorkerFileState => {
      let w = workerFiles.get(e.source.file);
      if (w === undefined) {
        w = { jobId: null, lastException: null, completed: false, completionFailed: false, invalidJson: null, jsonException: null };
        workerFiles.set(e.source.file, w);
      }
      return w;
    };

    /**
     * Keeps a Worker file whose log may end with an exception (or that received corrupt JSON) until
     * `end` judges it; a file whose job completed cleanly becomes forgettable again.
     */
    const judge = (file: string, w: WorkerFileState): void => {
      if ((w.lastException !== null && !w.completed) || w.invalidJson !== null) {
        if (workerFiles.isKept(file)) return;
        workerFiles.keep(file);
        linkedJob.keep(file);
        if (w.jobId !== null) names.keep(w.jobId);
        const linked = linkedJob.get(file);
        if (linked !== undefined) names.keep(linked);
      } else if (workerFiles.isKept(file)) {
        workerFiles.release(file);
        linkedJob.release(file);
      }
    };

    const killedByRunnerJustBefore = (e: RunlogEvent): boolean => {
      const ms = timeMs(e);
      return runnerKillMs !== null && (ms === null || (ms >= runnerKillMs && ms - runnerKillMs <= LINK_WINDOW_MS));
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
        const ms = timeMs(e);
        if (ms !== null) shutdownTimes.push(ms);
      },
      'process.exited'(e) {
        if (!e.isWorker) return;
        if (killedByRunnerJustBefore(e)) {
          runnerKillMs = null;
          return;
        }
        // An exit with a job result code (100–105) is never a crash: `end` would skip it, and the
        // `Worker finished` line that claims it changes nothing either.
        if (isJobResultCode(e.exitCode)) return;
        procExits.push({ e, jobId: lastJobId });
      },
      'worker.exited'(e) {
        // The `Finished process <pid> with exit code <c>` line just before is the same exit.
        const i = procExits.findLastIndex((p) => p.e.exitCode === e.exitCode);
        if (i >= 0) procExits.splice(i, 1);
        if (isJobResultCode(e.exitCode)) return;
        const c = newCrash('exit', e.jobId ?? lastJobId, e);
        c.code = e.exitCode;
        c.exit = e;
      },
      'worker.crashed'(e) {
        const prev: Crash | null = lastCrash;
        if (recent(prev, e) && prev.kind === 'exit' && prev.statement === null && (e.exitCode === null || prev.code === e.exitCode)) {
          prev.statement = e;
          return;
        }
        const c = newCrash('exit', lastJobId, e);
        c.code = e.exitCode;
        c.statement = e;
      },
      'worker.output'(e) {
        const prev: Crash | null = lastCrash;
        if (recent(prev, e) && prev.output === null && prev.kind === 'exit') {
          prev.output = e;
          return;
        }
        newCrash('exit', lastJobId, e).output = e;
      },
      'worker.killed'(e) {
        runnerKillMs = timeMs(e) ?? runnerKillMs;
        if (e.reason === 'ipc-failed') {
          const c = newCrash('ipc', e.jobId ?? lastJobId, e);
          c.exit = e;
          return;
        }
        const prev: Crash | null = lastCrash;
        if (e.reason === 'killed' && recent(prev, e) && prev.kind === 'ipc' && prev.killedLine === null) prev.killedLine = e;
      },
      'job.completed'(e) {
        const prev: Crash | null = lastCrash;
        if (recent(prev, e) && prev.result === null && (e.jobId === null || e.jobId === prev.jobId) && /^Failed$/i.test(e.result)) {
          prev.result = e;
        }
      },
      // ── Worker side ──
      'worker.job_id'(e) {
        const w = workerFile(e);
        w.jobId ??= e.jobId;
        if (workerFiles.isKept(e.source.file)) names.keep(w.jobId);
      },
      'worker.job_message'(e) {
        if (e.jobId === null) return;
        const w = workerFile(e);
        w.jobId ??= e.jobId;
        if (workerFiles.isKept(e.source.file)) names.keep(w.jobId);
      },
      'job.linked'(e) {
        if (e.jobId === null) return;
        linkedJob.set(e.workerFile, e.jobId);
        if (workerFiles.isKept(e.workerFile)) names.keep(e.jobId);
      },
      'job.completion_error'(e) {
        if (e.process !== 'worker') return;
        const w = workerFile(e);
        w.completionFailed = true;
        w.jobId ??= e.jobId;
        judge(e.source.file, w);
      },
      'worker.job_completed'(e) {
        const w = workerFile(e);
        w.completed = true;
        judge(e.source.file, w);
      },
      exception(e) {
        if (e.process !== 'worker') return;
        const w = workerFile(e);
        if (/JsonReaderException$/.test(e.type)) w.jsonException ??= e;
        if (e.component === 'Worker' && !e.redump) w.lastException = e;
        judge(e.source.file, w);
      },
      'terminal.error'(e) {
        if (!INVALID_JSON.test(e.message)) return;
        const w = workerFile(e);
        w.invalidJson ??= e;
        judge(e.source.file, w);
      },
      unrecognized(e) {
        if (!INVALID_JSON.test(e.text)) return;
        const w = workerFile(e);
        w.invalidJson ??= e;
        judge(e.source.file, w);
      },
      end() {
        // Worker exits with no `Worker finished` line (the cancel path, a crash during cancel).
        for (const { e: p, jobId } of procExits) {
          if (isJobResultCode(p.exitCode)) continue;
          const c = newCrash('exit', jobId, p);
          c.code = p.exitCode;
          c.exit = p;
          c.procOnly = true;
        }
        crashes.sort((a, b) => (a.time ?? '') < (b.time ?? '') ? -1 : (a.time ?? '') > (b.time ?? '') ? 1 : 0);

        // Worker files: the last words of each, tied to the crash of the same job.
        const endings = new Map<string, WorkerFileState>();
        for (const [file, w] of workerFiles) {
          const span = context.files.get(file);
          const last = w.lastException;
          const endsWithIt = last !== null && !w.completed && (span?.last == null || last.time === null || last.time >= span.last);
          if (!endsWithIt) w.lastException = null;
          w.jobId ??= linkedJob.get(file) ?? null;
          if (w.lastException !== null || w.invalidJson !== null) endings.set(file, w);
        }
        for (const [file, w] of endings) {
          const owner =
            (w.jobId !== null ? crashes.find((c) => c.jobId === w.jobId && c.kind !== 'worker-only') : undefined) ??
            (w.jobId === null ? crashes.find((c) => c.kind === 'ipc' && near(c.time, w.lastException?.time ?? w.invalidJson?.time ?? null)) : undefined);
          const target = owner ?? newCrash('worker-only', w.jobId, w.lastException ?? w.invalidJson);
          target.workerFile = file;
          target.lastException = w.lastException;
          target.invalidJson = w.invalidJson;
          target.jsonException = w.jsonException;
        }

        const completionFailed = new Set([...workerFiles].filter(([, w]) => w.completionFailed).map(([file, w]) => w.jobId ?? file));
        const kept = crashes.filter((c) => {
          if (isOomCrash(c)) return false; // runner-oom-killed
          if (isCompletionCrash(c, completionFailed)) return false; // job-completion-failed
          if (c.kind === 'exit' && c.code !== null && isShutdownExit(c.code) && afterShutdown(c.time)) return false; // runner-shutdown-signal
          return true;
        });
        for (const c of kept) {
          if (c.jobId !== null) c.name ??= names.get(c.jobId) ?? null;
          for (const e of [c.exit, c.statement, c.lastException, c.invalidJson, c.jsonException]) if (e !== null) context.explain(e);
        }

        const exits = kept.filter((c) => c.kind === 'exit');
        if (exits.length > 0) report('crashed', exits);
        const ipc = kept.filter((c) => c.kind === 'ipc');
        if (ipc.length > 0) report('ipcFailed', ipc);
        const workerOnly = kept.filter((c) => c.kind === 'worker-only');
        if (workerOnly.length > 0) report('workerException', workerOnly);
      },
    };

    function afterShutdown(time: string | null): boolean {
      if (time === null) return false;
      const ms = Date.parse(time);
      return shutdownTimes.some((s) => ms >= s && ms - s <= LINK_WINDOW_MS);
    }

    function report(messageId: 'crashed' | 'ipcFailed' | 'workerException', list: Crash[]): void {
      const capped = capEvidence(collectEvidence(list), MAX_EVIDENCE);
      if (capped === null) return;
      const allDisk = list.every(isDiskCrash);
      let severity: Severity = 'error';
      let confidence: Confidence;
      let data: Record<string, string | number>;
      let conclusive = false;
      switch (messageId) {
        case 'crashed': {
          const stated = list.some((c) => c.statement !== null || c.output !== null);
          const listener = list.some((c) => !c.procOnly);
          confidence = stated
            ? { level: 'high', reason: 'the runner logged the worker\'s exit code and reported it as an unhandled exception or crash' }
            : listener
              ? { level: 'high', reason: 'the runner logged a worker exit code outside 100–105 (100 + job result)' }
              : { level: 'medium', reason: 'only the process exit code is logged; the runner did not state a crash' };
          conclusive = list.some((c) => c.statement !== null);
          data = { count: list.length, details: listOf(list.map(describeCrash)) };
          break;
        }
        case 'ipcFailed':
          confidence = { level: 'high', reason: 'the runner logged that sending the job to the worker timed out and that it killed the worker' };
          data = { count: list.length, jobs: list.map(jobLabel).join(', ') };
          break;
        case 'workerException': {
          const c = list[0]!;
          const ex = c.lastException;
          confidence = { level: 'medium', reason: 'the Worker log ends with an unhandled exception; the exit code is in the Runner log, which is missing' };
          data = {
            file: list.map((x) => x.workerFile ?? 'Worker log').join(', '),
            exception: ex !== null ? `${shortType(ex.type)}: ${ex.message}` : 'Worker received invalid Json',
            json: list.some((x) => x.invalidJson !== null) ? ' after receiving corrupt job JSON (F28)' : '',
          };
          break;
        }
      }
      if (allDisk) {
        // The runner treats an IOException from a crashed worker as a full disk: disk_full names it.
        severity = 'warning';
        conclusive = false;
      }
      context.report({
        messageId,
        data,
        ...capped,
        count: list.length,
        ...timeSpan(list.map((c) => c.time)),
        severity,
        confidence,
        conclusive,
      });
    }
  },
});

function near(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return Math.abs(Date.parse(a) - Date.parse(b)) <= LINK_WINDOW_MS;
}

/** SIGINT, SIGTERM, SIGHUP and Windows' Ctrl-C exit: how a worker ends when the machine or service stops. */
function isShutdownExit(code: number): boolean {
  const signal = signalOf(code);
  return signal === 1 || signal === 2 || signal === 15 || code >>> 0 === 0xc000013a;
}

function outputText(c: Crash): string {
  return c.output === null ? '' : c.output.lines.join('\n');
}

function isOomCrash(c: Pick<Crash, 'code' | 'output' | 'lastException'>): boolean {
  if (c.code === SIGKILL_EXIT) return true;
  if (c.output !== null && oomLine(c.output.lines) !== null) return true;
  const ex = c.lastException;
  return ex !== null && (isOomText(ex.type) || isOomText(ex.message));
}

function isDiskCrash(c: Crash): boolean {
  return isDiskText(outputText(c)) || (c.lastException !== null && isDiskText(`${c.lastException.type}: ${c.lastException.message}`));
}

function jobLabel(c: Crash): string {
  if (c.name !== null) return `job '${c.name}'`;
  if (c.jobId !== null) return `job ${c.jobId}`;
  return 'the job';
}

function describeCrash(c: Crash): string {
  const parts: string[] = [];
  const code = c.code !== null ? describeExitCode(c.code) : 'an unknown exit code';
  parts.push(`${jobLabel(c)} exited${c.time !== null ? ` at ${c.time}` : ''} with ${code}`);
  const quote = c.output !== null ? quoteLines(c.output.lines, 2) : '';
  if (quote.length > 0) parts.push(`its output: "${quote.length > 240 ? `${quote.slice(0, 239)}…` : quote}"`);
  else if (c.lastException !== null) parts.push(`the Worker log ends with ${shortType(c.lastException.type)}: ${c.lastException.message}`);
  if (c.invalidJson !== null) parts.push('the worker had received corrupt job JSON (F28)');
  if (isDiskCrash(c)) parts.push('the output shows an IOException, which the runner treats as a full disk (see disk_full)');
  if (c.procOnly) parts.push('reported only by the process exit, without a job result');
  return parts.join('; ');
}

/** One crash as is; several numbered, since each description has its own `;` parts. */
function listOf(items: string[]): string {
  return items.length === 1 ? items[0]! : items.map((d, i) => `(${i + 1}) ${d}`).join(' ');
}

function collectEvidence(list: Crash[]): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const add = (ev: Evidence): void => {
    const key = `${ev.file}\u0000${ev.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(ev);
  };
  for (const c of list) {
    if (c.exit !== null) add(evidenceOf(c.exit, 'trigger'));
    if (c.statement !== null) add(evidenceOf(c.statement, 'trigger'));
    if (c.output !== null) add(outputEvidence(c.output));
    if (c.invalidJson !== null) add(evidenceOf(c.invalidJson, 'trigger'));
    if (c.lastException !== null) add(evidenceOf(c.lastException, c.kind === 'worker-only' ? 'trigger' : 'context'));
    if (c.jsonException !== null) add(evidenceOf(c.jsonException, 'context'));
    if (c.killedLine !== null) add(evidenceOf(c.killedLine, 'context'));
    if (c.result !== null) add(evidenceOf(c.result, 'context'));
  }
  return out.sort(compareEvidence);
}
