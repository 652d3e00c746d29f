/**
 * The JSON the runner embeds in its trace: the settings dump (PascalCase), the Worker's job
 * message (camelCase) and step telemetry (`{ ... }.`). Parsed with JSON.parse when the dump is
 * whole; excerpts cut mid-dump (tickets, crashes) fall back to a line scan for the keys we use.
 */
import type { RunnerSettingsEvent, StepTelemetryEvent, WorkerJobMessageEvent } from '../events.js';
import type { EventBase } from '../events.js';

type Fields<E> = Omit<E, keyof EventBase<string>>;

/** Dumps larger than this are scanned line by line instead of parsed. */
const MAX_JSON_CHARS = 4 * 1024 * 1024;

function tryParse(text: string): unknown {
  if (text.length > MAX_JSON_CHARS) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}
function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return null;
}

/**
 * `"Key": value` pairs found on lines, for dumps that do not parse. Only the first occurrence
 * of each key is kept, which is the outermost one in a pretty-printed dump.
 */
function scanPairs(lines: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const line of lines) {
    const t = line.trim();
    if (t.charCodeAt(0) !== 34) continue; // "
    const close = t.indexOf('":');
    if (close < 2) continue;
    const key = t.slice(1, close);
    if (pairs.has(key)) continue;
    let value = t.slice(close + 2).trim();
    if (value.endsWith(',')) value = value.slice(0, -1);
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = tryParse(value) as string;
      if (typeof value !== 'string') continue;
    }
    pairs.set(key, value);
  }
  return pairs;
}

const SETTINGS_KEYS = ['AgentId', 'AgentName', 'PoolId', 'PoolName', 'ServerUrl', 'GitHubUrl'];

/** The Listener's settings dump: `{` on the header line, PascalCase JSON below it. */
export function parseSettingsDump(first: string, continuation: readonly string[]): Fields<RunnerSettingsEvent> | null {
  const text = [first, ...continuation].join('\n');
  let get: (key: string) => unknown;
  const parsed = tryParse(text);
  if (isRecord(parsed)) {
    get = (k) => parsed[k];
  } else {
    const pairs = scanPairs(continuation);
    get = (k) => pairs.get(k);
  }
  if (!SETTINGS_KEYS.some((k) => get(k) !== undefined)) return null;
  return {
    runnerName: str(get('AgentName')),
    runnerId: num(get('AgentId')),
    poolId: num(get('PoolId')),
    poolName: str(get('PoolName')),
    serverUrl: str(get('ServerUrl')),
    serverUrlV2: str(get('ServerUrlV2')),
    gitHubUrl: str(get('GitHubUrl')),
    workFolder: str(get('WorkFolder')),
    ephemeral: bool(get('Ephemeral')),
    disableUpdate: bool(get('DisableUpdate')),
    useV2Flow: bool(get('UseV2Flow')),
  };
}

/** contextData uses `{"t":2,"d":[{"k":key,"v":value},...]}` for dictionaries. */
function contextValue(github: unknown, key: string): string | null {
  if (!isRecord(github) || !Array.isArray(github['d'])) return null;
  for (const entry of github['d'] as unknown[]) {
    if (isRecord(entry) && entry['k'] === key) return str(entry['v']);
  }
  return null;
}

/** Finds `"k": "<key>"` followed by `"v": <value>` in a pretty-printed dump that did not parse. */
function scanContextValue(lines: readonly string[], key: string): string | null {
  const needle = `"k": "${key}"`;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes(needle)) continue;
    for (let j = i; j < Math.min(lines.length, i + 3); j++) {
      const line = lines[j]!;
      const at = line.indexOf('"v": ');
      if (at < 0) continue;
      let value = line.slice(at + 5).trim();
      if (value.endsWith(',')) value = value.slice(0, -1);
      const parsed = tryParse(value);
      return str(parsed);
    }
  }
  return null;
}

/** The Worker's `Job message:` dump (spec §1.5). */
export function parseJobMessage(continuation: readonly string[]): Fields<WorkerJobMessageEvent> {
  const parsed = tryParse(continuation.join('\n'));
  if (isRecord(parsed)) {
    const plan = isRecord(parsed['plan']) ? parsed['plan'] : {};
    const context = isRecord(parsed['contextData']) ? parsed['contextData'] : {};
    const github = context['github'];
    return {
      jobId: str(parsed['jobId']),
      jobDisplayName: str(parsed['jobDisplayName']),
      jobName: str(parsed['jobName']),
      requestId: str(parsed['requestId']),
      planId: str(plan['planId']),
      messageType: str(parsed['messageType']),
      repository: contextValue(github, 'repository'),
      workflow: contextValue(github, 'workflow'),
      runId: contextValue(github, 'run_id'),
    };
  }
  const pairs = scanPairs(continuation);
  return {
    jobId: pairs.get('jobId') ?? null,
    jobDisplayName: pairs.get('jobDisplayName') ?? null,
    jobName: pairs.get('jobName') ?? null,
    requestId: pairs.get('requestId') ?? null,
    planId: pairs.get('planId') ?? null,
    messageType: pairs.get('messageType') ?? null,
    repository: scanContextValue(continuation, 'repository'),
    workflow: scanContextValue(continuation, 'workflow'),
    runId: scanContextValue(continuation, 'run_id'),
  };
}

/** `Publish step telemetry for current step {` ... `}.` */
export function parseStepTelemetry(continuation: readonly string[]): Fields<StepTelemetryEvent> {
  const body = continuation.join('\n').trimEnd().replace(/\.$/, '');
  const parsed = tryParse(`{\n${body}`);
  const get: (k: string) => unknown = isRecord(parsed)
    ? (k) => parsed[k]
    : ((pairs) => (k: string) => pairs.get(k))(scanPairs(continuation));
  const messages = get('errorMessages');
  return {
    action: str(get('action')),
    ref: str(get('ref')),
    stepType: str(get('type')),
    stage: str(get('stage')),
    stepId: str(get('stepId')),
    result: str(get('result')),
    errorMessages: Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : [],
    executionTimeInSeconds: num(get('executionTimeInSeconds')),
  };
}
