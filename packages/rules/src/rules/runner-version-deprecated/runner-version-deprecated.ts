/**
 * F05: the service refuses this runner version.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';
import { UPDATE_POLICY_DAYS, versionStanding } from '../../versions/index.js';

const VERSION_IN_TEXT = /Runner version v?(\d+\.\d+\.\d+)/i;

function isDeprecationText(text: string): boolean {
  return /is deprecated and cannot receive messages|RunnerVersionTooOld|runner version .{0,40}(?:deprecated|too old)/i.test(text);
}

export default createRule({
  meta: {
    id: 'runner-version-deprecated',
    cause: 'runner_version_deprecated',
    title: 'GitHub refuses this runner version as deprecated',
    type: 'root-cause',
    severity: 'error',
    messages: {
      old: 'The service refused runner version {{version}} as deprecated ({{first}}). That version had been superseded by {{next}} on {{nextDate}}, {{days}} days before, past the {{policy}}-day update window: the runner must be upgraded.',
      recent:
        'The service refused runner version {{version}} as deprecated ({{first}}), but that version was {{standing}} at the time. A recent version refused points to a service-side incident: check https://www.githubstatus.com/history for {{window}} before changing anything.',
      unknown: 'The service refused runner version {{version}} as deprecated ({{first}}). The runner must be upgraded to a current release.',
    },
    docs: {
      description:
        'GitHub only accepts runner versions released within a window (updates are required within 30 days of a new release; some minimums are announced separately). A runner configured with `--disableupdate`, built into a container image that is not rebuilt, or whose auto-update failed falls behind and is refused: it exits and shows offline. A recent version refused during a service incident has happened too.',
      confirm: [
        'Compare the refused version (in the message) with the latest release on https://github.com/actions/runner/releases.',
        'Check how the runner is updated: `--disableupdate` in its configuration, or a container image pinned to an old runner version (ARC).',
        'In the log: `Runner version v<x> is deprecated and cannot receive messages` (`An error occured:` up to v2.332), `AccessDeniedException`, `HTTP Status: Forbidden` on the message poll.',
      ],
      catalog: ['F05', 'F06'],
    },
    remedy: {
      temporary: ['Upgrade the runner to the latest release (download it from https://github.com/actions/runner/releases, or rebuild the container image with it) and start it again.'],
      permanent: [
        'Re-enable auto-update (configure without `--disableupdate`), or automate image rebuilds so the runner is never more than 30 days behind.',
      ],
      prevention: ['Watch for "Current runner version ... is behind the latest runner version" in Worker logs and update before the runner is refused.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/autoscaling-with-self-hosted-runners#controlling-runner-software-updates-on-self-hosted-runners'],
    },
  },
  create(context) {
    const hits = new Occurrences(context);
    let version: string | null = null;
    let stated = false;
    let lastForbidden: RunlogEvent | null = null;
    const check = (e: RunlogEvent): void => {
      const text = failureText(e) ?? e.text;
      if (!isDeprecationText(text)) return;
      if (hits.count === 0 && lastForbidden !== null) hits.context(lastForbidden);
      hits.add(e);
      version ??= VERSION_IN_TEXT.exec(text)?.[1] ?? null;
      if (e.kind === 'terminal.error' || e.kind === 'connection.lost') stated = true;
    };
    return {
      exception: check,
      'terminal.error': check,
      'connection.lost': check,
      'job.acquire_error': check,
      unrecognized: check,
      'http.failure'(e) {
        // The refused poll (403) is logged just before the refusal is stated, sometimes after.
        if (e.status !== 403) return;
        if (hits.count > 0) hits.context(e);
        else lastForbidden = e;
      },
      'error.classified'(e) {
        if (isDeprecationText(e.message)) context.explain(e);
      },
      end() {
        const s = hits.summary();
        if (s === null) return;
        const v = version ?? context.facts.version ?? 'unknown';
        const standing = v === 'unknown' ? null : versionStanding(v, s.firstSeen);
        const base = { version: v, first: s.firstSeen ?? 'unknown' };
        const confidence = { level: 'high' as const, reason: stated ? 'the runner states its version was refused' : 'the service answered that the version is deprecated' };
        if (standing !== null && standing.standing === 'outdated' && standing.supersededBy !== null) {
          context.report({
            messageId: 'old',
            data: { ...base, next: standing.supersededBy.version, nextDate: standing.supersededBy.date, days: standing.daysSuperseded ?? 0, policy: UPDATE_POLICY_DAYS },
            ...s,
            confidence,
            conclusive: stated,
          });
        } else if (standing !== null && (standing.standing === 'current' || standing.standing === 'grace')) {
          context.report({
            messageId: 'recent',
            data: {
              ...base,
              standing: standing.standing === 'current' ? 'the latest release' : `superseded only ${standing.daysSuperseded ?? 0} days earlier, within the ${UPDATE_POLICY_DAYS}-day window`,
              window: `${s.firstSeen ?? '?'} – ${s.lastSeen ?? '?'} (UTC)`,
            },
            ...s,
            confidence: { level: 'medium', reason: `${confidence.reason}; the version was recent, so the refusal may be a service incident` },
            conclusive: stated,
          });
        } else {
          context.report({ messageId: 'unknown', data: base, ...s, confidence, conclusive: stated });
        }
      },
    };
  },
});
