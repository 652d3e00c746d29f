/**
 * F30: the machine ran out of disk space (or is about to).
 *
 * The hard signatures are .NET/OS texts (`No space left on device`, `There is not enough space
 * on the disk.`), found in exceptions, the worker's captured stdout/stderr, step errors and
 * step telemetry; the Listener's own reaction (`Finish job with result 'Failed' due to
 * IOException.`); and the runner's early warning `You are running out of disk space`.
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyText, exceptionTexts } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { createRule, type Confidence } from '../../types.js';

/** OS / runtime texts for "the disk is full" (Linux/macOS ENOSPC, Windows ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL). */
const DISK_FULL_TEXTS = [
  'no space left on device',
  'not enough space on the disk',
  'the disk is full',
  'enospc',
  'disk quota exceeded',
];
const LOW_DISK_TEXT = 'you are running out of disk space';
const IO_FAIL_TEXT = "finish job with result 'failed' due to ioexception";
const IO_EXCEPTION = 'system.io.ioexception';

/** True when the text says the disk is full. Exported for rules that must stay silent then. */
export function isDiskFullText(text: string): boolean {
  const t = text.toLowerCase();
  return DISK_FULL_TEXTS.some((n) => t.includes(n)) || t.includes(IO_FAIL_TEXT);
}

/** Whether an event's level makes its free text a statement of the runner (not a command line or a name). */
function isProblemLevel(e: RunlogEvent): boolean {
  return e.level === 'ERR' || e.level === 'WARN' || e.level === 'CRIT';
}

/**
 * The texts of an event where a disk-full statement can appear. Free text of INFO records is
 * left out (command lines, step names and job dumps can contain anything), except for the
 * kinds that carry the runner's or the step's own error words.
 */
export function diskTextsOf(e: RunlogEvent): string[] {
  switch (e.kind) {
    case 'exception':
      return exceptionTexts(e);
    case 'worker.output':
      return [e.text, ...e.lines];
    case 'step.error':
      return [e.message];
    case 'step.telemetry':
      return e.errorMessages;
    case 'terminal.error':
    case 'terminal.line':
    case 'update.script':
    case 'update.failed':
    case 'update.download_failed':
    case 'job.acquire_error':
      return [e.text];
    case 'unrecognized':
      // The Listener's own reaction is logged at INFO.
      return isProblemLevel(e) || e.text.toLowerCase().includes(IO_FAIL_TEXT) ? [e.text] : [];
    case 'step.started':
    case 'step.skipped':
    case 'step.completed':
    case 'job.started':
    case 'job.completed':
    case 'runner.option':
    case 'runner.settings':
    case 'worker.job_message':
    case 'log.file':
      return [];
    default:
      return isProblemLevel(e) ? [e.text] : [];
  }
}

function freeSpaceMb(text: string): number | null {
  const m = /free space left:\s*(\d+)\s*mb/i.exec(text);
  return m === null ? null : Number(m[1]);
}

export default createRule({
  meta: {
    id: 'disk-full',
    cause: 'disk_full',
    title: 'Out of disk space on the runner machine',
    type: 'root-cause',
    severity: 'error',
    messages: {
      diskFull:
        'The runner machine ran out of disk space: {{count}} "no space left" error(s) from {{first}} to {{last}}{{impact}}.',
      ioCrash:
        "The worker crashed with a System.IO.IOException and its job failed ({{count}} time(s), last at {{last}}); the runner treats an IOException from a crashed worker as the machine running out of disk space.",
      lowDisk:
        'The runner warned {{count}} time(s) that the machine is running out of disk space ({{free}} left at the lowest, from {{first}} to {{last}}); jobs start failing when the disk is full.',
    },
    docs: {
      description:
        'The volume that holds the runner (its _work folder, _diag logs, tool cache or Docker data) is full or nearly full. Jobs fail with "No space left on device" / "There is not enough space on the disk", the worker can crash while writing, and the runner can even crash while writing its own log. From v2.276.0 the runner warns in the step log ("You are running out of disk space") before it happens.',
      confirm: [
        'On the runner machine: `df -h` (Linux/macOS) or `Get-PSDrive` (Windows) for the volume of the runner directory and of Docker\'s data root.',
        'Find what uses the space: `du -sh <runner>/_work/* <runner>/_diag /var/lib/docker 2>/dev/null | sort -h`.',
        'In the logs: `No space left on device`, `There is not enough space on the disk`, `Finish job with result \'Failed\' due to IOException.`, or the warning `You are running out of disk space` in the step telemetry / step logs.',
      ],
      catalog: ['F30'],
    },
    remedy: {
      temporary: [
        'Free space now: remove old workspaces (`rm -rf <runner>/_work/<repo>` for repositories no longer built), the tool cache you do not need (`<runner>/_work/_tool`), and unused Docker data (`docker system prune -af --volumes`).',
        'Delete old runner logs if _diag is large: `find <runner>/_diag -name "*.log" -mtime +7 -delete`.',
        'Restart the runner service after freeing space if it crashed: `sudo ./svc.sh stop && sudo ./svc.sh start`.',
      ],
      permanent: [
        'Put the runner\'s _work folder (and Docker\'s data root) on a volume sized for your largest job, or use ephemeral runners with a fresh disk per job.',
        'Clean workspaces in the workflow (e.g. `actions/checkout` with `clean: true`) and prune Docker images on a schedule.',
      ],
      prevention: [
        'Monitor free disk space on runner machines and alert well before it runs out.',
        'Keep the runner\'s low-disk warning enabled and watch job annotations for "You are running out of disk space".',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
      ],
    },
  },
  create(context) {
    const full = new Occurrences(context);
    const ioFail = new Occurrences(context, 2, 1);
    const ioOutput = new Occurrences(context, 2, 1);
    const low = new Occurrences(context, 2, 1);
    let lowestFree: number | null = null;

    const observe = (e: RunlogEvent): void => {
      const texts = diskTextsOf(e);
      if (texts.length === 0) return;
      const joined = texts.join('\n').toLowerCase();
      if (joined.includes(IO_FAIL_TEXT)) {
        ioFail.add(e);
        return;
      }
      if (DISK_FULL_TEXTS.some((n) => joined.includes(n))) {
        full.add(e);
        return;
      }
      if (joined.includes(LOW_DISK_TEXT)) {
        low.add(e);
        for (const t of texts) {
          const free = freeSpaceMb(t);
          if (free !== null && (lowestFree === null || free < lowestFree)) lowestFree = free;
        }
        return;
      }
      if (e.kind === 'worker.output' && joined.includes(IO_EXCEPTION)) {
        // An IOException that is a network or permission failure is not a full disk.
        const ioLine = texts.find((t) => t.toLowerCase().includes(IO_EXCEPTION)) ?? '';
        if (classifyText(ioLine) === null && !/permission denied|access to the path/i.test(ioLine)) ioOutput.add(e);
      }
    };

    return {
      exception: observe,
      'worker.output': observe,
      'step.error': observe,
      'step.telemetry': observe,
      'terminal.error': observe,
      'terminal.line': observe,
      'update.script': observe,
      'update.failed': observe,
      'update.download_failed': observe,
      'job.acquire_error': observe,
      'job.completion_error': observe,
      'upload.error': observe,
      unrecognized: observe,
      end() {
        const freeText = lowestFree === null ? 'an unknown amount of space' : `${lowestFree} MB`;
        const crashCount = Math.max(ioFail.count, ioOutput.count);
        if (!full.empty) {
          const summary = mergeSummaries(full.summary(), ioFail.summary(), ioOutput.summary(), low.summary())!;
          const impact = crashCount > 0
            ? '; the worker crashed with an IOException and the job failed'
            : !low.empty
              ? `; the runner had warned ${low.count} time(s) that space was running out (${freeText} left at the lowest)`
              : '';
          context.report({
            messageId: 'diskFull',
            data: { count: full.count, first: full.firstSeen ?? 'unknown', last: full.lastSeen ?? 'unknown', impact },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: full.count,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence: { level: 'high', reason: 'the OS reported that the disk is full ("no space left on device" / "not enough space on the disk")' },
            conclusive: !ioFail.empty,
          });
          return;
        }
        if (crashCount > 0) {
          const summary = mergeSummaries(ioFail.summary(), ioOutput.summary(), low.summary())!;
          const confidence: Confidence = !low.empty
            ? { level: 'high', reason: 'a worker crashed with an IOException after the runner warned that disk space was running out' }
            : { level: 'medium', reason: "the crashed worker's output shows an IOException, which the runner treats as a full disk; the log does not state the free space" };
          context.report({
            messageId: 'ioCrash',
            data: { count: crashCount, last: summary.lastSeen ?? 'unknown' },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: crashCount,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence,
            conclusive: !ioFail.empty,
          });
          return;
        }
        if (!low.empty) {
          const summary = low.summary()!;
          context.report({
            messageId: 'lowDisk',
            data: { count: low.count, free: freeText, first: low.firstSeen ?? 'unknown', last: low.lastSeen ?? 'unknown' },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: low.count,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'warning',
            confidence: { level: 'high', reason: 'the runner measured the free space itself and warned that it is below its threshold' },
          });
        }
      },
    };
  },
});
