/**
 * F43: the runner package does not match the machine's OS or CPU architecture.
 *
 * The runner's own statements (`This runner version is built for <OS>. Please install a correct
 * build for your OS.`, `Win-arm64 runners require windows 11 or later.`, `Running the runner on
 * this platform is not supported.`) and, when the .NET host cannot even start, the OS loader's
 * errors in console or journald text (`cannot execute binary file: Exec format error`,
 * `BadImageFormatException`, `is not a valid Win32 application`, `wrong ELF class`).
 */
import type { RunlogEvent } from '@runlog/parser';
import { Occurrences } from '../../evidence.js';
import { createRule } from '../../types.js';

const BUILT_FOR = /This (?:runner|agent) version is built for (\w+)\. Please install a correct build for your OS/i;
const WIN_ARM = /Win-arm64 runners require windows 11 or later/i;
const UNSUPPORTED = /Running the (?:runner|agent) on this platform is not supported\.(?: The current platform is (.+?) and it was built for (\w+))?/i;
const LOADER: RegExp[] = [
  /cannot execute binary file:? Exec format error/i,
  /\bexec format error\b/i,
  /BadImageFormatException/,
  /An attempt was made to load a program with an incorrect format/i,
  /is not a valid Win32 application/i,
  /wrong ELF class/i,
];
const BUILD_LINE = /(?:Runner|Agent) is built for (\w+) \((\w+)\)(?: - ([\w-]+))?/i;
const RUNTIME_INFORMATION = 'RuntimeInformation: ';

/**
 * `RuntimeInformation: <os and architecture>.` on the text's last line, without the final
 * period: what `/RuntimeInformation: (.+?)\.?$/` captured, found with indexOf. The regex ran its
 * lazy scan to the end of the text again from every occurrence (recheck: polynomial).
 */
function runtimeInformation(text: string): string | null {
  // `.` stops at line terminators and `$` is the end of the text: only the last line can match.
  let lineStart = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      lineStart = i + 1;
      break;
    }
  }
  const at = text.indexOf(RUNTIME_INFORMATION, lineStart);
  if (at < 0) return null;
  const rest = text.slice(at + RUNTIME_INFORMATION.length);
  if (rest.length === 0) return null;
  return rest.length > 1 && rest.endsWith('.') ? rest.slice(0, -1) : rest;
}

function textOf(e: RunlogEvent): string | null {
  switch (e.kind) {
    case 'terminal.line':
    case 'terminal.error':
      return e.message;
    case 'unrecognized':
      return e.text;
    case 'exception':
      return `${e.type}: ${e.message}`;
    default:
      return null;
  }
}

export default createRule({
  meta: {
    id: 'wrong-platform-package',
    cause: 'wrong_platform_package',
    title: 'The runner package does not match the machine\'s OS or architecture',
    type: 'root-cause',
    severity: 'error',
    messages: {
      builtFor:
        'This runner package is built for {{builtFor}}{{package}}, but the machine runs {{actual}}: the runner stops at start with exit code 1 ({{count}} time(s), last at {{last}}). Install the package for this OS and architecture.',
      winArm: 'This win-arm64 runner needs Windows 11 or later: the runner stops at start with exit code 1 ({{count}} time(s), last at {{last}}).',
      badBinary:
        "The runner's binaries cannot be executed on this machine ({{detail}}), {{count}} time(s), last at {{last}}: the package was built for another CPU architecture or OS, so the runner never starts and writes no _diag log.",
    },
    docs: {
      description:
        'Runner packages are built per OS and CPU architecture (linux-x64, linux-arm64, linux-arm, osx-x64, osx-arm64, win-x64, win-arm64). A package for another OS stops at once with "This runner version is built for <OS>"; a package for another CPU architecture cannot even be loaded by the OS ("Exec format error"), so the only trace is in the service host\'s output (journald, launchd stdout, Windows Event Log) or the console.',
      confirm: [
        'Compare the machine (`uname -sm`, or `[System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture` on Windows) with the package name you downloaded (e.g. actions-runner-linux-arm64-<version>.tar.gz).',
        'Run `file <runner>/bin/Runner.Listener` (Linux/macOS): it names the architecture the binary was built for.',
        'For containers: check the image architecture (`docker image inspect <image> --format "{{.Architecture}}"`) against the node\'s.',
      ],
      catalog: ['F43'],
    },
    remedy: {
      temporary: [
        'Download the package for this machine from https://github.com/actions/runner/releases (the "New self-hosted runner" page shows the right commands for each OS and architecture), extract it into a fresh directory and configure it there.',
      ],
      permanent: [
        'Pick the package by the machine\'s architecture in your provisioning scripts (e.g. map `uname -m` x86_64 → x64, aarch64 → arm64) and build multi-architecture runner images.',
        'For win-arm64 runners use Windows 11 or later.',
      ],
      prevention: [
        'Pin node selectors / architectures for runner pods so an image is never scheduled on a node of another architecture.',
      ],
      docs: [
        'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#supported-architectures-and-operating-systems-for-self-hosted-runners',
        'https://github.com/actions/runner/releases',
      ],
    },
  },
  create(context) {
    const statements = new Occurrences(context, 2, 1);
    const winArm = new Occurrences(context, 2, 1);
    const loader = new Occurrences(context, 2, 1);
    let builtFor: string | null = null;
    let packageName: string | null = null;
    let actual: string | null = null;
    let loaderDetail: string | null = null;

    const observe = (e: RunlogEvent): void => {
      const text = textOf(e);
      if (text === null) return;
      const build = BUILD_LINE.exec(text);
      if (build !== null && e.kind === 'unrecognized') {
        packageName = build[3] ?? null;
        return;
      }
      const runtime = runtimeInformation(text);
      if (runtime !== null && e.kind === 'unrecognized') {
        actual = runtime;
        return;
      }
      let m = BUILT_FOR.exec(text);
      if (m !== null) {
        builtFor = m[1]!;
        statements.add(e);
        return;
      }
      m = UNSUPPORTED.exec(text);
      if (m !== null) {
        if (m[1] !== undefined) actual = m[1];
        if (m[2] !== undefined) builtFor = m[2];
        statements.add(e);
        return;
      }
      if (WIN_ARM.test(text)) {
        winArm.add(e);
        return;
      }
      // The OS loader's errors only count outside the Worker: in a job they concern the job's own tools and images.
      if (e.process === 'worker' || e.process === 'selfupdate') return;
      if (e.kind === 'exception' && e.level !== 'ERR' && e.level !== 'CRIT') return;
      const hit = LOADER.find((re) => re.test(text));
      if (hit !== undefined) {
        loader.add(e);
        loaderDetail ??= (hit.exec(text)?.[0] ?? text).trim();
      }
    };

    return {
      'terminal.line': observe,
      'terminal.error': observe,
      unrecognized: observe,
      exception: observe,
      end() {
        const base = (o: Occurrences): { evidence: NonNullable<ReturnType<Occurrences['summary']>>['evidence']; evidenceOmitted: number; count: number; firstSeen: string | null; lastSeen: string | null } => {
          const s = o.summary()!;
          return { evidence: s.evidence, evidenceOmitted: s.evidenceOmitted, count: o.count, firstSeen: s.firstSeen, lastSeen: s.lastSeen };
        };
        if (!statements.empty) {
          context.report({
            ...base(statements),
            messageId: 'builtFor',
            data: {
              builtFor: builtFor ?? 'another OS',
              package: packageName !== null ? ` (${packageName})` : '',
              actual: actual ?? context.facts.os ?? 'another OS',
              count: statements.count,
              last: statements.lastSeen ?? 'unknown',
            },
            severity: 'error',
            confidence: { level: 'high', reason: 'the runner compared the OS it runs on with the one it was built for and refused to start' },
            conclusive: true,
          });
        }
        if (!winArm.empty) {
          context.report({
            ...base(winArm),
            messageId: 'winArm',
            data: { count: winArm.count, last: winArm.lastSeen ?? 'unknown' },
            severity: 'error',
            confidence: { level: 'high', reason: 'the runner checked the Windows version itself and refused to start' },
            conclusive: true,
          });
        }
        if (!loader.empty && statements.empty && winArm.empty) {
          context.report({
            ...base(loader),
            messageId: 'badBinary',
            data: { detail: loaderDetail ?? 'the OS refused to load it', count: loader.count, last: loader.lastSeen ?? 'unknown' },
            severity: 'error',
            confidence: { level: 'medium', reason: 'the OS loader rejected a binary outside any job; the message does not name which binary when it is cut' },
          });
        }
      },
    };
  },
});
