/**
 * Ties each Worker log to the job the Listener dispatched to it (spec §1.6), over the merged
 * event stream. Keys, strongest first:
 *   1. the job id (Listener `Job request ... job <id> received.` ↔ Worker job message / `Job ID`);
 *   2. the IPC pair (Listener `Sending message of length L, with hash H` ↔ Worker `Receiving ...`);
 *   3. the request id (Listener dispatch ↔ Worker job message `requestId`);
 *   4. time: the Worker file is created within seconds after the Listener spawned a worker.
 */
import type { JobLinkedEvent, RunlogEvent } from './events.js';

interface Dispatch {
  jobId: string;
  requestId: string;
  runnerFile: string;
  ipcKey: string | null;
  spawnMs: number | null;
  linked: boolean;
}

interface WorkerFile {
  linked: boolean;
  nameMs: number | null;
  ipcKey: string | null;
  requestId: string | null;
  jobId: string | null;
  last: RunlogEvent | null;
}

/** An empty IPC body is a cancel or shutdown message, never a job (spec §1.6). */
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Dispatches remembered for linking (a Worker log follows its dispatch within seconds). */
const RECENT_DISPATCHES = 256;
/** The Worker file appears within this long after the spawn. */
const SPAWN_WINDOW_MS = 30_000;

export class JobLinker {
  private readonly dispatches: Dispatch[] = [];
  private readonly byJob = new Map<string, Dispatch>();
  private readonly byIpc = new Map<string, Dispatch>();
  private readonly byRequest = new Map<string, Dispatch>();
  private readonly workers = new Map<string, WorkerFile>();

  /** Feeds one event of the merged stream; returns a `job.linked` event when this one decides a link. */
  observe(e: RunlogEvent): JobLinkedEvent | null {
    switch (e.kind) {
      case 'job.received': {
        const d: Dispatch = { jobId: e.jobId, requestId: e.requestId, runnerFile: e.source.file, ipcKey: null, spawnMs: null, linked: false };
        this.dispatches.push(d);
        this.byJob.set(d.jobId, d);
        this.byRequest.set(d.requestId, d);
        // A Worker log appears within seconds of its dispatch: older dispatches can go, which
        // keeps memory flat over a month of jobs and the time match below cheap.
        if (this.dispatches.length > RECENT_DISPATCHES) this.forget(this.dispatches.shift()!);
        return null;
      }
      case 'ipc.sent': {
        if (e.length === 0 || e.hash === EMPTY_HASH) return null;
        const d = this.latest((x) => x.ipcKey === null);
        if (d !== null) {
          d.ipcKey = `${e.length}:${e.hash}`;
          this.byIpc.set(d.ipcKey, d);
        }
        return null;
      }
      case 'worker.spawned': {
        const d = this.latest((x) => x.spawnMs === null);
        if (d !== null && e.time !== null) d.spawnMs = Date.parse(e.time);
        return null;
      }
      case 'log.file':
        if (e.fileKind === 'worker') {
          this.workers.set(e.source.file, {
            linked: false,
            nameMs: e.nameTime === null ? null : Date.parse(e.nameTime),
            ipcKey: null,
            requestId: null,
            jobId: null,
            last: null,
          });
        }
        return null;
      case 'ipc.received': {
        const w = this.worker(e);
        if (w !== null && e.length > 0 && e.hash !== EMPTY_HASH) w.ipcKey ??= `${e.length}:${e.hash}`;
        return null;
      }
      case 'worker.job_message':
      case 'worker.job_id': {
        const w = this.worker(e);
        if (w === null || w.linked) return null;
        if (e.kind === 'worker.job_message' && e.requestId !== null) w.requestId = e.requestId;
        if (e.jobId === null) return null;
        w.jobId = e.jobId;
        const d = this.byJob.get(e.jobId) ?? null;
        return this.link(w, e, d, 'jobId', e.jobId);
      }
      default: {
        const w = this.worker(e);
        if (w !== null) w.last = e;
        return null;
      }
    }
  }

  /** At the end of a file: links a Worker log no job id identified, by the weaker keys. */
  endOfFile(file: string): JobLinkedEvent | null {
    const w = this.workers.get(file);
    this.workers.delete(file); // nothing more can arrive for it
    if (w === undefined || w.linked || w.last === null) return null;
    const at = w.last;
    if (w.ipcKey !== null) {
      const d = this.byIpc.get(w.ipcKey);
      if (d !== undefined && !d.linked) return this.link(w, at, d, 'ipc', d.jobId);
    }
    if (w.requestId !== null) {
      const d = this.byRequest.get(w.requestId);
      if (d !== undefined && !d.linked) return this.link(w, at, d, 'requestId', d.jobId);
    }
    if (w.nameMs !== null) {
      let best: Dispatch | null = null;
      for (const d of this.dispatches) {
        if (d.linked || d.spawnMs === null) continue;
        const delta = w.nameMs - d.spawnMs;
        if (delta < -2000 || delta > SPAWN_WINDOW_MS) continue;
        if (best === null || Math.abs(delta) < Math.abs(w.nameMs - best.spawnMs!)) best = d;
      }
      if (best !== null) return this.link(w, at, best, 'time', best.jobId);
    }
    return null;
  }

  private worker(e: RunlogEvent): WorkerFile | null {
    if (e.process !== 'worker') return null;
    const w = this.workers.get(e.source.file) ?? null;
    if (w !== null) w.last = e;
    return w;
  }

  /** The most recent dispatch still missing a detail (the spawn and IPC lines follow the dispatch). */
  private latest(want: (d: Dispatch) => boolean): Dispatch | null {
    for (let i = this.dispatches.length - 1; i >= 0 && i >= this.dispatches.length - 8; i--) {
      const d = this.dispatches[i]!;
      if (want(d)) return d;
    }
    return null;
  }

  private forget(d: Dispatch): void {
    if (this.byJob.get(d.jobId) === d) this.byJob.delete(d.jobId);
    if (this.byRequest.get(d.requestId) === d) this.byRequest.delete(d.requestId);
    if (d.ipcKey !== null && this.byIpc.get(d.ipcKey) === d) this.byIpc.delete(d.ipcKey);
  }

  private link(w: WorkerFile, at: RunlogEvent, d: Dispatch | null, by: JobLinkedEvent['by'], jobId: string | null): JobLinkedEvent {
    w.linked = true;
    if (d !== null) d.linked = true;
    return {
      kind: 'job.linked',
      time: at.time,
      source: { ...at.source },
      process: 'worker',
      level: 'INFO',
      component: '',
      text: '',
      jobId,
      requestId: d?.requestId ?? w.requestId,
      workerFile: at.source.file,
      runnerFile: d?.runnerFile ?? null,
      by,
    };
  }
}
