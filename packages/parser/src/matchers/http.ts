/**
 * The HTTP EventSource lines (spec §3.11), logged under `GitHubActionsService`
 * (`GitHubActionsRunner` before v2.164, `VisualStudioServices` in the Azure Pipelines agent).
 */
import type { FileContext } from '../context.js';
import type { RunlogEvent } from '../events.js';
import type { LogRecord } from '../records.js';
import { after, httpStatusCode, leadingInt, leadingNumber, stripPeriod, wordAt } from '../text.js';

const REQUEST_TO = ' request to ';

/** `<METHOD> request to <url>` at the start of `text`: returns [method, url, rest] or null. */
function requestAt(text: string): [string, string, string] | null {
  const method = wordAt(text, 0);
  if (method.length === 0 || method.length > 10 || method.toUpperCase() !== method) return null;
  if (!text.startsWith(REQUEST_TO, method.length)) return null;
  const urlStart = method.length + REQUEST_TO.length;
  const url = wordAt(text, urlStart);
  if (url.length === 0) return null;
  return [method, url, text.slice(urlStart + url.length)];
}

/** `HTTP Status: ServiceUnavailable, AFD Ref: ...` → status; anything else is a reason. */
function detail(text: string): { status: number | null; statusText: string | null; reason: string | null } {
  const s = after(text, 'HTTP Status: ');
  if (s !== null) {
    const comma = s.indexOf(',');
    const statusText = stripPeriod((comma >= 0 ? s.slice(0, comma) : s).trim());
    return { status: httpStatusCode(statusText), statusText, reason: null };
  }
  return { status: null, statusText: null, reason: text.length > 0 ? text : null };
}

export function matchHttp(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const attempt = after(m, 'Attempt ');
  if (attempt !== null) {
    // Attempt <n> of <METHOD> request to <url> failed (<reason>). The operation will be retried in <s> seconds.
    // Attempt <n> of <METHOD> request to <url> failed (<reason>). The maximum number of attempts has been reached.
    const n = leadingInt(attempt);
    const of = attempt.indexOf(' of ');
    if (n === null || of < 0) return null;
    const req = requestAt(attempt.slice(of + 4));
    if (req === null) return null;
    const [method, url, rest] = req;
    const open = rest.indexOf(' failed (');
    const close = rest.lastIndexOf(').');
    const reasonText = open >= 0 && close > open ? rest.slice(open + 9, close) : '';
    const d = detail(reasonText);
    const retryAt = rest.indexOf('retried in ');
    const retryInSeconds = retryAt >= 0 ? leadingNumber(rest.slice(retryAt + 11)) : null;
    return ctx.make('http.failure', r, {
      method,
      url,
      ...d,
      attempt: n,
      final: retryAt < 0,
      retryInSeconds,
    });
  }
  const req = requestAt(m);
  if (req !== null) {
    const [method, url, rest] = req;
    const failed = after(rest, ' failed. ');
    if (failed !== null) {
      return ctx.make('http.failure', r, { method, url, ...detail(failed), attempt: null, final: true, retryInSeconds: null });
    }
    const timedOut = after(rest, ' timed out after ');
    if (timedOut !== null) {
      return ctx.make('http.timeout', r, { method, url, seconds: leadingNumber(timedOut) ?? 0 });
    }
    if (rest.startsWith(' has been cancelled')) return ctx.make('http.cancelled', r, { method, url });
    const ok = after(rest, ' succeeded with status code ');
    if (ok !== null) return ctx.make('http.success', r, { method, url, status: leadingInt(ok) ?? 0 });
    const unauthorized = after(rest, ' is not authorized.');
    if (unauthorized !== null) {
      const details = after(unauthorized.trimStart(), 'Details: ');
      return ctx.make('http.failure', r, {
        method,
        url,
        status: 401,
        statusText: 'Unauthorized',
        reason: details,
        attempt: null,
        final: true,
        retryInSeconds: null,
      });
    }
    return null;
  }
  const auth = after(m, 'Authentication failed with status code ');
  if (auth !== null) {
    const status = leadingInt(auth);
    return ctx.make('http.failure', r, {
      method: null,
      url: null,
      status,
      statusText: status === 401 ? 'Unauthorized' : null,
      reason: null,
      attempt: null,
      final: false,
      retryInSeconds: null,
    });
  }
  if (m.startsWith('AAD Correlation ID for this token request')) return ctx.make('token.acquired', r, {});
  if (m.includes(' failed to retrieve a token')) {
    const reasonLine = r.continuation.find((l) => l.startsWith('Reason: '));
    return ctx.make('token.failed', r, { reason: reasonLine === undefined ? null : reasonLine.slice(8) });
  }
  const starting = after(m, 'Starting operation ');
  if (starting !== null) return ctx.make('http.operation', r, { operation: starting.trim(), phase: 'start' });
  const finished = after(m, 'Finished operation ');
  if (finished !== null) return ctx.make('http.operation', r, { operation: finished.trim(), phase: 'finish' });
  return null;
}
