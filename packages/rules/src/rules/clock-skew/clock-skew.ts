/**
 * F08 and TLS NotTimeValid: the machine's clock is off far enough that tokens or certificates are rejected.
 */
import type { RunlogEvent } from '@runlog/parser';
import { classifyText, failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

export default createRule({
  meta: {
    id: 'clock-skew',
    cause: 'clock_skew',
    title: 'The runner machine\'s clock is wrong',
    type: 'root-cause',
    severity: 'error',
    messages: {
      skew: 'The service rejected the runner\'s credentials or certificates as not valid at this time ({{reason}}): {{count}} time(s) from {{first}} to {{last}}. The machine\'s clock is off by more than five minutes.',
    },
    docs: {
      description:
        'The runner signs a short-lived JWT to get its OAuth token; the service rejects it when the machine\'s clock differs from the server\'s by more than five minutes ("Current server time is ..."). Certificates can also look expired or not yet valid (`NotTimeValid`). The runner retries for 30 minutes, then stops. VM snapshot restores, suspended laptops and containers without time sync are common culprits.',
      confirm: [
        'On the runner machine: `date -u` against https://time.is, or `timedatectl status` (is NTP synchronized?).',
        'In the log: `Current server time is`, `Local clock might be skewed`, `The local machine\'s clock may be out of sync`, `NotTimeValid`.',
      ],
      catalog: ['F08', 'F21'],
    },
    remedy: {
      temporary: ['Set the clock right now (`sudo chronyc makestep` or `sudo ntpdate -u pool.ntp.org`; Windows: `w32tm /resync`), then restart the runner.'],
      permanent: ['Enable time synchronization on the host (chrony/systemd-timesyncd/ntpd, or the hypervisor\'s time sync), including after snapshot restores.'],
      prevention: ['Monitor clock offset on runner hosts.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/monitoring-and-troubleshooting-self-hosted-runners'],
    },
  },
  create(context) {
    const hits = new Occurrences(context);
    let reason: string | null = null;
    let stated = false;
    const check = (e: RunlogEvent): void => {
      const text = failureText(e) ?? (e.kind === 'unrecognized' ? e.text : null);
      if (text === null || classifyText(text) !== 'clock') return;
      hits.add(e);
      if (e.kind === 'terminal.error') stated = true;
      reason ??= text.length > 160 ? `${text.slice(0, 159)}…` : text;
    };
    return {
      exception: check,
      'terminal.error': check,
      'connection.lost': check,
      unrecognized: check,
      'error.classified'(e) {
        if (classifyText(e.message) === 'clock') context.explain(e);
      },
      end() {
        const s = hits.summary();
        if (s === null) return;
        context.report({
          messageId: 'skew',
          data: { reason: reason ?? 'clock skew', count: hits.count, first: s.firstSeen ?? 'unknown', last: s.lastSeen ?? 'unknown' },
          ...s,
          confidence: { level: 'high', reason: stated ? 'the runner itself reports its clock out of sync' : 'the rejection names the time' },
          conclusive: stated,
        });
      },
    };
  },
});
