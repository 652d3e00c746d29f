/**
 * INFO records no typed matcher turns into an event, yet whose text is a landmark of the failure
 * catalog (spec §3–§4). The `problems` policy keeps them as `unrecognized` events: it drops the
 * other INFO and VERB records, three in four records of a busy runner, so a rule that reads one
 * of these texts would otherwise see it in a test and miss it in `runlog analyze`.
 *
 * Keyed by source name, then matched by the opening of the message: a map lookup rejects the
 * common records, and no regular expression runs on the hot path.
 */
const NOTABLE: ReadonlyMap<string, readonly string[]> = new Map([
  // F34: action resolution and download.
  ['ActionManager', ['Access denied to ', 'The action at ', 'Finished getting action repository', 'Failed to download', 'Unable to resolve action']],
  // F03, F08, F14, F51: session, clock, registration.
  ['MessageListener', ['Local clock might be skewed', 'The runner no longer exists', 'The agent no longer exists', 'Current server time is']],
  ['BrokerMessageListener', ['Local clock might be skewed', 'The runner no longer exists', 'Current server time is']],
  ['Runner', ['Falling back to original .runner settings', 'Runner registration no longer exists', 'Runner is built for', 'Skipping message Job']],
  ['Agent', ['Agent registration no longer exists', 'Agent is built for']],
  // F43: which package runs on which OS.
  ['Listener', ['Runner is built for', 'RuntimeInformation: ', 'This runner version is built for', 'Running the runner on this platform is not supported', 'Win-arm64 runners require']],
  ['AgentProcess', ['Agent is built for', 'RuntimeInformation: ', 'This agent version is built for', 'Running the agent on this platform is not supported']],
  // F24, F30, F31, F32 in their Run Service (`job <jobId>`) wording and the dispatcher's statements.
  [
    'JobDispatcher',
    [
      'Finish job with result ',
      'Lock renewal has run out of retry',
      'Retrying lock renewal for job ',
      'TaskAgentJobNotFoundException received',
      'TaskAgentJobTokenExpiredException received',
      'Catch exception during renew',
      'Fail to raise',
    ],
  ],
  // F35: which image a failed container step was about.
  ['ContainerOperationProvider', ['Container image: ']],
  ['ContainerActionHandler', ['Container image: ']],
  // F26: a step that ignored the cancellation.
  ['ProcessInvokerWrapper', ['Kill entire process tree']],
  // F06: the Worker compares its version with the latest.
  ['JobRunner', ['Current runner version ', 'Current agent version ']],
  // F37, F38: uploads that did not all go through.
  ['JobServerQueue', ['Tried to upload ', 'Try to upload ', 'Try to append ']],
]);

export function isNotableInfo(component: string, message: string): boolean {
  const openings = NOTABLE.get(component);
  if (openings === undefined) return false;
  for (const opening of openings) if (message.startsWith(opening)) return true;
  return false;
}
