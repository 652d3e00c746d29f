/**
 * What the logs say about the runner itself (name, version, OS, server) and about the jobs
 * it ran. Support engineers ask for these first; rules read them too.
 */
import type { RunlogEvent } from '@runlog/parser';
import { detached } from './recent.js';

export interface RunnerFacts {
  name: string | null;
  version: string | null;
  os: string | null;
  arch: string | null;
  /** Server (Actions service) URL from the settings dump. */
  serverUrl: string | null;
  /** The repository, organisation or enterprise URL the runner is registered to. */
  gitHubUrl: string | null;
  pool: string | null;
  ephemeral: boolean | null;
  /** `broker` (v2 flow), `v1` (message queue), or null when the log does not say. */
  flow: 'broker' | 'v1' | null;
  /** True for the Azure Pipelines agent (`Agent_*.log`). */
  agent: boolean;
  /** Proxy the runner was configured with; `null` when it said there was none; undefined when not logged. */
  proxy: string | null | undefined;
  httpTrace: boolean;
  insecureTls: boolean;
  firstTime: string | null;
  lastTime: string | null;
  /** How many Listener process starts the logs show. */
  processStarts: number;
}

export function emptyFacts(): RunnerFacts {
  return {
    name: null,
    version: null,
    os: null,
    arch: null,
    serverUrl: null,
    gitHubUrl: null,
    pool: null,
    ephemeral: null,
    flow: null,
    agent: false,
    proxy: undefined,
    httpTrace: false,
    insecureTls: false,
    firstTime: null,
    lastTime: null,
    processStarts: 0,
  };
}

export class FactsCollector {
  readonly facts: RunnerFacts = emptyFacts();
  private listenerVersionSeen = false;

  observe(e: RunlogEvent): void {
    const f = this.facts;
    if (e.time !== null && e.kind !== 'log.file') {
      if (f.firstTime === null || e.time < f.firstTime) f.firstTime = e.time;
      if (f.lastTime === null || e.time > f.lastTime) f.lastTime = e.time;
    }
    switch (e.kind) {
      case 'runner.started':
        // The latest process start wins: after a self-update the version changes.
        f.version = e.version;
        this.listenerVersionSeen = true;
        f.os = e.os ?? f.os;
        f.arch = e.arch ?? f.arch;
        f.agent = f.agent || e.agent;
        f.processStarts++;
        break;
      case 'runner.version':
        if (!this.listenerVersionSeen || f.version === null) f.version = e.version;
        break;
      case 'worker.started':
        f.version ??= e.version;
        break;
      case 'runner.settings':
        f.name = e.runnerName ?? f.name;
        f.serverUrl = e.serverUrl ?? f.serverUrl;
        f.gitHubUrl = e.gitHubUrl ?? f.gitHubUrl;
        f.pool = e.poolName ?? f.pool;
        // The dump omits properties at their default value: no `Ephemeral` means false.
        f.ephemeral = e.ephemeral ?? f.ephemeral ?? false;
        if (e.useV2Flow === true || e.component === 'BrokerMessageListener') f.flow = 'broker';
        else if (e.component === 'MessageListener') f.flow ??= 'v1';
        break;
      case 'runner.flow':
        f.flow = e.flow;
        break;
      case 'message.received':
        // Only the v1 message queue logs received messages (spec §1.6).
        f.flow ??= 'v1';
        break;
      case 'runner.proxy':
        f.proxy = e.url;
        break;
      case 'runner.http_trace':
        f.httpTrace = true;
        break;
      case 'runner.insecure_tls':
        f.insecureTls = true;
        break;
      case 'log.file':
        if (e.fileKind === 'agent') f.agent = true;
        break;
      case 'terminal.error': {
        // `Runner version v2.321.0 is deprecated ...` names the version when nothing else does.
        if (f.version === null) {
          const m = /Runner version v?(\d+\.\d+\.\d+)/.exec(e.message);
          if (m !== null) f.version = m[1]!;
        }
        break;
      }
      case 'http.failure':
      case 'http.timeout':
        if (f.version === null && e.url !== null) {
          const m = /[?&]runnerVersion=(\d+\.\d+\.\d+)/.exec(e.url);
          if (m !== null) f.version = m[1]!;
        }
        if (f.os === null && e.url !== null) {
          const m = /[?&]os=([A-Za-z]+)/.exec(e.url);
          if (m !== null) f.os = m[1]!;
        }
        break;
      default:
        break;
    }
  }
}

export interface JobSummary {
  jobId: string | null;
  requestId: string | null;
  name: string | null;
  result: string | null;
  workerExitCode: number | null;
  workerFile: string | null;
  repository: string | null;
  runId: string | null;
  start: string | null;
  end: string | null;
}

/**
 * Builds the jobs table from the Listener's dispatch lines and the linked Worker logs. It holds
 * every job to the end, so its ids and names are copies (`detached`): a slice would keep the
 * whole log line it was cut from.
 */
export class JobsCollector {
  private readonly jobs: JobSummary[] = [];
  private readonly byJob = new Map<string, JobSummary>();
  private readonly byRequest = new Map<string, JobSummary>();
  private readonly byWorkerFile = new Map<string, JobSummary>();
  private last: JobSummary | null = null;

  observe(e: RunlogEvent): void {
    switch (e.kind) {
      case 'job.received': {
        const requestId = detached(e.requestId);
        const j = this.get(e.jobId, requestId, e.time);
        j.requestId = requestId;
        this.byRequest.set(requestId, j);
        this.last = j;
        break;
      }
      case 'job.started': {
        const j = e.jobId !== null ? this.get(e.jobId, null, e.time) : this.last ?? this.get(null, null, e.time);
        j.name = detached(e.name);
        j.start ??= e.time;
        break;
      }
      case 'job.completed': {
        const j = e.jobId !== null ? this.get(e.jobId, null, e.time) : this.findByName(e.name) ?? this.last;
        if (j === null) break;
        j.result = detached(e.result);
        j.name ??= detached(e.name);
        j.end = e.time;
        break;
      }
      case 'worker.exited': {
        const j = e.jobId !== null ? this.get(e.jobId, null, e.time) : this.last;
        if (j !== null) j.workerExitCode = e.exitCode;
        break;
      }
      case 'process.exited':
        if (e.isWorker && this.last !== null && this.last.workerExitCode === null) this.last.workerExitCode = e.exitCode;
        break;
      case 'job.linked': {
        const j =
          (e.jobId !== null ? this.byJob.get(e.jobId) : undefined) ??
          (e.requestId !== null ? this.byRequest.get(e.requestId) : undefined) ??
          this.get(e.jobId, e.requestId, e.time);
        j.workerFile = e.workerFile;
        this.byWorkerFile.set(e.workerFile, j);
        break;
      }
      case 'worker.job_message': {
        // A Worker log without its Runner log still yields the job it ran.
        const j = this.byWorkerFile.get(e.source.file) ?? this.get(e.jobId, e.requestId, e.time);
        j.name ??= detached(e.jobDisplayName);
        j.repository ??= detached(e.repository);
        j.runId ??= detached(e.runId);
        j.requestId ??= detached(e.requestId);
        j.workerFile ??= e.source.file;
        this.byWorkerFile.set(e.source.file, j);
        break;
      }
      case 'worker.job_result': {
        const j = this.byWorkerFile.get(e.source.file);
        if (j !== undefined) j.result ??= detached(e.result);
        break;
      }
      default:
        break;
    }
  }

  finish(): JobSummary[] {
    return this.jobs;
  }

  private get(jobId: string | null, requestId: string | null, time: string | null): JobSummary {
    const existing = (jobId !== null ? this.byJob.get(jobId) : undefined) ?? (requestId !== null ? this.byRequest.get(requestId) : undefined);
    if (existing !== undefined) {
      if (jobId !== null && existing.jobId === null) {
        existing.jobId = detached(jobId);
        this.byJob.set(existing.jobId, existing);
      }
      return existing;
    }
    jobId = detached(jobId);
    requestId = detached(requestId);
    const j: JobSummary = {
      jobId,
      requestId,
      name: null,
      result: null,
      workerExitCode: null,
      workerFile: null,
      repository: null,
      runId: null,
      start: time,
      end: null,
    };
    this.jobs.push(j);
    if (jobId !== null) this.byJob.set(jobId, j);
    if (requestId !== null) this.byRequest.set(requestId, j);
    return j;
  }

  private findByName(name: string | null): JobSummary | null {
    if (name === null) return null;
    for (let i = this.jobs.length - 1; i >= 0; i--) if (this.jobs[i]!.name === name) return this.jobs[i]!;
    return null;
  }
}
