import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './upload-failed.js';

const fullSession = loadFullSession();

const WORKER = 'Worker_20241121-140500-utc.log';

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: 'All queues drained normally at the end of the healthy job.',
      files: fullSession,
    },
    {
      name: 'every upload succeeded',
      description: 'A success rate of n/n is the normal summary line.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:01Z INFO JobServerQueue] Uploading 4 files in one shot.
        [2024-11-21 14:09:02Z INFO JobServerQueue] Try to upload 4 log files or attachments, success rate: 4/4.
        [2024-11-21 14:09:03Z INFO JobServerQueue] Tried to upload 2 file(s) to results, success rate: 2/2.
      `,
    },
    {
      name: 'one transient timeline update error',
      description: 'The timeline queue retries the records at the next tick; one error that clears is not an upload failure.',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:03Z INFO JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:05:03Z ERR  JobServerQueue] System.Net.Http.HttpRequestException: Connection reset by peer
           at System.Net.Http.HttpConnection.SendAsyncCore(HttpRequestMessage request, Boolean async, CancellationToken cancellationToken)
        [2024-11-21 14:05:04Z INFO JobServerQueue] Job timeline record has been updated for the first time.
      `,
    },
  ],
  invalid: [
    {
      name: 'output variables could not be published',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:01Z INFO JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:09:01Z ERR  JobServerQueue] GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
           at GitHub.Services.WebApi.VssHttpClientBase.HandleResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        [2024-11-21 14:09:02Z INFO JobServerQueue] Fail to update timeline records with output variables. Throw exception to fail the job since output variables are critical to downstream jobs.
        [2024-11-21 14:09:02Z ERR  JobRunner] Caught exception from JobServerQueue.ShutdownAsync
        [2024-11-21 14:09:02Z ERR  JobRunner] This indicate a failure during publish output variables. Fail the job to prevent unexpected job outputs.
        [2024-11-21 14:09:02Z ERR  JobRunner] System.AggregateException: Failed to publish output variables. (Service Unavailable)
         ---> GitHub.Services.WebApi.VssServiceResponseException: Service Unavailable
      `,
      errors: [
        {
          messageId: 'outputs',
          lines: [1, 4, 5, 6],
          severity: 'error',
          confidence: 'high',
          message:
            "The job was failed because its output variables could not be published (the runner could not update the job's timeline records: server errors (5xx) from GitHub); jobs that depend on these outputs would read wrong or empty values (2024-11-21T14:09:01Z to 2024-11-21T14:09:02Z).",
        },
      ],
    },
    {
      name: 'a log upload that gave up behind a TLS-inspecting proxy',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:01Z INFO JobServerQueue] Catch exception during log or attachment file upload, keep going since the process is best effort.
        [2024-11-21 14:09:01Z ERR  JobServerQueue] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
         ---> System.IO.IOException: Received an unexpected EOF or 0 bytes from the transport stream.
        [2024-11-21 14:09:02Z INFO JobServerQueue] Try to upload 3 log files or attachments, success rate: 2/3.
      `,
      errors: [
        {
          messageId: 'uploads',
          lines: [1, 4],
          severity: 'warning',
          count: 1,
          data: { what: 'step logs and attachments', cause: ' (TLS handshake failures)' },
        },
      ],
    },
    {
      name: 'results uploads failed',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:01Z INFO JobServerQueue] Catch exception during file upload to results, keep going since the process is best effort.
        [2024-11-21 14:09:01Z ERR  JobServerQueue] System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.
        [2024-11-21 14:09:02Z INFO JobServerQueue] Tried to upload 2 file(s) to results, success rate: 0/2.
      `,
      errors: [{ messageId: 'uploads', lines: [1, 3], count: 2, data: { cause: ' (timeouts)' } }],
    },
    {
      name: 'timeline updates keep failing',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:05:03Z INFO JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:05:03Z ERR  JobServerQueue] GitHub.Services.WebApi.VssServiceResponseException: Bad Gateway
        [2024-11-21 14:05:04Z INFO JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:05:04Z ERR  JobServerQueue] GitHub.Services.WebApi.VssServiceResponseException: Bad Gateway
        [2024-11-21 14:05:05Z INFO JobServerQueue] Catch exception during update timeline records, try to update these timeline records next time.
        [2024-11-21 14:05:05Z ERR  JobServerQueue] GitHub.Services.WebApi.VssServiceResponseException: Bad Gateway
      `,
      errors: [{ messageId: 'uploads', lines: [1, 3, 5], severity: 'warning', confidence: 'medium', count: 3 }],
    },
    {
      name: 'the upload queues failed to shut down',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:02Z INFO JobRunner] Shutting down the job server queue.
        [2024-11-21 14:09:32Z ERR  JobRunner] Caught exception from JobServerQueue.ShutdownAsync
        [2024-11-21 14:09:32Z ERR  JobRunner] System.TimeoutException: The operation has timed out.
      `,
      errors: [{ messageId: 'uploads', lines: [2], severity: 'warning', count: 1 }],
    },
    {
      name: 'live console lines dropped',
      fileName: WORKER,
      log: log`
        [2024-11-21 14:09:01Z INFO JobServerQueue] Catch exception during append web console line, keep going since the process is best effort.
        [2024-11-21 14:09:01Z ERR  JobServerQueue] System.Net.Http.HttpRequestException: Name or service not known (pipelinesghubeus2.actions.githubusercontent.com:443)
        [2024-11-21 14:09:01Z INFO JobServerQueue] Try to append 1 batches web console lines for record '0d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6', success rate: 0/1.
      `,
      errors: [{ messageId: 'uploads', lines: [1, 3], count: 1, data: { what: 'live console output', cause: ' (DNS failures)' } }],
    },
  ],
});
