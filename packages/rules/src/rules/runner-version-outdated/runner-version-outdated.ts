/**
 * F06: an update is due. Not a failure on its own, but the precursor of F05.
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences, evidenceOf } from '../../evidence.js';
import { createRule } from '../../types.js';
import { UPDATE_POLICY_DAYS, versionStanding } from '../../versions/index.js';

const BEHIND = /Current runner version (\S+) is (way )?behind the latest runner version (\S+?)\.?$/;

export default createRule({
  meta: {
    id: 'runner-version-outdated',
    cause: 'runner_version_outdated',
    title: 'The runner version is out of date',
    type: 'context',
    severity: 'info',
    messages: {
      behind: 'The runner reported that its version {{version}} is {{how}} the latest release {{latest}} ({{first}}). GitHub refuses versions that fall too far behind; update before that happens.',
      policy:
        'Runner version {{version}} had been superseded by {{next}} ({{nextDate}}) {{days}} days before these logs, past the {{policy}}-day update window: GitHub may refuse it at any time.',
    },
    docs: {
      description:
        'The runner is older than the latest release. With auto-update on, this clears by itself; with `--disableupdate` or a pinned container image it does not, and once the version falls outside the allowed window the service refuses it (see runner-version-deprecated).',
      confirm: [
        'Compare the runner version (`./config.sh --version`, or the `Version:` line at the top of Runner_*.log) with https://github.com/actions/runner/releases.',
        'In Worker logs: `Current runner version <v> is behind the latest runner version <v2>`.',
      ],
      catalog: ['F06'],
    },
    remedy: {
      temporary: ['Update the runner package or image to the latest release.'],
      permanent: ['Leave auto-update on, or rebuild images automatically when a runner release appears.'],
      prevention: ['Track runner releases (watch actions/runner releases on GitHub).'],
      docs: ['https://github.com/actions/runner/releases'],
    },
  },
  create(context) {
    const behind = new Occurrences(context, 1, 1);
    let detail: { version: string; how: string; latest: string } | null = null;
    let anchor: RunlogEvent | null = null;
    const check = (e: RunlogEvent): void => {
      const m = BEHIND.exec(e.text);
      if (m === null) return;
      behind.add(e);
      detail ??= { version: m[1]!, how: m[2] !== undefined ? 'way behind' : 'behind', latest: m[3]! };
    };
    return {
      unrecognized: check,
      'runner.started'(e) {
        anchor ??= e;
      },
      'runner.version'(e) {
        anchor ??= e;
      },
      'worker.started'(e) {
        anchor ??= e;
      },
      end() {
        const s = behind.summary();
        if (s !== null && detail !== null) {
          const d = detail as { version: string; how: string; latest: string };
          context.report({
            messageId: 'behind',
            data: { ...d, first: s.firstSeen ?? 'unknown' },
            ...s,
            confidence: { level: 'high', reason: 'the runner compared its version with the latest release itself' },
          });
          return;
        }
        const version = context.facts.version;
        const a = anchor as RunlogEvent | null;
        if (version === null || a === null) return;
        const standing = versionStanding(version, context.facts.lastTime);
        if (standing.standing !== 'outdated' || standing.supersededBy === null) return;
        context.report({
          messageId: 'policy',
          data: { version, next: standing.supersededBy.version, nextDate: standing.supersededBy.date, days: standing.daysSuperseded ?? 0, policy: UPDATE_POLICY_DAYS },
          evidence: [evidenceOf(a)],
          confidence: { level: 'medium', reason: 'from the bundled release table and the time of the logs' },
        });
      },
    };
  },
});
