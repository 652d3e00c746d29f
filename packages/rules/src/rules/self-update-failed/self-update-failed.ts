/**
 * F40 and §4.F rule 7: the runner's self-update failed, looped, or did not take effect.
 *
 * Signatures: the Listener's download failures (`Runner download has timed out after <n>
 * seconds`, `Failed to get package ...`), update failures (`Runner update failed: ...`,
 * `Runner package '<url>' failed after 3 download attempts`, `Computed runner hash ... did not
 * match`, `Can't use 'tar -xzf' to extract archive file`, `There is no package for ...`), a
 * `SelfUpdate-*.log.failed` script log (`Can't move ...`), more than two update exits (code 3)
 * within 24 hours, and a Runner process that restarts after an update exit with its old version.
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';
import { classifyText, exceptionTexts, type FailureClass } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Confidence } from '../../types.js';

const UPDATE_TEXTS = [
  /failed after \d+ download attempts/i,
  /Computed (?:runner|agent) hash \S+ did not match/i,
  /Can't use 'tar -xzf' to extract archive file/i,
  /There is no package for (?:runner|agent)/i,
  /(?:Runner|Agent) update failed:/i,
];
const SERVICE_STOPPED = /(?:Runner|Agent) listener update failed, stop the service/i;
const SCRIPT_FAILURE = /can't|cannot|failed|error|denied|no space/i;
const UPDATER_COMPONENTS = new Set(['SelfUpdater', 'SelfUpdaterV2', 'AgentUpdater']);

const DAY_MS = 24 * 3600 * 1000;
/** An update.ready and the exit 3 that follows it are one cycle. */
const CYCLE_MERGE_MS = 5 * 60 * 1000;

const NETWORK_WORDS: Partial<Record<FailureClass, string>> = {
  'tls-certificate': 'TLS certificate validation failed',
  'tls-handshake': 'the TLS handshake failed',
  dns: 'DNS resolution failed',
  refused: 'the connection was refused or reset',
  'premature-close': 'the connection was closed early (typical of proxies)',
  timeout: 'the download timed out',
  proxy: 'the proxy refused the connection',
  service: 'the download server answered with an error',
  throttled: 'the download was rate-limited',
};

function clip(s: string, max = 220): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export default createRule({
  meta: {
    id: 'self-update-failed',
    cause: 'self_update_failed',
    title: 'The runner\'s self-update failed or looped',
    type: 'root-cause',
    severity: 'error',
    messages: {
      script:
        'The update script could not swap in the new runner version ({{file}}): {{detail}}. The runner was left on the old version, or not restarted at all.',
      oldVersion:
        'The runner exited to apply a self-update (exit code 3) but restarted with the old version {{version}}{{target}}: the update was not applied.',
      loop:
        'The runner exited for a self-update {{cycles}} times within 24 hours ({{first}} to {{last}}){{why}}: it is stuck in an update loop and offline during each restart.',
      failed: 'The runner\'s self-update failed: {{detail}} ({{count}} time(s), {{first}} to {{last}}){{impact}}.',
      download:
        'The runner could not download its self-update package: {{detail}} ({{count}} failed attempt(s), {{first}} to {{last}}). It stays on its current version and tries again at the next update request.',
    },
    docs: {
      description:
        'Self-hosted runners update themselves when the service asks: the Listener downloads the new package (3 attempts of up to 15 minutes), checks its hash, extracts it, exits with code 3 and lets an update script swap the `bin` and `externals` folders before the runner restarts. A blocked or slow download, a hash mismatch, a full disk, or a runner folder the runner user cannot modify makes the update fail; the runner then loops on updates or falls behind, and versions more than 30 days behind a release are refused by the service.',
      confirm: [
        'Check the runner version in the repository/organization settings (Actions → Runners) against the latest release at https://github.com/actions/runner/releases.',
        'Look in `<runner>/_diag` for `SelfUpdate-*.log.failed` files and read their last lines (e.g. `Can\'t move ...`).',
        'From the runner machine, download the package by hand: `curl -sSIL https://github.com/actions/runner/releases/download/v<version>/actions-runner-linux-x64-<version>.tar.gz`.',
        'Check that the runner user owns the runner directory: `ls -ld <runner> <runner>/bin <runner>/externals`.',
      ],
      catalog: ['F40'],
    },
    remedy: {
      temporary: [
        'Update the runner by hand: stop the service (`sudo ./svc.sh stop`), download and extract the latest release over the runner directory (`tar xzf actions-runner-<os>-<arch>-<version>.tar.gz`), then start it again (`sudo ./svc.sh start`).',
        'If the update script failed, fix ownership of the runner directory (`sudo chown -R <runner-user> <runner>`) and free disk space, then restart the runner.',
      ],
      permanent: [
        'Allow downloads from github.com release assets and objects.githubusercontent.com (or your GHES host) through proxies and firewalls; raise `GITHUB_ACTIONS_RUNNER_DOWNLOAD_TIMEOUT` (seconds) on very slow links.',
        'If you cannot let runners update themselves, configure them with `./config.sh --disableupdate` and update the runner package yourself (e.g. in your image build): runners with auto-update disabled must still be updated within 30 days of a new release, or the service stops sending them jobs.',
      ],
      prevention: [
        'Bake a current runner version into images and rebuild them at least monthly (the 30-day update policy).',
        'Keep the runner directory owned by the runner user and on a volume with free space.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/autoscaling-with-self-hosted-runners#controlling-runner-software-updates-on-self-hosted-runners',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#runner-software-updates-on-self-hosted-runners',
        'https://github.com/actions/runner/releases',
      ],
    },
  },
  create(context) {
    const downloads = new Occurrences(context, 3, 1);
    const failures = new Occurrences(context, 3, 1);
    const scripts = new Occurrences(context, 2, 1, 4);
    const stale = new Occurrences(context, 2, 1);
    const cycles = new Occurrences(context, 3, 2);
    const stops = new Occurrences(context, 1, 1);
    const networkClasses = new Set<FailureClass>();
    let timeoutSeconds: number | null = null;
    let failureDetail: string | null = null;
    let scriptFile: string | null = null;
    const scriptDetails: string[] = [];
    /** Script lines that state a failure, by file, until the file's result is known. */
    const scriptLines = new Map<string, EventOfKind<'update.script'>[]>();
    let scriptDenied = false;
    const scriptDeniedByFile = new Set<string>();
    let currentVersion: string | null = null;
    let targetVersion: string | null = null;
    let pending: { from: string | null; target: string | null } | null = null;
    let staleVersion: string | null = null;
    let staleTarget: string | null = null;
    const cycleTimes: number[] = [];
    let exitedAfterFailure = false;
    let lastFailureMs: number | null = null;
    /** An update under way in this process (downloading or applying), not yet handed to the script. */
    let updating = false;

    /** A process start (or its first version statement): after an update exit, the version must have changed. */
    const started = (e: RunlogEvent, version: string): void => {
      const p = pending;
      if (p !== null && p.from !== null && version === p.from) {
        stale.add(e);
        staleVersion = version;
        staleTarget = p.target;
      }
      pending = null;
      currentVersion = version;
      targetVersion = null;
    };

    const failure = (e: RunlogEvent, detail: string): void => {
      failures.add(e);
      failureDetail ??= clip(detail);
      lastFailureMs = timeMs(e);
    };

    const cycle = (e: RunlogEvent): void => {
      const ms = timeMs(e);
      const last = cycleTimes[cycleTimes.length - 1];
      if (ms !== null && last !== undefined && ms - last <= CYCLE_MERGE_MS) {
        cycles.context(e);
        return;
      }
      if (ms !== null) cycleTimes.push(ms);
      cycles.add(e);
      pending = { from: currentVersion, target: targetVersion };
    };

    const text = (e: RunlogEvent): void => {
      const t = e.kind === 'exception' ? exceptionTexts(e).join(' | ') : e.text;
      // The process dies of an error while it updates itself (older runners let the updater's
      // exception escape into the message loop: `An error occurred: ...`, exit 2).
      if (updating && e.kind === 'terminal.error' && /^An error occur+ed: /i.test(e.message)) {
        updating = false;
        failure(e, e.message.replace(/^An error occur+ed: /i, ''));
        exitedAfterFailure = true; // Program's last catch: the process exits (code 1 or 2)
        return;
      }
      if (SERVICE_STOPPED.test(t)) {
        stops.add(e);
        return;
      }
      if (e.kind === 'exception') {
        if (!UPDATER_COMPONENTS.has(e.component) || (e.level !== 'ERR' && e.level !== 'CRIT')) return;
        const cls = classifyText(t);
        if (cls !== null) networkClasses.add(cls);
        if (UPDATE_TEXTS.some((re) => re.test(t))) failure(e, e.message);
        else failures.context(e);
        return;
      }
      if (UPDATE_TEXTS.some((re) => re.test(t))) {
        failure(e, t.replace(/^An error occur+ed: /i, '').replace(/^(?:Runner|Agent) update failed: /i, ''));
        return;
      }
      // tar's stderr and other errors the updater traces while it fails.
      if (e.kind === 'unrecognized' && UPDATER_COMPONENTS.has(e.component) && (e.level === 'ERR' || e.level === 'CRIT')) failures.context(e);
    };

    return {
      'update.download_failed'(e) {
        downloads.add(e);
        if (e.timeoutSeconds !== null) timeoutSeconds = e.timeoutSeconds;
        const cls = classifyText(e.text);
        if (cls !== null) networkClasses.add(cls);
      },
      'update.failed'(e) {
        failure(e, e.message.replace(/^(?:Runner|Agent) update failed: /i, ''));
      },
      'update.available'(e) {
        if (e.version !== null) targetVersion = e.version;
      },
      'update.ready'(e) {
        updating = false;
        cycle(e);
      },
      'update.applying'() {
        updating = true;
      },
      'update.download'() {
        updating = true;
      },
      'runner.exited'(e) {
        if (e.code === 3 || e.code === 4) {
          cycle(e);
          return;
        }
        const ms = timeMs(e);
        if (e.code !== 0 && lastFailureMs !== null && ms !== null && ms - lastFailureMs <= 10 * 60 * 1000) {
          exitedAfterFailure = true;
          failures.context(e);
        }
      },
      'runner.started'(e) {
        updating = false;
        started(e, e.version);
      },
      'runner.version'(e) {
        // `Current runner version: '<v>'` follows `Version:` in the same process; journald has only this one.
        if (pending !== null || currentVersion === null) started(e, e.version);
      },
      'update.script'(e) {
        // Raw command output (`mv: cannot move ...: Permission denied`) comes with the entry above it.
        const output = (e as { output?: readonly string[] }).output ?? [];
        if (output.some((o) => /denied/i.test(o)) && SCRIPT_FAILURE.test(output.join('\n'))) scriptDeniedByFile.add(e.source.file);
        if (!SCRIPT_FAILURE.test(e.text) && !output.some((o) => SCRIPT_FAILURE.test(o))) return;
        const list = scriptLines.get(e.source.file) ?? [];
        list.push(e);
        scriptLines.set(e.source.file, list);
      },
      'update.script_result'(e) {
        const lines = scriptLines.get(e.source.file) ?? [];
        scriptLines.delete(e.source.file);
        if (e.result !== 'failed') return;
        if (scriptDeniedByFile.has(e.source.file)) scriptDenied = true;
        scripts.add(e);
        scriptFile ??= e.source.file.split(/[\\/]/).pop() ?? e.source.file;
        for (const l of lines) {
          if (l.source.line === e.source.line) continue;
          scripts.context(l);
        }
        for (const l of lines) {
          if (/denied/i.test(l.message)) scriptDenied = true;
          const m = /^Can't .*/i.exec(l.message);
          if (m !== null && scriptDetails.length < 3) scriptDetails.push(clip(m[0], 160));
        }
      },
      exception: text,
      'terminal.error': text,
      'terminal.line': text,
      unrecognized: text,
      end() {
        const loop = hasLoop(cycleTimes);
        const stopped = !stops.empty;
        const parts = [scripts.summary(), stale.summary(), loop ? cycles.summary() : null, failures.summary(), downloads.summary(), stops.summary()];
        const summary = mergeSummaries(...parts);
        if (summary === null || (scripts.empty && stale.empty && !loop && failures.empty && downloads.empty && !stopped)) return;
        const exited = !scripts.empty || !stale.empty || loop || stopped || exitedAfterFailure;
        const severity = exited ? 'error' : 'warning';
        const base = {
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity,
        } as const;
        const network = [...networkClasses].map((c) => NETWORK_WORDS[c]).filter((w): w is string => w !== undefined);
        if (!scripts.empty) {
          const detail = scriptDetails.length > 0 ? scriptDetails.join('; ') : 'the script log ends in failure';
          const permission = scriptDenied;
          context.report({
            ...base,
            messageId: 'script',
            data: { file: scriptFile ?? 'SelfUpdate log', detail: permission ? `${detail} (permission denied: the runner user cannot modify the runner directory)` : detail },
            count: scripts.count,
            confidence: { level: 'high', reason: 'the update script renamed its log to .failed, which it does only when the folder swap fails' },
            conclusive: true,
          });
          return;
        }
        if (loop) {
          context.report({
            ...base,
            messageId: 'loop',
            data: {
              cycles: maxCyclesInDay(cycleTimes),
              first: cycles.firstSeen ?? 'unknown',
              last: cycles.lastSeen ?? 'unknown',
              why: staleVersion !== null ? `, each time coming back with the old version ${staleVersion}` : !failures.empty ? `; the update failed: ${failureDetail ?? 'see the evidence'}` : '',
            },
            count: maxCyclesInDay(cycleTimes),
            confidence: { level: 'high', reason: 'more than two update exits (code 3) within 24 hours' },
            conclusive: true,
          });
          return;
        }
        if (!stale.empty) {
          context.report({
            ...base,
            messageId: 'oldVersion',
            data: { version: staleVersion ?? 'unknown', target: staleTarget !== null ? ` instead of ${staleTarget}` : '' },
            count: stale.count,
            confidence: { level: 'high', reason: 'the Runner log written after the update exit shows the same version as before it' },
            conclusive: true,
          });
          return;
        }
        if (!failures.empty || stopped) {
          const impact = stopped
            ? '; the Windows service stopped the runner'
            : exitedAfterFailure
              ? '; the error escaped and the runner exited (older runners exit with code 2 and are restarted, then try again)'
              : '; the runner kept running on its current version';
          const detail = (failureDetail ?? 'the runner listener update failed') + (network.length > 0 ? ` (${network.join('; ')})` : '');
          const confidence: Confidence = { level: 'high', reason: 'the runner logged its own update failure' };
          context.report({
            ...base,
            messageId: 'failed',
            data: { detail, count: Math.max(1, failures.count), first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown', impact },
            count: Math.max(1, failures.count),
            confidence,
            conclusive: !failures.empty,
          });
          return;
        }
        const detail =
          timeoutSeconds !== null
            ? `each attempt may take up to ${timeoutSeconds} seconds and the download did not finish in time (slow or blocked access to the release download)`
            : network.length > 0
              ? network.join('; ')
              : 'the package could not be fetched';
        context.report({
          ...base,
          messageId: 'download',
          data: { detail, count: downloads.count, first: downloads.firstSeen ?? 'unknown', last: downloads.lastSeen ?? 'unknown' },
          count: downloads.count,
          confidence: { level: 'high', reason: 'the runner logged that the update download failed' },
        });
      },
    };
  },
});

function maxCyclesInDay(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! > DAY_MS) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function hasLoop(times: readonly number[]): boolean {
  return maxCyclesInDay(times) > 2;
}
