/**
 * F01: another listener already holds this registration's session.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, evidenceOf, mergeSummaries } from '../../evidence.js';
import { Deadlines, Episodes, RetryLoop, episodeSummary, formatDuration } from '../../temporal.js';
import { createRule, type Confidence, type Evidence, type FileSpan } from '../../types.js';

const CONFLICT_EXCEPTION = 'TaskAgentSessionConflictException';
/** The runner's own give-up point for conflicts (240 s of retries). */
const NO_SESSION_MS = 4 * 60_000;

function isSessionsUrl(url: string | null): boolean {
  return url !== null && /\/sessions(?:[/?]|$)/i.test(url);
}

export default createRule({
  meta: {
    id: 'session-conflict',
    cause: 'session_conflict',
    title: 'Session conflict: another listener holds this runner\'s session',
    type: 'root-cause',
    severity: 'error',
    messages: {
      conflict:
        'The service refused to open a session for this runner because another listener already holds it: {{count}} conflict(s) from {{first}} to {{last}}; {{outcome}}.',
      duplicate:
        'Two Runner processes wrote to this _diag folder at the same time ({{fileA}} and {{fileB}}): two copies of the same runner registration are running, and they take the session from each other.',
    },
    docs: {
      description:
        'A runner registration can have one listener session at a time. When a second process with the same registration (a copied runner directory, a duplicate service, a zombie listener, a pod recreated with the same JIT config) or a stale session left by a crash holds it, the listener retries for about 4 minutes and then stops, so the runner shows offline or idle while jobs wait.',
      confirm: [
        'On the runner machine, look for more than one Runner.Listener process: `ps aux | grep Runner.Listener` (Windows: Task Manager).',
        'Check for a second service or a copied runner directory with the same `.runner` file (same agentId).',
        'In the log: `TaskAgentSessionConflictException`, `A session for this runner already exists.`, and an exit with code 5 (v2.316.0+).',
      ],
      catalog: ['F01'],
    },
    remedy: {
      temporary: [
        'Stop every other listener that uses this registration, then restart the runner: `sudo ./svc.sh stop && sudo ./svc.sh start` (or `sudo systemctl restart actions.runner.*.service`).',
        'If it was a crash, wait a few minutes for the stale session to expire, then start the runner again.',
      ],
      permanent: [
        'Run exactly one instance per registration: never copy a configured runner directory; configure each copy as its own runner (`./config.sh --url ... --token ...`).',
        'If conflicts persist with a single instance: `./config.sh remove --token <token>`, then configure the runner again with a new registration token.',
      ],
      prevention: [
        'For autoscalers, give each pod a fresh JIT config or registration and never restart a pod with the same one.',
        'Run more than one runner per label so one stuck registration does not stop your jobs.',
      ],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    const conflicts = new Occurrences(context);
    const statements = new Occurrences(context, 2, 1);
    /** `A session for this runner already exists.` lines: one per conflict, unlike the closing statements. */
    let statedConflicts = 0;
    const episodes = new Episodes();
    // The runner's own retry loop: 30 s sleeps between conflicts, then exit code 5 (v2.316+).
    const loop = new RetryLoop();
    // Spec §4.F rule 1: conflicts and no `Session created.` within 4 minutes of the first one.
    const recovery = new Deadlines<RunlogEvent>();
    let lastMs: number | null = null;
    let gaveUp = false;
    let stopExit: RunlogEvent | null = null;

    const conflict = (e: RunlogEvent): void => {
      conflicts.add(e);
      if (!episodes.active && e.time !== null) recovery.expect('session', e, Date.parse(e.time), NO_SESSION_MS);
      episodes.fail(e);
      loop.fail();
    };

    return {
      exception(e) {
        if (e.type.endsWith(CONFLICT_EXCEPTION) || e.inner.some((i) => i.type.endsWith(CONFLICT_EXCEPTION))) conflict(e);
      },
      'session.conflict'(e) {
        if (e.final) gaveUp = true;
        // The runner's own words: "A session for this runner already exists." / "Stop retry ..."
        if (e.component === 'Terminal' || e.component === 'Console') {
          statements.add(e);
          if (!e.final) statedConflicts++;
        }
        else context.explain(e);
        episodes.fail(e);
      },
      'session.create_error'(e) {
        // Explained once we know the exception that follows is a conflict; harmless otherwise.
        if (episodes.active) context.explain(e);
      },
      'http.failure'(e) {
        if (e.status === 409 && e.method === 'POST' && isSessionsUrl(e.url)) {
          conflicts.context(e);
        }
      },
      'session.failed'(e) {
        if (episodes.active) statements.add(e);
      },
      'session.created'(e) {
        episodes.ok(e);
        recovery.fulfil('session');
        loop.reset();
      },
      'retry.sleep'(e) {
        if (episodes.active) loop.sleep(e.seconds);
      },
      'runner.exited'(e) {
        if (episodes.active) loop.exit(e.code);
        // 5 is SessionConflict (v2.316+); before that a session creation that gave up exited 1
        // (TerminatedError), so a 1 in the middle of a conflict streak is the same conclusion.
        if (e.code === 5 || (e.code === 1 && episodes.active)) stopExit = e;
      },
      '*'(e) {
        // Deadlines are only pending during a conflict episode: skip the rest cheaply.
        if (!episodes.active || e.time === null) return;
        lastMs = Date.parse(e.time);
        recovery.tick(lastMs);
      },
      end() {
        const summary = mergeSummaries(conflicts.summary(), statements.summary());
        if (summary === null) return;
        const eps = episodes.finish();
        const { ongoing, totalSeconds } = episodeSummary(eps);
        const { missed } = recovery.finish(context.facts.lastTime === null ? lastMs : Date.parse(context.facts.lastTime));
        const evidence: Evidence[] = [...summary.evidence];
        if (stopExit !== null) evidence.push(evidenceOf(stopExit, 'trigger'));
        const count = Math.max(conflicts.count, statedConflicts, 1);
        const retried = loop.sleeps > 0 ? `after ${loop.sleeps} retries over ${formatDuration(loop.sleptSeconds)}` : 'after retrying';
        const outcome = stopExit !== null || gaveUp
          ? `the runner gave up ${retried} and stopped${loop.exitCode !== null ? ` with exit code ${loop.exitCode}` : ''} (it does not retry after that)`
          : ongoing
            ? `still failing where the log ends (${formatDuration(totalSeconds)} so far)`
            : `a session was created again after ${formatDuration(totalSeconds)}`;
        const confidence: Confidence =
          stopExit !== null || gaveUp
            ? { level: 'high', reason: 'the runner retried until its conflict limit and stopped' }
            : count >= 2 && missed.length > 0
              ? { level: 'high', reason: `${count} consecutive session conflicts and no session for 4 minutes after the first` }
              : count >= 2
              ? { level: 'high', reason: `${count} consecutive session conflicts` }
              : { level: 'medium', reason: 'a single session conflict; a stale session after a crash clears within minutes' };
        context.report({
          messageId: 'conflict',
          data: { count, first: summary.firstSeen ?? 'unknown', last: summary.lastSeen ?? 'unknown', outcome },
          evidence: evidence as [Evidence, ...Evidence[]],
          evidenceOmitted: summary.evidenceOmitted,
          count,
          firstSeen: summary.firstSeen,
          lastSeen: summary.lastSeen,
          episodes: eps,
          severity: ongoing || stopExit !== null || gaveUp ? 'error' : 'warning',
          confidence,
          conclusive: statements.count > 0 || stopExit !== null,
        });
        const overlap = overlapping(context.files);
        if (overlap !== null) {
          context.report({
            messageId: 'duplicate',
            data: { fileA: overlap[0], fileB: overlap[1] },
            evidence: summary.evidence,
            confidence: { level: 'high', reason: 'two Runner logs cover the same time span in one _diag folder' },
          });
        }
      },
    };
  },
});

/** Two Listener files that start a process and whose activity overlaps by over a minute: two processes at once. */
function overlapping(files: ReadonlyMap<string, FileSpan>): [string, string] | null {
  const list = [...files]
    .filter(([, f]) => (f.fileKind === 'runner' || f.fileKind === 'agent') && f.first !== null && f.last !== null)
    .sort((a, b) => (a[1].first! < b[1].first! ? -1 : 1));
  for (let i = 1; i < list.length; i++) {
    const [nameA, a] = list[i - 1]!;
    const [nameB, b] = list[i]!;
    if (b.role === 'start' && Date.parse(b.first!) < Date.parse(a.last!) - 60_000) return [nameA, nameB];
  }
  return null;
}
