import { fullSession as loadFullSession } from '../../testing/logs.js';
import { RuleTester, log } from '../../testing/rule-tester.js';
import rule from './wrong-platform-package.js';

const fullSession = loadFullSession();

new RuleTester().run(rule, {
  valid: [
    {
      name: 'the full healthy session',
      description: '"Runner is built for Linux (X64) - linux-x64." on Ubuntu is the normal start.',
      files: fullSession,
    },
    {
      name: 'an arm64 runner on an arm64 machine',
      description: 'The build line alone says nothing about a mismatch.',
      log: log`
        [2024-11-21 14:05:40Z INFO Listener] Runner is built for Linux (ARM64) - linux-arm64.
        [2024-11-21 14:05:40Z INFO Listener] RuntimeInformation: Ubuntu 24.04.1 LTS.
        [2024-11-21 14:05:40Z INFO Listener] Version: 2.321.0
      `,
    },
    {
      name: 'a job\'s container image of another architecture',
      description: 'Exec format errors inside a job (step log pages, Worker) concern the job\'s own image, not the runner package.',
      fileName: 'pages/7a41c0de-93b2-4f1e-8d6a-2c5e9b0f3a17_0d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6_1.log',
      log: log`
        2024-11-21T14:09:02.1234567Z ##[group]Run docker run --rm ghcr.io/acme/tool:arm64 --version
        2024-11-21T14:09:03.1234567Z exec /usr/local/bin/tool: exec format error
        2024-11-21T14:09:03.2234567Z ##[error]Process completed with exit code 1.
      `,
    },
  ],
  invalid: [
    {
      name: 'the Windows package started on Linux',
      log: log`
        [2024-11-21 14:05:40Z INFO Listener] Runner is built for Windows (X64) - win-x64.
        [2024-11-21 14:05:40Z INFO Listener] RuntimeInformation: Ubuntu 22.04.4 LTS.
        [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: This runner version is built for Windows. Please install a correct build for your OS.
      `,
      errors: [
        {
          messageId: 'builtFor',
          lines: [3],
          severity: 'error',
          confidence: 'high',
          message:
            'This runner package is built for Windows (win-x64), but the machine runs Ubuntu 22.04.4 LTS: the runner stops at start with exit code 1 (1 time(s), last at 2024-11-21T14:05:40Z). Install the package for this OS and architecture.',
        },
      ],
    },
    {
      name: 'an unsupported platform',
      log: log`
        [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: Running the runner on this platform is not supported. The current platform is FreeBSD 14.0-RELEASE and it was built for Linux.
      `,
      errors: [{ messageId: 'builtFor', lines: [1], data: { builtFor: 'Linux', actual: 'FreeBSD 14.0-RELEASE' } }],
    },
    {
      name: 'win-arm64 on Windows 10',
      log: log`
        [2024-11-21 14:05:40Z INFO Listener] Runner is built for Windows (Arm64) - win-arm64.
        [2024-11-21 14:05:40Z INFO Terminal] WRITE LINE: Win-arm64 runners require windows 11 or later. Please upgrade your operating system.
      `,
      errors: [{ messageId: 'winArm', lines: [2], severity: 'error' }],
    },
    {
      name: 'an x64 package on an arm64 machine, seen in journald',
      fileName: 'runner-journal.txt',
      log: log`
        Nov 27 18:43:12 build-01 systemd[1]: Started actions.runner.acme.build-01.service - GitHub Actions Runner (acme.build-01).
        Nov 27 18:43:12 build-01 runsvc.sh[2127]: Starting Runner listener with startup type: service
        Nov 27 18:43:12 build-01 runsvc.sh[2127]: /home/ci/actions-runner/bin/Runner.Listener: cannot execute binary file: Exec format error
        Nov 27 18:43:12 build-01 runsvc.sh[2127]: Runner listener exited with error code 126
      `,
      errors: [{ messageId: 'badBinary', lines: [3], severity: 'error', data: { detail: 'cannot execute binary file: Exec format error' } }],
    },
  ],
});
