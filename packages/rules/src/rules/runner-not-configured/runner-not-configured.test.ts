import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './runner-not-configured.js';
import { corpusCase, testLogs } from '../../testing/logs.js';

const fullSession = testLogs('full-session/_diag');
const proxyConfig = corpusCase('031');

/** A Listener start up to the command line. */
const START = log`
  [2024-11-21 14:05:40Z INFO Listener] Runner is built for Linux (X64) - linux-x64.
  [2024-11-21 14:05:40Z INFO Listener] Version: 2.321.0
  [2024-11-21 14:05:40Z INFO CommandSettings] Command 'run': 'True'
`;

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: '"IsConfigured: True" and "Failed to load migrated settings: No migrated configuration found." are normal.',
      files: fullSession,
    },
    {
      name: 'tenant credentials failing behind a proxy (actions/runner#3313)',
      description: 'Failed to get tenant credentials with a network exception is a connectivity problem, not a missing configuration.',
      files: proxyConfig,
    },
    {
      name: 'an ephemeral runner that exits after its job',
      description: 'Exit 0 after the one job is the normal end of an ephemeral runner; only a restart that finds no configuration is a fault.',
      log: log`
        [2024-11-21 14:09:00Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
        [2024-11-21 14:09:00Z INFO Runner] Deleting Runner Session...
        [2024-11-21 14:09:01Z INFO RSAFileKeyManager] Deleting RSA key parameters file /home/runner/.credentials_rsaparams
        [2024-11-21 14:09:01Z INFO Listener] Runner execution has finished with return code 0
      `,
    },
    {
      name: 'a FormatException after the session was created',
      description: 'A parse error while running is not the JIT config, which is read before the first session.',
      log:
        START +
        log`
          [2024-11-21 14:05:41Z INFO MessageListener] Attempt to create session.
          [2024-11-21 14:05:42Z INFO MessageListener] Session created.
          [2024-11-21 14:20:00Z ERR  Runner] System.FormatException: String '2024-13-45' was not recognized as a valid DateTime.
             at System.DateTime.Parse(String s)
        `,
    },
  ],
  invalid: [
    {
      name: 'credentials missing, in the source\'s own wording with two spaces',
      log: log`
        [2022-11-07 09:41:26Z INFO ConfigurationStore] stored False
        [2022-11-07 09:41:26Z ERR  Terminal] WRITE ERROR: An error occurred: Credentials not stored.  Must reconfigure.
        [2022-11-07 09:41:26Z ERR  Listener] System.InvalidOperationException: Credentials not stored.  Must reconfigure.
      `,
      errors: [{ messageId: 'credentials', lines: [2, 3] }],
    },
    {
      name: 'started without configuration',
      log:
        START +
        log`
          [2024-11-21 14:05:40Z INFO ConfigurationStore] IsConfigured: False
          [2024-11-21 14:05:40Z ERR  Terminal] WRITE ERROR: Runner is not configured.
          [2024-11-21 14:05:40Z INFO Listener] Runner execution has finished with return code 1
        `,
      errors: [
        {
          messageId: 'notConfigured',
          lines: [5],
          severity: 'error',
          confidence: 'high',
          data: { detail: 'Runner is not configured' },
        },
      ],
    },
    {
      name: 'an ephemeral runner restarted by its host',
      files: {
        'Runner_20241121-140000-utc.log': log`
          [2024-11-21 14:00:00Z INFO Listener] Version: 2.321.0
          [2024-11-21 14:00:01Z INFO MessageListener] {
            "AgentId": 91,
            "AgentName": "arc-runner-x7k2p",
            "PoolId": 1,
            "Ephemeral": true
          }
          [2024-11-21 14:09:00Z INFO Runner] Job has finished at backend, the runner will exit since it is running under onetime use mode.
          [2024-11-21 14:09:01Z INFO Listener] Runner execution has finished with return code 0
        `,
        'Runner_20241121-140906-utc.log': log`
          [2024-11-21 14:09:06Z INFO Listener] Version: 2.321.0
          [2024-11-21 14:09:06Z ERR  Terminal] WRITE ERROR: Runner is not configured.
          [2024-11-21 14:09:06Z INFO Listener] Runner execution has finished with return code 1
        `,
      },
      errors: [
        {
          messageId: 'ephemeralRestart',
          evidence: ['Runner_20241121-140906-utc.log:2'],
          severity: 'error',
          confidence: 'high',
        },
      ],
    },
    {
      name: 'the credentials file is gone',
      log:
        START +
        log`
          [2024-11-21 14:05:41Z INFO MessageListener] Attempt to create session.
          [2024-11-21 14:05:41Z ERR  MessageListener] Catch exception during create session.
          [2024-11-21 14:05:41Z ERR  MessageListener] System.InvalidOperationException: Credentials not stored. Must reconfigure.
             at GitHub.Runner.Listener.Configuration.CredentialManager.LoadCredentials(Boolean allowAuthUrlV2)
          [2024-11-21 14:05:41Z INFO MessageListener] Non-retriable exception: Credentials not stored. Must reconfigure.
          [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: Failed to create session. Credentials not stored. Must reconfigure.
          [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 1
        `,
      errors: [{ messageId: 'credentials', lines: [6, 9], severity: 'error', count: 2 }],
    },
    {
      name: 'the RSA key file is missing',
      log: log`
        [2024-11-21 14:05:41Z ERR  MessageListener] System.Security.Cryptography.CryptographicException: RSA key file /home/ci/actions-runner/.credentials_rsaparams was not found.
           at GitHub.Runner.Listener.Configuration.RSAFileKeyManager.GetKey()
      `,
      errors: [{ messageId: 'credentials', lines: [1], data: { detail: 'RSA key file /home/ci/actions-runner/.credentials_rsaparams was not found' } }],
    },
    {
      name: 'a JIT config that is not base64',
      log:
        START +
        log`
          [2024-11-21 14:05:40Z ERR  Runner] System.FormatException: The input is not a valid Base-64 string as it contains a non-base-64 character, more than two padding characters, or an illegal character among the padding characters.
             at System.Convert.FromBase64CharPtr(Char* inputPtr, Int32 inputLength)
             at GitHub.Runner.Listener.Runner.ExecuteCommand(CommandSettings command)
          [2024-11-21 14:05:40Z ERR  Terminal] WRITE ERROR: The input is not a valid Base-64 string as it contains a non-base-64 character, more than two padding characters, or an illegal character among the padding characters.
          [2024-11-21 14:05:40Z INFO Listener] Runner execution has finished with return code 1
        `,
      errors: [{ messageId: 'jit', lines: [4], severity: 'error', confidence: 'medium' }],
    },
    {
      name: 'an expired registration token',
      log: log`
        [2024-11-21 14:05:40Z INFO CommandSettings] Command 'configure': 'True'
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: Http response code: NotFound from 'POST https://api.github.com/actions/runner-registration' (Request Id: C0A8:3E1F:7A21B4:9F0C3D:6937F0AB)
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: {"message":"Not Found","documentation_url":"https://docs.github.com/rest"}
        [2024-11-21 14:05:41Z ERR  Runner] System.Net.Http.HttpRequestException: Response status code does not indicate success: 404 (Not Found).
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: Response status code does not indicate success: 404 (Not Found).
        [2024-11-21 14:05:41Z INFO Listener] Runner execution has finished with return code 1
      `,
      errors: [
        {
          messageId: 'registration',
          lines: [2],
          severity: 'error',
          message:
            "Configuring the runner failed: the service answered NotFound to 'POST https://api.github.com/actions/runner-registration': the registration token is expired or invalid (they are valid for one hour), or the --url does not point to an existing repository, organization or enterprise (1 error(s), 2024-11-21T14:05:41Z to 2024-11-21T14:05:41Z).",
        },
      ],
    },
    {
      name: 'a runner with the same name exists',
      log: log`
        [2024-11-21 14:05:41Z ERR  Runner] GitHub.DistributedTask.WebApi.TaskAgentExistsException: A runner exists with the same name build-01.
           at GitHub.Runner.Listener.Configuration.ConfigurationManager.ConfigureAsync(CommandSettings command)
        [2024-11-21 14:05:41Z ERR  Terminal] WRITE ERROR: A runner exists with the same name build-01.
      `,
      errors: [{ messageId: 'registration', lines: [1, 3], count: 2, data: { detail: "a runner named 'build-01' is already registered: use --replace or another --name" } }],
    },
  ],
});
