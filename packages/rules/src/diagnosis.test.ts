/**
 * The diagnosis as a whole: symptom chains, ranking, verdicts.
 */
import { describe, expect, it } from '@jest/globals';
import { analyzeEvents } from './analyze.js';
import { eventsOf, log } from './testing/rule-tester.js';

const diagnose = (text: string) => analyzeEvents(eventsOf({ name: 'case', log: text })).diagnosis;

describe('diagnosis', () => {
  it('puts a lost lock and the job it cancelled under the network failure that caused them', () => {
    const d = diagnose(log`
      [2024-03-01 10:00:00Z INFO JobDispatcher] Job request 7 for plan 11111111-1111-1111-1111-111111111111 job 22222222-2222-2222-2222-222222222222 received.
      [2024-03-01 10:00:00Z INFO Terminal] WRITE LINE: 2024-03-01 10:00:00Z: Running job: build
      [2024-03-01 10:01:00Z INFO JobDispatcher] Successfully renew job request 7, job is valid till 03/01/2024 10:11:00
      [2024-03-01 10:02:00Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 7.
      [2024-03-01 10:02:00Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: Name or service not known (pipelines.actions.githubusercontent.com:443)
      [2024-03-01 10:02:00Z ERR  Terminal] WRITE ERROR: 2024-03-01 10:02:00Z: Runner connect error: Name or service not known (pipelines.actions.githubusercontent.com:443). Retrying until reconnected.
      [2024-03-01 10:03:00Z ERR  MessageListener] System.Net.Http.HttpRequestException: Name or service not known (pipelines.actions.githubusercontent.com:443)
      [2024-03-01 10:17:00Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 7.
      [2024-03-01 10:17:00Z INFO JobDispatcher] Send job cancellation message to worker for job 22222222-2222-2222-2222-222222222222.
      [2024-03-01 10:17:30Z INFO JobDispatcher] finish job request for job 22222222-2222-2222-2222-222222222222 with result: Abandoned
    `);
    expect(d.verdict).toBe('fault');
    expect(d.causes[0]?.id).toBe('dns_or_network_unreachable');
    expect(d.causes[0]?.symptoms.map((s) => s.id)).toEqual(['job_lock_lost', 'job_cancelled']);
    expect(d.causes.map((c) => c.id)).toEqual(['dns_or_network_unreachable']);
  });

  it('a symptom of a symptom joins its root even when it does not name that root (TLS → lost lock → cancelled job)', () => {
    const d = diagnose(log`
      [2023-09-05 10:02:31Z INFO JobDispatcher] Job request 4411 for plan 9b7e2d10-4c58-4e1f-b3a6-0d92f7c1e845 job 0c5a7e19-3d84-4b62-a1f0-8e2d6c94b753 received.
      [2023-09-05 10:02:31Z INFO Terminal] WRITE LINE: 2023-09-05 10:02:31Z: Running job: integration-tests
      [2023-09-05 10:31:33Z INFO JobDispatcher] Successfully renew job request 4411, job is valid till 09/05/2023 10:41:33
      [2023-09-05 10:32:33Z ERR  JobDispatcher] Catch exception during renew runner jobrequest 4411.
      [2023-09-05 10:32:33Z ERR  JobDispatcher] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
       ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot
      [2023-09-05 10:36:58Z ERR  MessageListener] System.Net.Http.HttpRequestException: The SSL connection could not be established, see inner exception.
       ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot
      [2023-09-05 10:36:58Z ERR  Terminal] WRITE ERROR: 2023-09-05 10:36:58Z: Runner connect error: The SSL connection could not be established, see inner exception.. Retrying until reconnected.
      [2023-09-05 10:46:44Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 4411.
      [2023-09-05 10:46:44Z INFO JobDispatcher] Send job cancellation message to worker for job 0c5a7e19-3d84-4b62-a1f0-8e2d6c94b753.
      [2023-09-05 10:46:53Z INFO JobDispatcher] finish job request for job 0c5a7e19-3d84-4b62-a1f0-8e2d6c94b753 with result: Abandoned
    `);
    expect(d.causes.map((c) => c.id)).toEqual(['tls_certificate_error']);
    expect(d.causes[0]?.symptoms.map((s) => s.id)).toEqual(['job_lock_lost', 'job_cancelled']);
  });

  it('a symptom is not carried by a less serious note', () => {
    const d = diagnose(log`
      [2021-10-19 08:31:07Z INFO JobDispatcher] Successfully renew job request 77215, job is valid till 10/19/2021 08:41:07
      [2021-10-19 08:33:07Z INFO JobDispatcher] Successfully renew job request 77215, job is valid till 10/19/2021 08:43:07
      [2021-10-19 08:51:46Z WARN GitHubActionsService] PATCH request to https://pipelines.actions.githubusercontent.com/x/_apis/distributedtask/pools/1/jobrequests/77215 timed out after 60 seconds.
      [2021-10-19 08:51:46Z INFO JobDispatcher] Lock renewal has run out of retry, stop renew lock for jobrequest 77215.
    `);
    expect(d.causes[0]?.id).toBe('job_lock_lost');
    expect(d.causes.find((c) => c.id === 'connection_timeout')?.severity).toBe('info');
  });

  it('ranks the runner\'s own conclusion first among equally severe causes', () => {
    const d = diagnose(log`
      [2024-04-12 10:43:35Z ERR  MessageListener] GitHub.Services.OAuth.VssOAuthTokenRequestException: Registration c9a9807b-9ff9-410e-8cb5-f089835c4f34 was not found.
      [2024-04-12 10:43:35Z ERR  Terminal] WRITE ERROR: Failed to create a session. The runner registration has been deleted from the server, please re-configure.
    `);
    expect(d.causes.map((c) => c.id)).toEqual(['runner_deleted_on_server', 'oauth_registration_not_found']);
    expect(d.causes[0]?.conclusive).toBe(true);
  });

  it('says healthy, with what was seen working, when nothing failed', () => {
    const d = diagnose(log`
      [2025-01-13 12:20:04Z INFO MessageListener] Session created.
      [2025-01-13 12:50:05Z INFO MessageListener] No message retrieved from session '1a0334d8-c4d1-4735-929f-c43492548bf8' within last 30 minutes.
    `);
    expect(d.verdict).toBe('healthy');
    expect(d.working.join(' ')).toMatch(/session/);
    expect(d.notVisible.join(' ')).toMatch(/labels/);
  });

  it('says inconclusive when nothing shows the runner working or failing', () => {
    expect(diagnose('[2025-01-13 12:20:04Z INFO HostContext] Well known directory \'Root\': \'/home/ci\'\n').verdict).toBe('inconclusive');
  });
});
