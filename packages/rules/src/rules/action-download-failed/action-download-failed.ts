/**
 * F34: an action could not be resolved or downloaded, so the job failed in "Set up job"
 * before any of its steps ran.
 *
 * Worker-side signatures (ActionManager, JobExtension, JobRunner): `Fail to download archive
 * '<url>' -- Attempt: <n>` (retried), `Failed to download archive '<url>' after <n> attempts.`,
 * `An action could not be found at the URI`, `Access denied to '<url>'`, `Action '<url>'
 * download has timed out`, `Failed to resolve action download info.`, `Can't un-zip archive
 * file`, `Can't find 'action.yml', 'action.yaml' or 'Dockerfile'`, and the wrappers
 * `Caught exception from PrepareActionsAsync Initialization` / `JobExtension Initialization`.
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyText, exceptionTexts, type FailureClass } from '../../classify.js';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Confidence } from '../../types.js';

export type ActionFailureKind =
  | 'retry'
  | 'download'
  | 'notFound'
  | 'denied'
  | 'unresolvable'
  | 'resolve'
  | 'timeout'
  | 'archive'
  | 'manifest'
  | 'depth'
  | 'prepare';

export interface ActionFailure {
  kind: ActionFailureKind;
  /** The action as `owner/repo@ref`, a path or URL, when the text names it. */
  action: string | null;
}

/** Most specific first: the reason the message gives is the first kind found. */
const SIGNATURES: [ActionFailureKind, RegExp][] = [
  ['notFound', /An action could not be found at the URI '([^']+)'/i],
  ['notFound', /The action at '([^']+)' does not exist/i],
  ['notFound', /\bActionNotFoundException\b/],
  ['denied', /Access denied to '(https?:\/\/[^']+)'/i],
  ['unresolvable', /Unable to resolve action [`'"]?([^`'"\s,]+)/i],
  ['unresolvable', /\bUnresolvableActionDownloadInfoException\b/],
  ['manifest', /Can't find 'action\.yml', 'action\.yaml' or 'Dockerfile' (?:under '([^']+)'|for action '([^']+)')/i],
  ['archive', /Can't un-zip archive file: ?(\S+)?/i],
  // The self-updater says "Can't use 'tar -xzf' *to* extract archive file"; the action manager does not.
  ['archive', /Can't use 'tar -xzf' extract archive file/i],
  ['archive', /\bInvalidActionArchiveException\b/],
  ['timeout', /Action '([^']+)' download has timed out/i],
  ['timeout', /Action download final retry timeout/i],
  ['resolve', /Failed to resolve action download info/i],
  ['resolve', /\bFailedToResolveActionDownloadInfoException\b/],
  ['depth', /Composite action depth exceeded max depth/i],
  ['download', /Failed to download archive '([^']+)' after (\d+) attempts/i],
  ['download', /\bFailedToDownloadActionException\b/],
  ['retry', /Fail to download archive '([^']+)' -- At+empt: ?(\d+)/i],
  ['prepare', /Caught exception from PrepareActionsAsync Initialization/i],
];

/** `https://api.github.com/repos/actions/checkout/tarball/<sha>` → `actions/checkout@<sha7>`. */
export function actionFromUrl(url: string): string {
  const m =
    /\/repos\/([^/\s]+)\/([^/\s]+)\/(?:tarball|zipball|legacy\.tar\.gz|legacy\.zip)(?:\/([^?#\s']*))?/i.exec(url) ??
    // Only where a host starts (after `/`, white space or nothing): from every `codeload.` inside
    // one long host-like run it rescanned the run (recheck: polynomial).
    /(?<![^/\s])codeload\.[^/\s]+\/([^/\s]+)\/([^/\s]+)\/(?:tar\.gz|zip|legacy\.tar\.gz|legacy\.zip)\/([^?#\s']+)/i.exec(url);
  if (m === null) return url;
  const ref = m[3] ?? '';
  const shortRef = /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref;
  return shortRef.length > 0 ? `${m[1]}/${m[2]}@${shortRef}` : `${m[1]}/${m[2]}`;
}

/** The action-resolution or download failure a text states, or null. */
export function actionFailureOf(text: string): ActionFailure | null {
  for (const [kind, re] of SIGNATURES) {
    const m = re.exec(text);
    if (m === null) continue;
    let action = m[1] ?? m[2] ?? null;
    if (action !== null && /^https?:\/\//i.test(action)) action = actionFromUrl(action);
    if (kind === 'archive') {
      const checkedOut = /action being checked out: ([^\s]+?@[^\s]+?)\.?(?:\s|$)/i.exec(text);
      action = checkedOut?.[1] ?? null;
    }
    return { kind, action };
  }
  return null;
}

/** Texts of an event in which the runner states an action failure. */
export function actionTextsOf(e: RunlogEvent): string[] {
  switch (e.kind) {
    case 'exception':
      return exceptionTexts(e);
    case 'step.error':
      return [e.message];
    case 'step.telemetry':
      return e.errorMessages;
    case 'unrecognized':
      // ActionManager states some failures at INFO (`Access denied to '<url>'`, `The action at ... does not exist`).
      return e.level === 'ERR' || e.level === 'WARN' || e.level === 'CRIT' || e.component === 'ActionManager' ? [e.text] : [];
    case 'terminal.error':
    case 'terminal.line':
      return e.process === 'worker' ? [e.text] : [];
    default:
      return [];
  }
}

const REASONS: Record<ActionFailureKind, string> = {
  notFound:
    'the action was not found (HTTP 404): a typo in `uses:`, a deleted tag or branch, or a private repository this job cannot read',
  denied:
    'access was denied (HTTP 403): the action is private, blocked by the organization\'s or enterprise\'s allowed-actions policy, or the token cannot read it',
  unresolvable: 'the service could not resolve the action reference (repository or ref not found, or blocked by policy)',
  manifest:
    'the action folder has no action.yml, action.yaml or Dockerfile: a local action (`uses: ./...`) used before actions/checkout, or a wrong path',
  archive:
    'the downloaded archive could not be extracted (a proxy answering with an HTML page, a truncated download, or a full disk)',
  timeout: 'the download timed out (20 minutes per attempt): access to api.github.com / codeload.github.com is slow or blocked',
  resolve: 'the service could not resolve the action download info after 3 attempts (a service or network problem)',
  depth: 'composite actions are nested more than 9 levels deep',
  download: 'the download failed after 3 attempts',
  retry: 'a download attempt failed',
  prepare: 'preparing the job\'s actions failed',
};

const NETWORK_WORDS: Partial<Record<FailureClass, string>> = {
  'tls-certificate': 'TLS certificate validation failed (a TLS-inspecting proxy or a missing CA)',
  'tls-handshake': 'the TLS handshake failed',
  clock: 'the machine clock is off',
  dns: 'DNS resolution failed',
  refused: 'the connection was refused or reset',
  'premature-close': 'the connection was closed early (typical of proxies)',
  timeout: 'the connection timed out',
  proxy: 'the proxy refused the connection',
  service: 'GitHub answered with a server error',
  throttled: 'GitHub rate-limited the download (HTTP 429)',
  unauthorized: 'the request was not authorized',
  forbidden: 'access was forbidden',
};

const PRIORITY: ActionFailureKind[] = ['notFound', 'denied', 'unresolvable', 'manifest', 'archive', 'timeout', 'resolve', 'depth', 'download', 'prepare', 'retry'];

const CONTEXT_LINES = [/Caught exception from JobExtension Initialization/i, /Job initialize failed/i, /Caught exception from InitializeJob/i];

export default createRule({
  meta: {
    id: 'action-download-failed',
    cause: 'action_download_failed',
    title: 'An action could not be resolved or downloaded',
    type: 'root-cause',
    severity: 'error',
    messages: {
      failed:
        'The job could not get the action(s) {{actions}}: {{reason}}. {{impact}} ({{jobs}} job(s), {{first}} to {{last}}).',
      retried:
        'Downloading the action(s) {{actions}} failed {{count}} time(s) ({{reason}}) between {{first}} and {{last}}; {{outcome}}.',
    },
    docs: {
      description:
        'Before the first step runs, the worker resolves every `uses:` reference with the service and downloads each action\'s archive from api.github.com / codeload.github.com (3 attempts, 20 minutes each). When resolution or download fails, the job fails in "Set up job". Causes: network or proxy access to GitHub from the runner, an action that does not exist or is private, an allowed-actions policy, or a corrupt download.',
      confirm: [
        'Open the failed job\'s "Set up job" step in the GitHub UI: it names the action and the HTTP status or error.',
        'From the runner machine, try the download: `curl -sSIL https://api.github.com/repos/<owner>/<repo>/tarball/<ref>` (and through your proxy if you use one).',
        'Check the action reference (`uses: owner/repo@ref`) and, for private actions, the repository\'s Actions access settings; check the organization\'s allowed-actions policy.',
        'In the Worker log: `Fail to download archive`, `Failed to download archive ... after 3 attempts`, `An action could not be found at the URI`, `Access denied to`, `Caught exception from PrepareActionsAsync Initialization`.',
      ],
      catalog: ['F34'],
    },
    remedy: {
      temporary: [
        'Re-run the failed job once network access is back (transient download failures usually clear).',
        'If the runner goes through a proxy, check that `https_proxy`/`no_proxy` in the runner\'s `.env` allow api.github.com, codeload.github.com and objects.githubusercontent.com, then restart the runner service.',
      ],
      permanent: [
        'Fix the reference when the action is not found (owner, repository, tag or SHA), or grant access to private actions (repository Settings → Actions → Access) and add them to the allowed-actions policy.',
        'Allow the runner to reach GitHub\'s action download hosts (api.github.com, codeload.github.com, *.githubusercontent.com) through firewalls and proxies; for GHES with GitHub.com actions, set up GitHub Connect or sync the actions.',
        'For local actions (`uses: ./path`), run actions/checkout before the step.',
      ],
      prevention: [
        'Pin actions to tags or SHAs that exist, and review the allowed-actions policy before adopting new actions.',
        'Pre-cache actions on runners in restricted networks (the runner\'s action archive cache, ACTIONS_RUNNER_ACTION_ARCHIVE_CACHE).',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#communication-between-self-hosted-runners-and-github',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners',
      ],
    },
  },
  create(context) {
    const finals = new Occurrences(context, 4, 2);
    const retries = new Occurrences(context, 2, 1);
    const kinds = new Set<ActionFailureKind>();
    const actions = new Set<string>();
    const filesWithFinal = new Set<string>();
    const filesWithTrigger = new Set<string>();
    const networkClasses = new Set<FailureClass>();
    /** Files whose last trigger was a retry, waiting for the exception that explains it. */
    const awaitingException = new Set<string>();
    const lastTrigger = new Map<string, { component: string; ms: number | null }>();
    let recovered = false;
    let retriesAfterRecovery = 0;

    const observe = (e: RunlogEvent): void => {
      const file = e.source.file;
      if (e.kind === 'unrecognized' && e.component === 'ActionManager' && e.text.startsWith('Finished getting action repository')) {
        if (retries.count > 0 && finals.empty) {
          recovered = true;
          retriesAfterRecovery = 0;
        }
        return;
      }
      const texts = actionTextsOf(e);
      if (texts.length === 0) return;
      const joined = texts.join('\n');
      const failure = actionFailureOf(joined);
      if (failure === null) {
        if (filesWithTrigger.has(file)) {
          const last = lastTrigger.get(file);
          const ms = timeMs(e);
          const sameDump = last !== undefined && last.component === e.component && ms !== null && last.ms !== null && ms - last.ms <= 5000;
          if (e.kind === 'exception' && (awaitingException.has(file) || sameDump)) {
            // The exception logged with the failure, and its `#####` re-dumps of inner exceptions.
            awaitingException.delete(file);
            const cls = classifyText(joined);
            if (cls !== null) networkClasses.add(cls);
            if (finals.empty) retries.context(e);
            else finals.context(e);
          } else if (CONTEXT_LINES.some((re) => re.test(joined))) {
            finals.context(e);
          }
        }
        return;
      }
      filesWithTrigger.add(file);
      lastTrigger.set(file, { component: e.component, ms: timeMs(e) });
      kinds.add(failure.kind);
      if (failure.action !== null) actions.add(failure.action);
      if (failure.kind === 'retry') {
        retries.add(e);
        retriesAfterRecovery++;
        awaitingException.add(file);
        return;
      }
      if (e.kind === 'exception') {
        const cls = classifyText(joined);
        if (cls !== null) networkClasses.add(cls);
      }
      awaitingException.add(file);
      filesWithFinal.add(file);
      finals.add(e);
    };

    return {
      exception: observe,
      'step.error': observe,
      'step.telemetry': observe,
      'terminal.error': observe,
      'terminal.line': observe,
      unrecognized: observe,
      end() {
        if (finals.empty && retries.empty) return;
        const kind = PRIORITY.find((k) => kinds.has(k) && (k !== 'retry' || finals.empty)) ?? 'retry';
        const network = [...networkClasses].map((c) => NETWORK_WORDS[c]).filter((w): w is string => w !== undefined);
        let reason = REASONS[kind];
        if ((kind === 'download' || kind === 'retry' || kind === 'prepare') && network.length > 0) reason += `: ${network.join('; ')}`;
        const actionList = actions.size > 0 ? [...actions].slice(0, 4).map((a) => `'${a}'`).join(', ') + (actions.size > 4 ? ` and ${actions.size - 4} more` : '') : '(not named in the log)';
        if (!finals.empty) {
          const summary = mergeSummaries(finals.summary(), retries.summary())!;
          const confidence: Confidence = kinds.has('prepare') || kinds.has('download') || kind !== 'retry'
            ? { level: 'high', reason: 'the worker logged the action failure that stopped the job\'s initialization' }
            : { level: 'medium', reason: 'an action failure was logged, but not the job\'s initialization failing' };
          context.report({
            messageId: 'failed',
            data: {
              actions: actionList,
              reason,
              impact: kind === 'manifest' ? 'The step that uses it failed' : 'The job failed in "Set up job" before its steps ran',
              jobs: Math.max(1, filesWithFinal.size), first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown',
            },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: Math.max(1, filesWithFinal.size),
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence,
          });
          return;
        }
        const summary = retries.summary()!;
        const ok = recovered && retriesAfterRecovery === 0;
        context.report({
          messageId: 'retried',
          data: {
            actions: actionList,
            count: retries.count,
            reason,
            first: summary.firstSeen ?? 'unknown',
            last: summary.lastSeen ?? 'unknown',
            outcome: ok ? 'a later attempt succeeded, so the job went on (slow or flaky access to GitHub)' : 'the log ends before the download succeeded or failed for good',
          },
          evidence: summary.evidence,
          evidenceOmitted: summary.evidenceOmitted,
          count: retries.count,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          severity: 'warning',
          confidence: ok
            ? { level: 'high', reason: 'the worker logged failed download attempts followed by a successful one' }
            : { level: 'medium', reason: 'failed download attempts with no final outcome in the log' },
        });
      },
    };
  },
});
