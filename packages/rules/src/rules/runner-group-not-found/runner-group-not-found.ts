/**
 * F12: the runner group (agent pool) is gone.
 */
import type { RunlogEvent } from '@runlog/parser';
import { failureText } from '../../classify.js';
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

const SIGNS = ['TaskAgentPoolNotFoundException', 'Could not find any self-hosted runner group', 'Could not find any self-hosted runner groups'];

export default createRule({
  meta: {
    id: 'runner-group-not-found',
    cause: 'runner_group_not_found',
    title: 'The runner group (pool) does not exist',
    type: 'root-cause',
    severity: 'error',
    messages: {
      missing: 'The runner group this runner belongs to, or the one named at configuration, was not found ({{detail}}), first at {{first}}.',
    },
    docs: {
      description:
        'The runner is registered to a runner group (pool) the service no longer has, or `config.sh --runnergroup` named a group that does not exist. Session creation fails and the runner stops.',
      confirm: [
        'Check Settings → Actions → Runner groups of the organisation or enterprise for the group.',
        'In the log: `TaskAgentPoolNotFoundException`, `Could not find any self-hosted runner group named "<name>"`.',
      ],
      catalog: ['F12'],
    },
    remedy: {
      temporary: ['Configure the runner into an existing group: `./config.sh remove --local`, then `./config.sh --url <url> --token <token> --runnergroup <existing group>`.'],
      permanent: ['Recreate the runner group, or move runner registrations before deleting a group.'],
      prevention: ['Treat runner groups as infrastructure: change them together with the runners that use them.'],
      docs: ['https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/managing-access-to-self-hosted-runners-using-groups'],
    },
  },
  create(context) {
    const hits = new Occurrences(context);
    let detail: string | null = null;
    const check = (e: RunlogEvent): void => {
      const text = failureText(e) ?? e.text;
      const sign = SIGNS.find((s) => text.includes(s));
      if (sign === undefined) return;
      hits.add(e);
      detail ??= text.length > 160 ? `${text.slice(0, 159)}…` : text;
    };
    return {
      exception: check,
      'terminal.error': check,
      'terminal.line': check,
      unrecognized: check,
      'session.failed': check,
      end() {
        const s = hits.summary();
        if (s === null) return;
        context.report({
          messageId: 'missing',
          data: { detail: detail ?? 'not found', first: s.firstSeen ?? 'unknown' },
          ...s,
          confidence: { level: 'high', reason: 'the service states the group was not found' },
        });
      },
    };
  },
});
