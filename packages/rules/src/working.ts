/**
 * Positive evidence: what the log shows working. A healthy verdict says what was seen
 * working, not merely that nothing failed.
 */
import type { RunlogEvent } from '@runlog/parser';

export interface WorkingSummary {
  sessionsCreated: number;
  /** Successful polls visible in the log: messages received, 30-minute heartbeats, broker redirects. */
  pollsAnswered: number;
  messagesReceived: number;
  tokensAcquired: number;
  reconnections: number;
  jobsCompleted: number;
  jobsSucceeded: number;
  jobRenewals: number;
  /** Files by kind, to say what the logs cover. */
  runnerFiles: number;
  workerFiles: number;
  agentFiles: number;
  processStarts: number;
}

export class WorkingCollector {
  private lastTokenFailure: string | null = null;
  private readonly s: WorkingSummary = {
    sessionsCreated: 0,
    pollsAnswered: 0,
    messagesReceived: 0,
    tokensAcquired: 0,
    reconnections: 0,
    jobsCompleted: 0,
    jobsSucceeded: 0,
    jobRenewals: 0,
    runnerFiles: 0,
    workerFiles: 0,
    agentFiles: 0,
    processStarts: 0,
  };

  observe(e: RunlogEvent): void {
    const s = this.s;
    switch (e.kind) {
      case 'session.created':
        s.sessionsCreated++;
        break;
      case 'poll.heartbeat':
      case 'poll.empty':
      case 'broker.migration':
      case 'job.status':
        s.pollsAnswered++;
        break;
      case 'message.received':
        s.messagesReceived++;
        s.pollsAnswered++;
        break;
      case 'token.acquired':
        // The runner logs the correlation id after every token response, failed ones too.
        if (e.time === null || e.time !== this.lastTokenFailure) s.tokensAcquired++;
        break;
      case 'http.failure':
        if (e.url !== null && e.url.includes('/oauth2/token')) this.lastTokenFailure = e.time;
        break;
      case 'connection.restored':
        s.reconnections++;
        break;
      case 'job.completed':
        s.jobsCompleted++;
        if (e.result === 'Succeeded' || e.result === 'SucceededWithIssues') s.jobsSucceeded++;
        break;
      case 'job.renewed':
        s.jobRenewals++;
        break;
      case 'log.file':
        if (e.fileKind === 'runner') s.runnerFiles++;
        else if (e.fileKind === 'worker') s.workerFiles++;
        else if (e.fileKind === 'agent') s.agentFiles++;
        if (e.role === 'start' && (e.fileKind === 'runner' || e.fileKind === 'agent')) s.processStarts++;
        break;
      default:
        break;
    }
  }

  finish(): WorkingSummary {
    return { ...this.s };
  }
}
