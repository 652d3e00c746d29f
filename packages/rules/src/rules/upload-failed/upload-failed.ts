/**
 * F37/F38: the worker could not upload what the job produced.
 *
 *  - F37 (fails the job): `Fail to update timeline records with output variables. Throw
 *    exception to fail the job since output variables are critical to downstream jobs.` and
 *    `Caught exception from JobServerQueue.ShutdownAsync` + `This indicate a failure during
 *    publish output variables.`;
 *  - F38 (best effort): `Catch exception during log or attachment file upload`, `Catch exception
 *    during file upload to results`, `Catch exception during append web console line`, the
 *    `success rate: <ok>/<n>` summaries with ok < n, and repeated timeline update errors.
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyText, failureText, type FailureClass } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { createRule } from '../../types.js';

type UploadKind = 'logs' | 'results' | 'console' | 'timeline';

const OUTPUTS = [/Fail to update timeline records with output variables/i, /failure during publish output variables/i, /Failed to publish output variables/i];
const SHUTDOWN = /Caught exception from JobServerQueue\.ShutdownAsync/i;

const KIND_OF_ERROR: [UploadKind, RegExp][] = [
  ['logs', /Catch exception during log or attachment file upload/i],
  ['results', /Catch exception during file upload to results/i],
  ['console', /Catch exception during append web console line/i],
  ['timeline', /Catch exception during update timeline records/i],
];

/** `Try to upload 3 log files or attachments, success rate: 1/3.` and friends. */
// The gap before `, success rate` stops at the next `Try to ...`: `[^,]*` rescanned the rest of a
// comma-less line from every occurrence (recheck: polynomial).
const RATE =
  /(?:Try to upload|Tried to upload|Try to append) (\d+) (log files or attachments|file\(s\) to results|batches web console lines)(?:(?!Try to upload|Tried to upload|Try to append)[^,])*, success rate: (\d+)\/(\d+)/i;

const WHAT: Record<UploadKind, string> = {
  logs: 'step logs and attachments',
  results: 'logs and results for the results service',
  console: 'live console output',
  timeline: 'timeline (step status) updates',
};

const CAUSE_WORDS: Partial<Record<FailureClass, string>> = {
  'tls-certificate': 'TLS certificate errors',
  'tls-handshake': 'TLS handshake failures',
  clock: 'a clock problem',
  dns: 'DNS failures',
  refused: 'refused or reset connections',
  'premature-close': 'connections closed early (typical of proxies)',
  timeout: 'timeouts',
  proxy: 'the proxy',
  service: 'server errors (5xx) from GitHub',
  throttled: 'rate limiting (HTTP 429)',
  unauthorized: 'rejected credentials (401)',
  forbidden: 'refused access (403)',
};

/** Timeline or console errors alone are noise below this count: the queue retries them. */
const NOISY_MIN = 3;

export default createRule({
  meta: {
    id: 'upload-failed',
    cause: 'upload_failed',
    title: 'Job logs, results or output variables could not be uploaded',
    type: 'root-cause',
    severity: 'warning',
    messages: {
      outputs:
        'The job was failed because its output variables could not be published (the runner could not update the job\'s timeline records{{cause}}); jobs that depend on these outputs would read wrong or empty values ({{first}} to {{last}}).',
      uploads:
        '{{count}} upload(s) of {{what}} failed{{cause}} between {{first}} and {{last}}; the runner keeps going (best effort), so job logs or live output may be incomplete in the GitHub UI, but job results are not affected.',
    },
    docs: {
      description:
        'While a job runs, the worker streams console lines, uploads step logs and attachments, sends results to the results service, and updates the job\'s timeline (step status and output variables). These uploads are best effort: failures leave logs incomplete in the UI. The exception is output variables: if the final timeline update carrying them fails, the runner fails the job so downstream jobs do not run with missing outputs.',
      confirm: [
        'Look at the job in the GitHub UI: missing or truncated step logs point to failed log uploads; a job that failed after all its steps succeeded points to output variables.',
        'Check leftover files in `<runner>/_diag/pages/` and `_diag/blocks/`: they remain when their upload failed.',
        'In the Worker log: `Catch exception during log or attachment file upload`, `success rate: <ok>/<n>` with ok < n, `Fail to update timeline records with output variables`, `Caught exception from JobServerQueue.ShutdownAsync`, and the exception that follows each.',
      ],
      catalog: ['F37', 'F38'],
    },
    remedy: {
      temporary: [
        'Re-run the job; upload failures are usually caused by a network or service problem during the job.',
        'Check the runner\'s network path to GitHub (proxy, firewall) for the upload hosts: `*.actions.githubusercontent.com`, `results-receiver.actions.githubusercontent.com` and `*.blob.core.windows.net`.',
      ],
      permanent: [
        'Allow the runner to reach GitHub\'s Actions upload endpoints through proxies and firewalls (see the self-hosted runner communication requirements).',
        'Keep large outputs out of output variables (use artifacts for files); very large or numerous outputs make the final timeline update fragile.',
      ],
      prevention: [
        'Monitor for leftover files in `_diag/pages` and for jobs failing after all steps succeeded.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#communication-between-self-hosted-runners-and-github',
        'https://githubstatus.com',
      ],
    },
  },
  create(context) {
    const outputs = new Occurrences(context, 3, 1);
    const best = new Occurrences(context, 3, 2);
    const noisy = new Occurrences(context, 2, 1);
    const shutdowns = new Occurrences(context, 2, 1);
    const kinds = new Set<UploadKind>();
    const noisyKinds = new Set<UploadKind>();
    const causes = new Set<FailureClass>();
    /** Failed items stated by the `success rate` summaries, and best-effort error lines. */
    let failedByRate = 0;
    let bestErrors = 0;
    /** Files whose last upload error still waits for the exception that explains it. */
    const awaiting = new Map<string, Occurrences>();

    const noteCause = (e: RunlogEvent): void => {
      const text = failureText(e) ?? e.text;
      const cls = classifyText(text);
      if (cls !== null) causes.add(cls);
    };

    const observe = (e: RunlogEvent): void => {
      const text = e.text;
      if (OUTPUTS.some((re) => re.test(text))) {
        outputs.add(e);
        awaiting.set(e.source.file, outputs);
        return;
      }
      if (SHUTDOWN.test(text)) {
        shutdowns.add(e);
        awaiting.set(e.source.file, shutdowns);
        return;
      }
      const rate = RATE.exec(text);
      if (rate !== null) {
        const ok = Number(rate[3]);
        const total = Number(rate[4]);
        if (ok < total) {
          const what = rate[2]!.toLowerCase();
          kinds.add(what.startsWith('log') ? 'logs' : what.startsWith('file') ? 'results' : 'console');
          failedByRate += total - ok;
          best.add(e);
        }
        return;
      }
      const kind = KIND_OF_ERROR.find(([, re]) => re.test(text))?.[0];
      if (kind === undefined) return;
      if (kind === 'timeline' || kind === 'console') {
        noisyKinds.add(kind);
        noisy.add(e);
        awaiting.set(e.source.file, noisy);
      } else {
        kinds.add(kind);
        bestErrors++;
        best.add(e);
        awaiting.set(e.source.file, best);
      }
    };

    return {
      'upload.error': observe,
      unrecognized: observe,
      exception(e) {
        const into = awaiting.get(e.source.file);
        if (into === undefined) {
          // `Failed to publish output variables.` is the AggregateException itself.
          if (OUTPUTS.some((re) => re.test(e.message))) {
            outputs.add(e);
            noteCause(e);
          }
          return;
        }
        awaiting.delete(e.source.file);
        into.context(e);
        noteCause(e);
      },
      end() {
        const causeList = [...causes].map((c) => CAUSE_WORDS[c] ?? c).join(', ');
        const cause = causeList.length > 0 ? ` (${causeList})` : '';
        if (!outputs.empty) {
          const summary = mergeSummaries(outputs.summary(), shutdowns.summary(), noisy.summary())!;
          context.report({
            messageId: 'outputs',
            data: { cause: causeList.length > 0 ? `: ${causeList}` : '', first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown' },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: outputs.count,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence: { level: 'high', reason: 'the worker stated that it fails the job because output variables could not be published' },
            conclusive: true,
          });
        }
        const noisyCounts = noisy.count >= NOISY_MIN;
        if (best.empty && !noisyCounts && shutdowns.empty) return;
        if (!outputs.empty && best.empty) return;
        const allKinds = new Set<UploadKind>([...kinds, ...(noisyCounts ? noisyKinds : [])]);
        const summary = mergeSummaries(best.summary(), noisyCounts || !best.empty ? noisy.summary() : null, outputs.empty ? shutdowns.summary() : null)!;
        const count = Math.max(failedByRate, bestErrors) + (noisyCounts ? noisy.count : 0) + (outputs.empty ? shutdowns.count : 0);
        const what = allKinds.size > 0 ? [...allKinds].map((k) => WHAT[k]).join(', ') : 'queued job data (the upload queues failed to drain at job end)';
        context.report({
          messageId: 'uploads',
          data: { count, what, cause, first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown' },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: 'warning',
          confidence: best.empty
            ? { level: 'medium', reason: `${count} upload errors were retried by the worker's queues; the log does not show whether the data arrived later` }
            : { level: 'high', reason: 'the worker logged uploads that it gave up on (best effort)' },
        });
      },
    };
  },
});
