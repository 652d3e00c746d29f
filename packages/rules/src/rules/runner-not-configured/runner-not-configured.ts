/**
 * F41, F47, F48: the runner has no usable configuration.
 *
 *  - F41: `Runner is not configured.`, `Not configured. Run config.(sh/cmd) to configure the
 *    runner.`, `Credentials not stored. Must reconfigure.`, `RSA key file <path> was not found`;
 *    an ephemeral runner restarted by its host after it removed its own configuration;
 *  - F47: an invalid JIT config (`FormatException` / JSON error right after the jitconfig
 *    handling, before any session);
 *  - F48: `config.sh` failures (`Http response code: NotFound from 'POST .../actions/runner-
 *    registration'`, `A runner exists with the same name`, `Cannot configure the runner because
 *    it is already configured`, `GitHub Actions is not properly configured in GHES`, `Failed to
 *    add the runner`).
 *
 * `Failed to get tenant credentials -- Attempt: <n>` with a network exception is a connectivity
 * problem (other rules); here it is only context for a registration failure.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, mergeSummaries } from '../../evidence.js';
import { timeMs } from '../../temporal.js';
import { createRule, type Confidence } from '../../types.js';
import { exceptionTexts } from '../../classify.js';

type Category = 'notConfigured' | 'credentials' | 'jit' | 'registration';

const NOT_CONFIGURED = [/(?:Runner|Agent) is not configured/i, /Not configured\. Run config\.\(sh\/cmd\) to configure the (?:runner|agent)/i];
// The path stops at the next `RSA key file `: `(.+?)` rescanned the rest of the line from every
// occurrence (recheck: polynomial).
const CREDENTIALS = [/Credentials not stored\.\s+Must reconfigure/i, /RSA key file ((?:(?!RSA key file ).)+?) was not found/i];
const REGISTRATION: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /Http response code: (\w+) from 'POST (\S+?)'/i,
    (m) => {
      const status = m[1]!;
      const what =
        /^NotFound$/i.test(status)
          ? 'the registration token is expired or invalid (they are valid for one hour), or the --url does not point to an existing repository, organization or enterprise'
          : /^(?:Unauthorized|Forbidden)$/i.test(status)
            ? 'the token was rejected (expired, revoked, or without the right to add runners)'
            : 'the registration request failed';
      return `the service answered ${status} to 'POST ${m[2]}': ${what}`;
    },
  ],
  [/A (?:runner|agent) exists with the same name ?([^.\s]*)/i, (m) => `a runner named '${m[1] || '(this name)'}' is already registered: use --replace or another --name`],
  [/Cannot configure the (?:runner|agent) because it is already configured/i, () => 'this directory is already configured: run `./config.sh remove` first (or use a separate directory per runner)'],
  [/GitHub Actions is not properly configured in GHES/i, () => 'GitHub Actions is not properly configured on the GitHub Enterprise Server (ask the GHES administrator)'],
  [/The GitHub server does not support configuring a self-hosted runner with '(\w+)' flag/i, (m) => `the server does not support the '${m[1]}' option (update GHES or drop the flag)`],
  [/Disabling default labels via --no-default-labels without specifying --labels is not supported/i, () => '--no-default-labels needs --labels'],
  [/Failed to (?:add|replace) the (?:runner|agent)\.?\s+Try again or ctrl-c to quit/i, () => 'adding the runner to the service failed'],
];
const CONFIG_CONTEXT = [/Failed to get (?:tenant credentials|JIT runner token) -- At+empt/i, /Failed to connect\.\s+Try again or ctrl-c to quit/i];
const JIT_TYPES = /(?:^|\.)(?:FormatException|Json\w*Exception)$/;
const LISTENER_COMPONENTS = new Set(['Runner', 'Agent']);

function textOf(e: RunlogEvent): string {
  if (e.kind === 'exception') return exceptionTexts(e).join(' | ');
  if (e.kind === 'terminal.error' || e.kind === 'terminal.line' || e.kind === 'session.failed') return e.message;
  return e.text;
}

/** Events in which the runner states its own configuration errors. */
function isStatement(e: RunlogEvent): boolean {
  switch (e.kind) {
    case 'terminal.error':
    case 'terminal.line':
    case 'session.failed':
    case 'exception':
      return e.process !== 'worker';
    case 'unrecognized':
      return (e.level === 'ERR' || e.level === 'CRIT') && e.process !== 'worker';
    default:
      return false;
  }
}

export default createRule({
  meta: {
    id: 'runner-not-configured',
    cause: 'runner_not_configured',
    title: 'The runner is not configured (missing, invalid or failed configuration)',
    type: 'root-cause',
    severity: 'error',
    messages: {
      notConfigured:
        'The runner is not configured ({{detail}}): it stops with exit code 1 at every start, {{count}} time(s) from {{first}} to {{last}}. Its .runner and .credentials files are missing: deleted, never created, or the runner was started from another directory.',
      ephemeralRestart:
        'An ephemeral runner finished its job, removed its own configuration and exited with code 0, then its host started it again: "Runner is not configured." ({{count}} time(s), {{first}} to {{last}}). The host restarts an ephemeral runner instead of replacing it with a newly registered one.',
      credentials:
        "The runner's credentials are missing or unreadable ({{detail}}), {{count}} time(s): .credentials or .credentials_rsaparams was deleted, not copied with the runner, or belongs to another user; the runner must be configured again.",
      jit: 'The JIT configuration passed with --jitconfig could not be read ({{detail}}): the runner stops with exit code 1. The JIT config is malformed, truncated or not the base64 string the service returned.',
      registration: 'Configuring the runner failed: {{detail}} ({{count}} error(s), {{first}} to {{last}}).',
    },
    docs: {
      description:
        'The runner reads its registration from `.runner`, `.credentials` and `.credentials_rsaparams` (or from a JIT config passed with `--jitconfig`). When they are missing or invalid it stops at once with exit code 1 ("Runner is not configured."). Typical causes: the files were deleted or not copied, an ephemeral runner removed its configuration after its job and its host restarted it, a malformed JIT config, or `config.sh` failed (expired registration token, duplicate name, already configured).',
      confirm: [
        'In the runner directory: `ls -la .runner .credentials .credentials_rsaparams` (owned by the runner user?).',
        'Check how the runner is started: for ephemeral runners, the host must register a new runner for every job instead of restarting the old process.',
        'For config.sh failures, re-run `./config.sh --url <url> --token <token>` with a fresh registration token (Settings → Actions → Runners → New runner) and read its output.',
        'In the Runner log: `Runner is not configured.`, `Not configured. Run config.(sh/cmd)`, `Credentials not stored`, `RSA key file ... was not found`, or `Http response code: NotFound from \'POST .../actions/runner-registration\'`.',
      ],
      catalog: ['F41', 'F47', 'F48'],
    },
    remedy: {
      temporary: [
        'Configure the runner again with a new registration token: `./config.sh --url https://github.com/<owner>[/<repo>] --token <token>` (add `--replace` to take over an existing runner name), then start it (`sudo ./svc.sh start`).',
        'If only the credential files are missing, remove the local configuration (`./config.sh remove --local`) before configuring again.',
      ],
      permanent: [
        'For ephemeral or autoscaled runners, have the host register a fresh runner (new registration token or JIT config) for every job and stop restarting a runner that exited with code 0.',
        'Pass JIT configs exactly as the API returns them (`encoded_jit_config`), without quotes or line breaks.',
        'Keep configured runner directories intact: never copy `.runner`/`.credentials` between machines, and keep them owned by the runner user.',
      ],
      prevention: [
        'Generate registration tokens right before `config.sh` runs (they expire after one hour) and use unique runner names or `--replace`.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/adding-self-hosted-runners',
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/autoscaling-with-self-hosted-runners#using-ephemeral-runners-for-autoscaling',
        'https://docs.github.com/en/rest/actions/self-hosted-runners#create-configuration-for-a-just-in-time-runner-for-an-organization',
      ],
    },
  },
  create(context) {
    const occ: Record<Category, Occurrences> = {
      notConfigured: new Occurrences(context, 3, 1),
      credentials: new Occurrences(context, 2, 1),
      jit: new Occurrences(context, 2, 1),
      registration: new Occurrences(context, 3, 1),
    };
    const details: Record<Category, string | null> = { notConfigured: null, credentials: null, jit: null, registration: null };
    /** The first configuration failures (the retry loop repeats them): `end` shows two. */
    const configContext: RunlogEvent[] = [];
    const ephemeralExit = new Occurrences(context, 1, 0, 1);
    const stated: Record<Category, boolean> = { notConfigured: false, credentials: false, jit: false, registration: false };
    let sessionInRun = false;
    let ephemeral = false;
    /** An ephemeral runner's exit 0 after it finished its job. */
    let ephemeralDone: RunlogEvent | null = null;
    let restartedAfterEphemeral = 0;
    let lastTriggerMs: number | null = null;

    const hit = (cat: Category, e: RunlogEvent, detail: string): void => {
      occ[cat].add(e);
      details[cat] ??= detail;
      if (e.kind === 'terminal.error' || e.kind === 'terminal.line' || e.kind === 'session.failed') stated[cat] = true;
      lastTriggerMs = timeMs(e);
    };

    const observe = (e: RunlogEvent): void => {
      if (!isStatement(e)) return;
      const text = textOf(e);
      for (const re of NOT_CONFIGURED) {
        const m = re.exec(text);
        if (m === null) continue;
        hit('notConfigured', e, m[0].replace(/\.$/, ''));
        if (ephemeralDone !== null && e.kind !== 'exception') {
          restartedAfterEphemeral++;
          ephemeralExit.context(ephemeralDone);
        }
        return;
      }
      for (const re of CREDENTIALS) {
        const m = re.exec(text);
        if (m === null) continue;
        hit('credentials', e, m[1] !== undefined ? `RSA key file ${m[1]} was not found` : 'Credentials not stored');
        return;
      }
      for (const [re, describe] of REGISTRATION) {
        const m = re.exec(text);
        if (m === null) continue;
        hit('registration', e, describe(m));
        return;
      }
      if (CONFIG_CONTEXT.some((re) => re.test(text))) {
        if (configContext.length < 2) configContext.push(e);
        return;
      }
      if (
        e.kind === 'exception' &&
        !sessionInRun &&
        LISTENER_COMPONENTS.has(e.component) &&
        (e.level === 'ERR' || e.level === 'CRIT') &&
        JIT_TYPES.test(e.type)
      ) {
        hit('jit', e, `${e.type.split('.').pop()}: ${e.message}`.slice(0, 200));
        return;
      }
      // The runner echoes the JIT exception's message as WRITE ERROR right after it.
      if (e.kind === 'terminal.error' && !occ.jit.empty && details.jit !== null && details.jit.includes(e.message.slice(0, 40))) {
        occ.jit.context(e);
      }
    };

    return {
      'terminal.error': observe,
      'terminal.line': observe,
      'session.failed': observe,
      exception: observe,
      unrecognized: observe,
      'runner.started'() {
        sessionInRun = false;
      },
      'session.attempt'() {
        sessionInRun = true;
      },
      'session.created'() {
        sessionInRun = true;
      },
      'runner.settings'(e) {
        if (e.ephemeral === true) ephemeral = true;
      },
      'runner.shutdown'(e) {
        if (e.reason === 'ephemeral') ephemeral = true;
      },
      'runner.exited'(e) {
        const ms = timeMs(e);
        if (e.code === 0 && ephemeral) {
          ephemeralDone = e;
          ephemeral = false;
          return;
        }
        if (e.code === 1 && lastTriggerMs !== null && ms !== null && ms - lastTriggerMs <= 60_000) {
          for (const cat of ['notConfigured', 'credentials', 'jit', 'registration'] as const) {
            if (!occ[cat].empty) {
              occ[cat].context(e);
              break;
            }
          }
        }
      },
      end() {
        if (!occ.registration.empty) for (const c of configContext.slice(0, 2)) occ.registration.context(c);
        const range = (o: Occurrences): { first: string; last: string } => ({ first: o.firstSeen ?? 'unknown', last: o.lastSeen ?? 'unknown' });
        const high: Confidence = { level: 'high', reason: 'the runner stated the configuration error itself' };
        for (const cat of ['notConfigured', 'credentials', 'jit', 'registration'] as const) {
          const o = occ[cat];
          if (o.empty) continue;
          const ephemeralRestart = cat === 'notConfigured' && restartedAfterEphemeral > 0;
          const summary = mergeSummaries(o.summary(), ephemeralRestart ? ephemeralExit.summary() : null)!;
          const confidence: Confidence =
            cat === 'jit'
              ? { level: 'medium', reason: 'a parse error was logged by the Listener before it created any session, which is where the runner reads --jitconfig' }
              : ephemeralRestart
                ? { level: 'high', reason: 'the runner was started again after an ephemeral runner\'s exit with code 0, and said it is not configured' }
                : high;
          context.report({
            messageId: ephemeralRestart ? 'ephemeralRestart' : cat,
            data: { detail: details[cat] ?? 'see the evidence', count: o.count, ...range(o) },
            evidence: summary.evidence,
            evidenceOmitted: summary.evidenceOmitted,
            count: o.count,
            firstSeen: summary.firstSeen,
            lastSeen: summary.lastSeen,
            severity: 'error',
            confidence,
            conclusive: stated[cat],
          });
        }
      },
    };
  },
});
