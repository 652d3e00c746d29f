/**
 * The Listener process (`Runner_*.log`, `Agent_*.log`): startup, configuration, session,
 * polling, connection and self-update landmarks (spec §3.1–§3.3, §3.5–§3.8).
 */
import type { FileContext } from '../context.js';
import type { RunlogEvent } from '../events.js';
import type { LogRecord } from '../records.js';
import { after, between, leadingInt, leadingNumber, stripPeriod } from '../text.js';
import { parseSettingsDump } from './json.js';

/** `Listener` (runner) and `AgentProcess` (agent) program lines. */
export function matchProgram(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const built = after(m, 'Runner is built for ') ?? after(m, 'Agent is built for ');
  if (built !== null) {
    // `Linux (X64) - linux-x64.`
    const platform = built.slice(0, Math.max(0, built.indexOf(' ('))) || null;
    const arch = between(built, '(', ')');
    const dash = built.lastIndexOf(' - ');
    ctx.startup.platform = platform;
    ctx.startup.arch = arch;
    ctx.startup.package = dash >= 0 ? stripPeriod(built.slice(dash + 3).trim()) : null;
    return null;
  }
  // The agent says `Agent package linux-x64.` and `Running on Linux (X64).` instead.
  const agentPackage = after(m, 'Agent package ');
  if (agentPackage !== null) {
    ctx.startup.package = stripPeriod(agentPackage.trim());
    return null;
  }
  const runningOn = after(m, 'Running on ');
  if (runningOn !== null && runningOn.includes(' (')) {
    ctx.startup.platform = runningOn.slice(0, runningOn.indexOf(' ('));
    ctx.startup.arch = between(runningOn, '(', ')');
    return null;
  }
  const os = after(m, 'RuntimeInformation: ');
  if (os !== null) {
    ctx.startup.os = stripPeriod(os.trim());
    return null;
  }
  const version = after(m, 'Version: ');
  if (version !== null) {
    return ctx.make('runner.started', r, {
      version: version.trim(),
      ...ctx.startup,
      agent: ctx.fileKind === 'agent' || r.component === 'AgentProcess',
    });
  }
  const finished = after(m, 'Runner execution has finished with return code ') ?? after(m, 'Agent execution has finished with return code ');
  if (finished !== null) {
    const code = leadingInt(finished);
    if (code !== null) return ctx.exited(r, code);
  }
  if (m.startsWith('Runner execution been cancelled') || m.startsWith('Agent execution been cancelled')) {
    return ctx.exited(r, 0, true);
  }
  return null;
}

export function matchHostContext(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  if (m.startsWith('Configuring ') && m.includes(' proxy ')) {
    const url = between(m, ' proxy ', ' for all') ?? null;
    return ctx.make('runner.proxy', r, { url, authenticated: m.startsWith('Configuring authenticated') });
  }
  if (m.startsWith('No proxy settings were found')) return ctx.make('runner.proxy', r, { url: null, authenticated: false });
  if (m.startsWith('Runner is running under insecure mode') || m.startsWith('Agent is running under insecure mode')) {
    return ctx.make('runner.insecure_tls', r, {});
  }
  if (m.includes('Http trace is enabled')) return ctx.make('runner.http_trace', r, {});
  const shutdown = after(m, 'Runner will be shutdown for ') ?? after(m, 'Agent will be shutdown for ');
  if (shutdown !== null) return ctx.make('runner.shutdown', r, { reason: stripPeriod(shutdown.trim()) });
  return null;
}

export function matchCommandSettings(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  const command = between(m, "Command '", "': 'True'");
  if (command !== null && m.startsWith('Command ')) return ctx.make('runner.command', r, { command });
  for (const [prefix, optionKind] of [
    ['Arg ', 'arg'],
    ['Flag ', 'flag'],
    ['Env arg ', 'env'],
  ] as const) {
    const rest = after(m, prefix + "'");
    if (rest === null) continue;
    const nameEnd = rest.indexOf("': '");
    if (nameEnd < 0) continue;
    const value = rest.slice(nameEnd + 4).replace(/'$/, '');
    return ctx.make('runner.option', r, { optionKind, name: rest.slice(0, nameEnd), value });
  }
  return null;
}

/** `MessageListener` / `BrokerMessageListener` (v1 and broker flows share most wording). */
export function matchMessageListener(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  if (m === '{' || m.startsWith('{')) {
    const settings = parseSettingsDump(m, r.continuation);
    if (settings !== null) return ctx.make('runner.settings', r, settings);
    return null;
  }
  switch (m) {
    case 'Session created.':
      return ctx.make('session.created', r, {});
    case 'Attempt to create session.':
      return ctx.make('session.attempt', r, {});
    case 'Catch exception during create session.':
      return ctx.make('session.create_error', r, {});
    case 'Catch exception during get next message.':
      return ctx.make('poll.error', r, {});
    case 'The session for this runner already exists.':
    case 'The session for this agent already exists.':
      return ctx.make('session.conflict', r, { final: false });
    case 'The session conflict exception have reached retry limit.':
      return ctx.make('session.conflict', r, { final: true });
    case 'Get next message has been cancelled.':
      return ctx.make('poll.cancelled', r, {});
    case 'Reload credentials.':
    case 'Connection to Broker Server recreated.':
      return ctx.make('connection.refreshed', r, {});
    case 'Refreshing credentials for V2.':
      return ctx.make('broker.migration', r, {});
  }
  const retriable = after(m, 'Retriable exception: ');
  if (retriable !== null) return ctx.make('error.classified', r, { retriable: true, message: retriable });
  const nonRetriable = after(m, 'Non-retriable exception: ');
  if (nonRetriable !== null) return ctx.make('error.classified', r, { retriable: false, message: nonRetriable });
  const sleep = after(m, 'Sleeping for ');
  if (sleep !== null) {
    const seconds = leadingNumber(sleep);
    if (seconds !== null) return ctx.make('retry.sleep', r, { seconds, attemptsLeft: null, errorCount: null });
  }
  if (m.startsWith('No message retrieved')) {
    const sessionId = between(m, "session '", "'");
    return m.includes('within last 30 minutes')
      ? ctx.make('poll.heartbeat', r, { sessionId })
      : ctx.make('poll.empty', r, {});
  }
  const message = after(m, "Message '");
  if (message !== null && m.includes(' received from session ')) {
    return ctx.make('message.received', r, {
      messageId: message.slice(0, Math.max(0, message.indexOf("'"))),
      sessionId: between(m, "session '", "'"),
    });
  }
  if (m.startsWith('BrokerMigration message received')) return ctx.make('broker.migration', r, {});
  const state = after(m, 'Received job status event. JobState: ');
  if (state !== null) return ctx.make('job.status', r, { state: stripPeriod(state.trim()) });
  if (m.startsWith('Get messages has been cancelled')) return ctx.make('poll.cancelled', r, {});
  if (m.includes('recovered by recreate session')) return ctx.make('session.recovered', r, {});
  if (m.startsWith('Runner OAuth token has been revoked') || m.startsWith('Agent OAuth token has been revoked')) {
    return ctx.make('token.revoked', r, {});
  }
  const ack = between(m, "Acknowledging runner request '", "'");
  if (ack !== null) return ctx.make('job.acknowledged', r, { requestId: ack });
  return null;
}

/** The `Runner` class of the Listener (the agent's is `Agent`). */
export function matchRunner(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  if (m.startsWith('{')) {
    const settings = parseSettingsDump(m, r.continuation);
    if (settings !== null) return ctx.make('runner.settings', r, settings);
    return null;
  }
  const received = after(m, 'Received job message of length ');
  if (received !== null) {
    return ctx.make('job.message', r, { length: leadingInt(received) ?? 0, hash: between(received, "'", "'") ?? '' });
  }
  if (m.startsWith('Using BrokerMessageListener')) return ctx.make('runner.flow', r, { flow: 'broker' });
  if (m.startsWith('Refresh message received, kick-off selfupdate')) return ctx.make('update.requested', r, {});
  if (m.startsWith('Auto update task finished at backend, an runner update is ready') || m.startsWith('Auto update task finished at backend, an agent update is ready')) {
    return ctx.make('update.ready', r, {});
  }
  if (m.startsWith('Auto update task finished at backend, there is no available')) return ctx.make('update.skipped', r, {});
  const skipping = after(m, 'Skipping message Job. ');
  if (skipping !== null) return ctx.make('job.skipped', r, { reason: skipping });
  const acquire = after(m, 'Caught exception from acquiring job message: ');
  if (acquire !== null) return ctx.make('job.acquire_error', r, { message: acquire });
  const unsupported = after(m, 'Received message ');
  if (unsupported !== null && m.includes(' with unsupported message type ')) {
    const at = unsupported.indexOf(' with unsupported message type ');
    return ctx.make('message.unsupported', r, {
      messageId: unsupported.slice(0, at),
      messageType: stripPeriod(unsupported.slice(at + 31).trim()),
    });
  }
  if (m.startsWith('Deleting Runner Session') || m.startsWith('Deleting Agent Session')) return ctx.make('session.deleted', r, {});
  if (m.startsWith('Received Ctrl-C signal')) return ctx.make('runner.shutdown', r, { reason: 'Ctrl-C' });
  if (m.startsWith('Received Ctrl-Break signal')) return ctx.make('runner.shutdown', r, { reason: 'OperatingSystemShutdown' });
  const hosted = after(m, 'Service requests the hosted runner to shutdown. Reason: ');
  if (hosted !== null) return ctx.make('runner.shutdown', r, { reason: `hosted: ${stripPeriod(hosted).replace(/^'|'$/g, '')}` });
  if (m.startsWith('Hosted runner has been deprovisioned')) return ctx.make('runner.shutdown', r, { reason: 'deprovisioned' });
  if (m.startsWith('Runner OAuth token has been revoked') || m.startsWith('Agent OAuth token has been revoked')) {
    return ctx.make('token.revoked', r, {});
  }
  if (m.startsWith('Job has finished at backend, the runner will exit since it is running under onetime use mode')) {
    return ctx.make('runner.shutdown', r, { reason: 'ephemeral' });
  }
  const refreshConfig = between(m, 'Received RunnerRefreshConfigMessage for ', ' config file');
  if (refreshConfig !== null) return ctx.make('config.refreshed', r, { stage: `received ${refreshConfig.replace(/'/g, '')}` });
  if (m.startsWith('Runner configuration was updated. Session restart has been scheduled')) return ctx.make('config.refreshed', r, { stage: 'scheduled' });
  if (m.startsWith('Restarting runner session after config update')) return ctx.make('config.refreshed', r, { stage: 'restarting' });
  if (m.startsWith('Runner configuration was refreshed, restarting session')) return ctx.make('config.refreshed', r, { stage: 'restarted' });
  return null;
}

/** `RunnerServer`, `BrokerServer`, `RunServer`, `AgentServer`, `ErrorThrottler`: connection and retry plumbing. */
export function matchServer(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  if (m.startsWith('Refresh MessageQueue VssConnection') || m.startsWith('Refresh JobRequest VssConnection')) {
    return ctx.make('connection.refreshed', r, {});
  }
  const connect = after(m, 'Catch exception during connect. ');
  if (connect !== null) return ctx.make('connect.retry', r, { attemptsLeft: leadingInt(connect) });
  if (m === 'Catch exception during request') return ctx.make('broker.request_error', r, {});
  const backOff = after(m, 'Back off ');
  if (backOff !== null) {
    const seconds = leadingNumber(backOff);
    if (seconds === null) return null;
    const left = between(backOff, 'retry. ', ' attempt');
    const countAt = backOff.indexOf('count: ');
    return ctx.make('retry.sleep', r, {
      seconds,
      attemptsLeft: left === null ? null : leadingInt(left),
      errorCount: countAt < 0 ? null : leadingInt(backOff, countAt + 7),
    });
  }
  return null;
}

/** `SelfUpdater` / `SelfUpdaterV2` (spec §3.7, F40). */
export function matchSelfUpdater(r: LogRecord, ctx: FileContext): RunlogEvent | null {
  const m = r.message;
  if (m === 'An update is available.') return ctx.make('update.available', r, { version: null });
  const version = between(m, "Version '", "' of ");
  if (version !== null && m.includes('package available in server')) return ctx.make('update.available', r, { version });
  const attempt = after(m, 'Attempt ');
  if (attempt !== null && attempt.includes(': save latest runner into')) {
    return ctx.make('update.download', r, { attempt: leadingInt(attempt) });
  }
  const timedOut = after(m, 'Runner download has timed out after ') ?? after(m, 'Agent download has timed out after ');
  if (timedOut !== null) return ctx.make('update.download_failed', r, { timeoutSeconds: leadingInt(timedOut) });
  if (m.startsWith('Failed to get package ')) return ctx.make('update.download_failed', r, { timeoutSeconds: null });
  if (
    (m.startsWith('Runner package ') || m.startsWith('Agent package ')) && m.includes(' download attempts') ||
    m.startsWith('Computed runner hash ') ||
    m.startsWith("Can't use 'tar -xzf'") ||
    m.startsWith('There is no package for ')
  ) {
    return ctx.make('update.failed', r, { message: m });
  }
  return null;
}
