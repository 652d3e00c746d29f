/**
 * The record layer: what one trace event looks like once its header is parsed and its
 * continuation lines are attached. Everything here is plain data.
 */

/** Trace level tokens. `ERR ` is normalised to `ERR`; unknown .NET event types become `OTHER`. */
export type Level = 'CRIT' | 'ERR' | 'WARN' | 'INFO' | 'VERB' | 'OTHER';

/** Which program wrote a file (or a line, for pasted container/journald output). */
export type ProcessKind = 'runner' | 'worker' | 'agent' | 'selfupdate' | 'check' | 'service' | 'unknown';

/** What the file name says the file is (spec §1.1, §1.2, §2.10). */
export type FileKind =
  | 'runner' // Runner_<yyyyMMdd-HHmmss>-utc.log
  | 'worker' // Worker_<...>-utc.log
  | 'agent' // Agent_<...>-utc.log (Azure Pipelines agent listener)
  | 'selfupdate' // SelfUpdate-<yyyyMMdd-HHmmss>.log[.succeed|.failed|.succeedneedrestart]
  | 'check' // InternetCheck_/ActionsCheck_/GitCheck_/NodeJsCheck_ (run.sh --check)
  | 'page' // _diag/pages/*.log and _diag/blocks/* (user-facing step output)
  | 'unknown'; // anything else given explicitly: pasted logs, journald dumps, stdin

/**
 * How the lines of a file are wrapped. Runner trace lines reach tickets bare, behind a
 * container host token (`[RUNNER ...`), behind journald's syslog prefix, or behind
 * `kubectl logs --timestamps`.
 */
export type Envelope = 'none' | 'journald' | 'kubectl';

export interface LogRecord {
  /** 1-based line number of the header line. */
  line: number;
  /** 1-based line number of the last continuation line (equals `line` when there is none). */
  endLine: number;
  /** ISO-8601 UTC (`2024-11-21T14:05:48Z`), or null when the header carries no timestamp. */
  time: string | null;
  /** Epoch milliseconds of `time`, or null. */
  timeMs: number | null;
  level: Level;
  /** The trace source (class name) from the header; `Console` for console output without a header. */
  component: string;
  /** `RUNNER`/`WORKER`/`AGENT` when the line came in the container stdout form. */
  host: 'RUNNER' | 'WORKER' | 'AGENT' | null;
  /** The first line of the message (the header remainder). */
  message: string;
  /** Continuation lines, kept up to a cap (see `droppedLines`). */
  continuation: string[];
  /** Continuation lines beyond the cap: counted, not kept. */
  droppedLines: number;
}

export const EMPTY_LINES: readonly string[] = Object.freeze([]) as readonly string[];
