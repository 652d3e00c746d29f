/**
 * Records the runner logs at ERR or WARN in normal operation. They are explained up front so
 * they never reach the unknown tail; rules that care about them still see them.
 *
 * - A long poll cancelled by the runner itself (to switch its status to Busy when a job
 *   starts, or at shutdown) logs a TaskCanceledException / OperationCanceledException.
 * - Token refresh races log `Retrieving an AAD auth token took a long time`.
 */
import type { RunlogEvent } from '@runlog/parser';
import { isLocalCancellation } from './classify.js';

const LISTENER_COMPONENTS = new Set([
  'MessageListener',
  'BrokerMessageListener',
  'BrokerServer',
  'RunnerServer',
  'AgentServer',
  'Runner',
  'Agent',
  'JobDispatcher',
  'RunServer',
]);


export function isBenignNoise(e: RunlogEvent): boolean {
  switch (e.kind) {
    case 'exception':
      return LISTENER_COMPONENTS.has(e.component) && isLocalCancellation(e);
    case 'unrecognized':
      return e.text.startsWith('Retrieving an AAD auth token took a long time');
    default:
      return false;
  }
}
