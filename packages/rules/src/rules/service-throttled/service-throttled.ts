/**
 * F39: the service rate-limited the runner.
 *
 * Worker `JobServerQueue`: `Receive server throttling report, expect delay <ms> milliseconds
 * till <time>` (one per throttled response; the job's total is their sum); the job warning
 * `The job has experienced <s> seconds total delay caused by server throttling.` and `The job
 * is currently being throttled by the server.`; and anywhere, HTTP 429 / TooManyRequests.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { formatDuration } from '../../temporal.js';
import { createRule } from '../../types.js';
import { exceptionTexts } from '../../classify.js';

const TOTAL = /The job has experienced ([\d.,]+) seconds total delay caused by server throttling/i;
const CURRENTLY = /The job is currently being throttled by the server/i;
const TOO_MANY = /toomanyrequests|too many requests|\bstatus(?: code)?:? 429\b|\(429\)/i;

/** The runner itself only tells the job about throttling above this total delay. */
const REPORT_THRESHOLD_MS = 10_000;

function textsOf(e: RunlogEvent): string[] {
  switch (e.kind) {
    case 'step.telemetry':
      return e.errorMessages;
    case 'exception':
      return exceptionTexts(e);
    case 'terminal.line':
    case 'terminal.error':
    case 'unrecognized':
    case 'job.acquire_error':
    case 'job.skipped':
    case 'step.error':
      return [e.text];
    default:
      return [];
  }
}

function seconds(text: string): number | null {
  const n = Number(text.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

export default createRule({
  meta: {
    id: 'service-throttled',
    cause: 'service_throttled',
    title: 'The service rate-limited the runner',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      throttled:
        'The service throttled this runner: {{delay}} of delay in total ({{source}}{{http}}), between {{first}} and {{last}}. Console output, status updates and log uploads were slowed down.',
      tooMany:
        'The service answered {{count}} request(s) with HTTP 429 (Too Many Requests) between {{first}} and {{last}}: this runner (or the account) is being rate-limited.',
    },
    docs: {
      description:
        'GitHub rate-limits the traffic of runners and jobs. When a job\'s requests are throttled, the service tells the worker how long to wait, and the job\'s console output, step status updates and log uploads are delayed; the runner adds a warning to the job when the total delay passes 10 seconds. HTTP 429 answers mean requests are refused outright until the limit resets. Jobs usually still complete, but slower.',
      confirm: [
        'In the job\'s annotations in the GitHub UI: "The job has experienced <n> seconds total delay caused by server throttling."',
        'In the Worker log: `Receive server throttling report, expect delay <ms> milliseconds till <time>`; in any log: HTTP status 429 / TooManyRequests.',
        'Check whether many runners or jobs share the same account or token (e.g. a large scale set starting at once, or a step that calls the API in a loop).',
      ],
      catalog: ['F39'],
    },
    remedy: {
      temporary: [
        'Nothing to fix on the runner: throttled jobs continue once the delay passes. Re-run jobs that timed out because of the delay.',
        'Reduce bursts: stagger scheduled workflows and lower the number of jobs that start at the same moment.',
      ],
      permanent: [
        'Reduce the volume of log output and API calls per job (very chatty steps, polling loops, huge matrices all count).',
        'If throttling persists across the organization, contact GitHub Support with the times from this report.',
      ],
      prevention: [
        'Keep step output concise (avoid printing megabytes of logs) and cache API results instead of polling.',
      ],
      docs: [
        'https://docs.github.com/en/actions/administering-github-actions/usage-limits-billing-and-administration',
        'https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api',
      ],
    },
  },
  create(context) {
    const reports = new Occurrences(context, 3, 2);
    const statements = new Occurrences(context, 2, 1);
    const http429 = new Occurrences(context, 3, 1);
    let summedMs = 0;
    let statedSeconds = 0;

    const scanText = (e: RunlogEvent): void => {
      const texts = textsOf(e);
      if (texts.length === 0) return;
      for (const t of texts) {
        const total = TOTAL.exec(t);
        if (total !== null) {
          const s = seconds(total[1]!);
          if (s !== null) statedSeconds = Math.max(statedSeconds, s);
          statements.add(e);
          return;
        }
        if (CURRENTLY.test(t)) {
          statements.add(e);
          return;
        }
      }
      if ((e.level === 'ERR' || e.level === 'WARN' || e.kind === 'step.telemetry' || e.kind === 'exception') && texts.some((t) => TOO_MANY.test(t))) {
        http429.add(e);
      }
    };

    return {
      'service.throttled'(e) {
        reports.add(e);
        if (e.delayMs !== null) summedMs += e.delayMs;
      },
      'http.failure'(e) {
        if (e.status === 429 || (e.statusText !== null && /toomanyrequests/i.test(e.statusText)) || (e.reason !== null && TOO_MANY.test(e.reason))) {
          http429.add(e);
        }
      },
      'step.telemetry': scanText,
      exception: scanText,
      'terminal.line': scanText,
      'terminal.error': scanText,
      unrecognized: scanText,
      'job.acquire_error': scanText,
      'job.skipped': scanText,
      'step.error': scanText,
      end() {
        if (reports.empty && statements.empty) {
          if (http429.empty) return;
          const summary = http429.summary()!;
          context.report({
            messageId: 'tooMany',
            data: { count: http429.count, first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown' },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: http429.count,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'warning',
            confidence: { level: 'high', reason: 'the service answered with HTTP 429 (Too Many Requests)' },
          });
          return;
        }
        const totalMs = Math.max(summedMs, statedSeconds * 1000);
        const summary = mergeSummaries(reports.summary(), statements.summary(), http429.summary())!;
        const belowThreshold = totalMs < REPORT_THRESHOLD_MS && http429.empty && statements.empty;
        context.report({
          messageId: 'throttled',
          data: {
            delay: totalMs > 0 ? formatDuration(totalMs / 1000) : 'an unknown amount',
            source: reports.count > 0 ? `${reports.count} throttling report(s) from the service` : "as stated in the job's warning",
            http: http429.empty ? '' : ` and ${http429.count} HTTP 429 (Too Many Requests) answer(s)`,
            first: summary.firstSeen ?? 'unknown',
            last: summary.lastSeen ?? 'unknown',
          },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count: reports.count + http429.count || statements.count,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: belowThreshold ? 'info' : 'warning',
          confidence: belowThreshold
            ? { level: 'high', reason: `the service sent throttling reports, but their total delay (${formatDuration(totalMs / 1000)}) is below the 10 seconds at which the runner warns the job` }
            : { level: 'high', reason: 'the service sent throttling reports to the worker (or the job was warned about the total delay)' },
        });
      },
    };
  },
});
