/**
 * The runner↔service link, shared by the connectivity rules (service-unavailable,
 * dns-or-network-unreachable, connection-timeout, tls-certificate-error, proxy-error).
 *
 * Each rule instantiates a `LinkFailures` tracker: it classifies every Listener-side failure
 * (HTTP retries, exceptions, `Runner connect error`, config-time attempts), keeps evidence and
 * episodes per failure class, and at the end hands the rule the classes it claims. Which rule
 * claims a class can depend on the whole log (spec F23: a DNS or connect failure is a proxy
 * problem when a proxy is configured), which is why the decision waits for `end`.
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyEvent, type FailureClass } from './classify.js';
import { Occurrences, mergeSummaries, type OccurrenceSummary } from './evidence.js';
import { Episodes } from './temporal.js';
import type { Confidence, Episode, RuleContext, RuleListeners, Severity } from './types.js';

const TRACKED: readonly FailureClass[] = ['tls-certificate', 'tls-handshake', 'dns', 'refused', 'premature-close', 'timeout', 'proxy', 'service'];

interface ClassState {
  occurrences: Occurrences;
  episodes: Episodes;
  /** Failures the runner logged at ERR, or its `Runner connect error` statements. */
  serious: number;
  statements: number;
  /** Distinct short descriptions (`ServiceUnavailable`, `Socket Error: HostNotFound`, ...). */
  labels: Set<string>;
  hosts: Set<string>;
  /** Failures of the runner's own link to the service (not self-update downloads). */
  linkFailures: number;
  /** Failures within minutes after the process had been silent (suspended VM, stopped process). */
  afterSilence: number;
}

export interface LinkSummary {
  summary: OccurrenceSummary;
  episodes: Episode[];
  classes: FailureClass[];
  count: number;
  serious: number;
  /** The runner's own `Runner connect error` lines are among the evidence. */
  conclusive: boolean;
  ongoing: boolean;
  configTime: boolean;
  /** Seconds of failure across episodes. */
  failingSeconds: number;
  /** Distinct statuses / reasons / exception types, for messages. */
  labels: string[];
  /** True when every failure was a self-update download: the link to the service itself worked. */
  updateDownloadsOnly: boolean;
  /**
   * True when every failure came right after the Listener had been silent for minutes: a
   * request in flight while the VM was suspended times out when it wakes up; the network is
   * not the suspect (spec §4.F rule 4).
   */
  afterSilenceOnly: boolean;
  /** Hosts named by the failing requests. */
  hosts: string[];
}

/** Listener-side processes: the Worker's network problems belong to the job rules. */
function listenerSide(e: RunlogEvent): boolean {
  return e.process !== 'worker' && e.process !== 'selfupdate' && e.process !== 'check';
}

/**
 * While a job runs the Listener renews its lock every 60 s; five minutes without a line after
 * a renewal means the process was not running (an idle runner may well be silent that long).
 */
const SILENCE_MS = 5 * 60_000;
const AFTER_SILENCE_MS = 3 * 60_000;

const CONFIG_TIME = ['Failed to get tenant credentials', 'Failed to get JIT runner token', 'Failed to connect.', 'Catch exception during test agent connection'];

export class LinkFailures {
  private readonly states = new Map<FailureClass, ClassState>();
  private readonly context: Occurrences;
  private configTime = false;
  private jobInFlight = false;
  private lastRenewalMs: number | null = null;
  private failedSinceRenewal = false;
  /** When the last long silence of the Listener log ended. */
  private silenceEndMs: number | null = null;
  private proxyEvent: RunlogEvent | null = null;
  /** The last exception dumped, to classify the `Runner connect error` line that repeats its message. */
  private lastException: { message: string; cls: FailureClass | null } | null = null;

  constructor(private readonly ctx: Pick<RuleContext<string>, 'explain' | 'facts'>) {
    this.context = new Occurrences(ctx, 0, 0, 3);
  }

  listeners(): RuleListeners {
    const fail = (e: RunlogEvent): void => this.fail(e);
    const ok = (e: RunlogEvent): void => {
      for (const s of this.states.values()) s.episodes.ok(e);
    };
    return {
      exception: fail,
      'connection.lost': fail,
      'job.acquire_error': fail,
      'terminal.error': (e) => {
        if (!this.configTimeLine(e, e.message)) fail(e);
      },
      'http.failure': fail,
      'http.timeout': fail,
      unrecognized: (e) => {
        if (!this.configTimeLine(e, e.text)) fail(e);
      },
      'update.download_failed': (e) => {
        if (e.timeoutSeconds !== null) this.record('timeout', e, false);
      },
      'runner.proxy': (e) => {
        if (e.url !== null) this.proxyEvent = e;
      },
      'session.created': ok,
      'connection.restored': ok,
      'message.received': ok,
      'job.renewed': (e) => {
        ok(e);
        if (e.time !== null) this.lastRenewalMs = Date.parse(e.time);
        this.failedSinceRenewal = false;
        this.jobInFlight = true; // renewals only happen while a job runs (excerpts may lack its start)
      },
      'poll.heartbeat': ok,
      'job.received': (e) => {
        ok(e);
        this.jobInFlight = true;
        this.lastRenewalMs = null;
      },
      'job.completed': () => {
        this.jobInFlight = false;
      },
      'broker.migration': ok,
      // Not 'job.status': "Received job status event" is the dispatcher telling the listener
      // in-process (MessageListener.OnJobStatus), no evidence the service is reachable.
      'http.success': ok,
    };
  }

  /**
   * A failure that is the first since a successful lock renewal more than five minutes
   * earlier, while a job was running: the Listener renews every 60 s, so nothing at all was
   * attempted (or logged) in between — the process was not running.
   */
  private noteSilence(e: RunlogEvent, ms: number): void {
    if (listenerSide(e) && this.jobInFlight && !this.failedSinceRenewal && this.lastRenewalMs !== null && ms - this.lastRenewalMs > SILENCE_MS) {
      this.silenceEndMs = ms;
    }
    this.failedSinceRenewal = true;
  }

  /** `Failed to get tenant credentials -- Attempt: 1` and kin: config.sh could not connect. */
  private configTimeLine(e: RunlogEvent, text: string): boolean {
    if (!CONFIG_TIME.some((t) => text.startsWith(t))) return false;
    this.configTime = true;
    this.context.context(e);
    return true;
  }

  private fail(e: RunlogEvent): void {
    if (!listenerSide(e)) return;
    let cls = classifyEvent(e);
    if (e.kind === 'exception') {
      this.lastException = { message: e.message, cls };
    } else if (e.kind === 'connection.lost' && this.lastException !== null && e.reason === this.lastException.message) {
      // `Runner connect error: <ex.Message>` repeats the outer message of the exception just
      // dumped, without its inner exception: the dump knows better (a NotTimeValid certificate
      // behind "The SSL connection could not be established" is the clock, not TLS).
      cls = this.lastException.cls;
    }
    if (cls === null || !TRACKED.includes(cls)) return;
    // A 5xx retried by the HTTP layer is one failure with several attempts: count them all,
    // but only the final ERR (or the runner's own statement) makes it serious.
    const serious = e.level === 'ERR' || e.kind === 'connection.lost';
    this.record(cls, e, serious);
  }

  private record(cls: FailureClass, e: RunlogEvent, serious: boolean): void {
    let s = this.states.get(cls);
    if (s === undefined) {
      s = { occurrences: new Occurrences(this.ctx), episodes: new Episodes(), serious: 0, statements: 0, labels: new Set(), hosts: new Set(), linkFailures: 0, afterSilence: 0 };
      this.states.set(cls, s);
    }
    s.occurrences.add(e);
    s.episodes.fail(e);
    if (e.kind !== 'update.download_failed') s.linkFailures++;
    const ms = e.time === null ? null : Date.parse(e.time);
    if (ms !== null) this.noteSilence(e, ms);
    if (ms !== null && this.silenceEndMs !== null && ms - this.silenceEndMs <= AFTER_SILENCE_MS) s.afterSilence++;
    if (serious) s.serious++;
    if (e.kind === 'connection.lost') s.statements++;
    const label = labelOf(e);
    if (label !== null && s.labels.size < 6) s.labels.add(label);
    const host = hostOf(e);
    if (host !== null && s.hosts.size < 6) s.hosts.add(host);
  }

  /** The failures of the classes a rule claims, merged; null when there were none. */
  claim(classes: readonly FailureClass[]): LinkSummary | null {
    const present = classes.filter((c) => this.states.has(c));
    if (present.length === 0) return null;
    const states = present.map((c) => this.states.get(c)!);
    const summary = mergeSummaries(...states.map((s) => s.occurrences.summary()), this.context.summary());
    if (summary === null) return null;
    const episodes = mergeEpisodes(states.map((s) => s.episodes.finish(this.ctx.facts.lastTime)));
    const count = states.reduce((n, s) => n + s.occurrences.count, 0);
    return {
      summary,
      episodes,
      classes: present,
      count,
      serious: states.reduce((n, s) => n + s.serious, 0),
      conclusive: states.some((s) => s.statements > 0),
      ongoing: episodes.at(-1)?.outcome === 'ongoing',
      configTime: this.configTime,
      updateDownloadsOnly: states.every((st) => st.linkFailures === 0),
      afterSilenceOnly: states.every((st) => st.afterSilence === st.occurrences.count),
      failingSeconds: episodes.reduce((n, ep) => n + (ep.durationSeconds ?? 0), 0),
      labels: [...new Set(states.flatMap((st) => [...st.labels]))].sort(),
      hosts: [...new Set(states.flatMap((st) => [...st.hosts]))].sort(),
    };
  }

  /** The proxy line, as context evidence, when one was configured. */
  proxyEvidence(): RunlogEvent | null {
    return this.proxyEvent;
  }
}

function labelOf(e: RunlogEvent): string | null {
  switch (e.kind) {
    case 'http.failure':
      return e.statusText ?? (e.reason === null ? null : e.reason.slice(0, 80));
    case 'http.timeout':
      return `timed out after ${e.seconds} s`;
    case 'exception': {
      const inner = e.inner.at(-1);
      const pick = inner ?? e;
      return `${pick.type.slice(pick.type.lastIndexOf('.') + 1)}: ${pick.message.slice(0, 100)}`;
    }
    case 'connection.lost':
      return e.reason.slice(0, 100);
    default:
      return null;
  }
}

/** The host of a failing request, or the `(host:443)` an OS error names. */
function hostOf(e: RunlogEvent): string | null {
  let text: string | null = null;
  if (e.kind === 'http.failure' || e.kind === 'http.timeout') text = e.url;
  else if (e.kind === 'connection.lost') text = e.reason;
  else if (e.kind === 'exception') text = [e.message, ...e.inner.map((i) => i.message)].join(' ');
  if (text === null) return null;
  // Skip `user:password@` so a proxy's credentials are never taken for its host.
  const url = /https?:\/\/(?:[^\s/@]{1,256}@)?([A-Za-z0-9.-]{1,253})/.exec(text);
  if (url !== null) return url[1]!.toLowerCase();
  const paren = /\(([A-Za-z0-9.-]+\.[A-Za-z]{2,}):\d+\)/.exec(text);
  return paren === null ? null : paren[1]!.toLowerCase();
}

/** Union of overlapping episodes from several classes, in time order. */
function mergeEpisodes(lists: Episode[][]): Episode[] {
  const all = lists.flat().sort((a, b) => cmp(a.start, b.start));
  const out: Episode[] = [];
  for (const ep of all) {
    const last = out.at(-1);
    if (last !== undefined && last.end !== null && ep.start !== null && ep.start <= last.end) {
      last.count += ep.count;
      if (ep.end !== null && ep.end > last.end) {
        last.end = ep.end;
        last.outcome = ep.outcome;
      } else if (ep.outcome === 'ongoing') {
        last.outcome = 'ongoing';
      }
      last.durationSeconds = last.start === null || last.end === null ? null : Math.round((Date.parse(last.end) - Date.parse(last.start)) / 1000);
      continue;
    }
    out.push({ ...ep });
  }
  return out;
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Severity of a link problem: an error when it was still failing where the log ends (or broke
 * configuration), a warning when it recovered by itself, info for a lone retried blip.
 */
export function linkSeverity(s: LinkSummary): Severity {
  const substantial = s.count >= 3 || s.serious > 0 || s.conclusive;
  if (s.configTime) return 'error';
  // One failure just before the log ends says nothing about what came next (an inner retry may
  // have gone through); the runner's own statement does.
  if (s.ongoing && (s.count >= 2 || s.conclusive)) return 'error';
  if (s.ongoing) return 'warning';
  // One burst within two minutes that never reached the runner's own "connect error" and was
  // over by the next sign of life: an inner retry absorbed it (spec §3, broker and HTTP retries).
  if (!s.conclusive && s.episodes.length === 1 && burstSeconds(s) <= BLIP_SECONDS) return 'info';
  return substantial ? 'warning' : 'info';
}

const BLIP_SECONDS = 120;

/** Seconds from the first failure to the last (0 when times are unknown). */
function burstSeconds(s: LinkSummary): number {
  const { firstSeen, lastSeen } = s.summary;
  if (firstSeen === null || lastSeen === null) return 0;
  return (Date.parse(lastSeen) - Date.parse(firstSeen)) / 1000;
}

export function linkConfidence(s: LinkSummary, what: string): Confidence {
  if (s.count >= 3 || s.conclusive) return { level: 'high', reason: `${s.count} ${what} failure(s)${s.conclusive ? ', and the runner reported the connection error itself' : ''}` };
  if (s.count === 2 || s.serious > 0) return { level: 'medium', reason: `${s.count} ${what} failure(s)` };
  return { level: 'low', reason: `a single ${what} failure` };
}

/** Words for the outcome of the last episode. */
export function outcomeText(s: LinkSummary): string {
  const last = s.episodes.at(-1);
  if (last === undefined) return 'outcome unknown';
  if (last.outcome === 'recovered') return 'it recovered by itself';
  if (last.outcome === 'ongoing') return 'it was still failing where the log ends';
  return 'the log shows no recovery';
}
