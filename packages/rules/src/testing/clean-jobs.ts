/**
 * Long logs for testing that rules keep what they report while forgetting the rest: many jobs
 * that ran cleanly, more than a rule remembers for correlation (`RECENT_JOBS`), to put after
 * (or around) the job a test is about.
 *
 *   const { runner, workers } = cleanJobs(600, '2024-11-21T16:00:00Z');
 *   findingsOf(rule, { name: 'x', files: { 'Runner_20241121-140000-utc.log': failingJob + runner, ...workers } });
 */

export interface CleanJobs {
  /** The Listener's lines for every job, to append to a Runner log that ends before `from`. */
  runner: string;
  /** One Worker log per job, by file name. */
  workers: Record<string, string>;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2024-11-21 14:05:00Z`, as in a log header. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** `count` jobs, ten minutes apart from `from` (ISO), each two minutes long and Succeeded. */
export function cleanJobs(count: number, from: string): CleanJobs {
  const runner: string[] = [];
  const workers: Record<string, string> = {};
  const start = Date.parse(from);
  for (let i = 0; i < count; i++) {
    const t = start + i * 600_000;
    const at = (seconds: number): string => stamp(t + seconds * 1000);
    const jobId = `00000000-0000-4000-8000-${pad(i, 12)}`;
    const requestId = 50_000 + i;
    const name = `clean ${i}`;
    runner.push(
      `[${at(0)} INFO JobDispatcher] Job request ${requestId} for plan 11111111-0000-4000-8000-000000000000 job ${jobId} received.`,
      `[${at(0)} INFO Terminal] WRITE LINE: ${at(0)}: Running job: ${name}`,
      `[${at(60)} INFO JobDispatcher] Successfully renew job request ${requestId}, job is valid till 11/21/2024 14:10:08`,
      `[${at(120)} INFO JobDispatcher] Worker finished for job ${jobId}. Code: 100`,
      `[${at(120)} INFO JobDispatcher] finish job request for job ${jobId} with result: Succeeded`,
      `[${at(120)} INFO Terminal] WRITE LINE: ${at(120)}: Job ${name} completed with result: Succeeded`,
    );
    const file = `Worker_${at(1).replace(/[-:Z]/g, '').replace(' ', '-')}-utc.log`;
    workers[file] = [
      `[${at(1)} INFO Worker] Version: 2.321.0`,
      `[${at(1)} INFO Worker] Job message:`,
      ' {',
      '  "messageType": "PipelineAgentJobRequest",',
      `  "jobId": "${jobId}",`,
      `  "jobDisplayName": "${name}",`,
      `  "requestId": ${requestId}`,
      ' }',
      `[${at(1)} INFO JobRunner] Job ID ${jobId}`,
      `[${at(2)} INFO StepsRunner] Processing step: DisplayName='Run make'`,
      `[${at(90)} INFO ProcessInvokerWrapper] Finished process 4242 with exit code 0, and elapsed time 00:01:28.0000000.`,
      `[${at(90)} INFO StepsRunner] Step result: Succeeded`,
      `[${at(91)} INFO JobRunner] Job result after all job steps finish: Succeeded`,
      `[${at(91)} INFO Worker] Job completed.`,
      '',
    ].join('\n');
  }
  return { runner: runner.join('\n') + '\n', workers };
}
