/**
 * Worker exit codes and memory exhaustion texts, shared by `worker-crashed` and
 * `runner-oom-killed` so that the two rules split crashes the same way: a crash with exit code
 * 137 or with out-of-memory evidence belongs to `runner-oom-killed`, every other one to
 * `worker-crashed` (spec F29, §4.F rule 5).
 */

/** 100 + TaskResult: the worker's normal exit codes (Succeeded … Abandoned). */
export function isJobResultCode(code: number): boolean {
  return code >= 100 && code <= 105;
}

/** 128 + 9: SIGKILL, which the kernel OOM killer and container memory limits send. */
export const SIGKILL_EXIT = 137;

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

const SIGNAL_MEANING: Record<number, string> = {
  2: 'interrupted (Ctrl-C)',
  6: 'the .NET runtime aborted, e.g. "Couldn\'t find a valid ICU package" (install libicu) or another fatal runtime error',
  9: 'killed: the kernel OOM killer, a container memory limit, or kill -9',
  11: 'a native crash (segmentation fault) in the .NET runtime or a native library',
  7: 'a native crash (bus error), often a corrupt binary or a full/broken filesystem',
  4: 'a native crash (illegal instruction): a package built for another CPU, or a corrupt binary',
  15: 'terminated: a service stop, a container shutdown or `kill` stopped the worker',
  1: 'the terminal or session that started the runner went away',
};

/** Windows NTSTATUS / HRESULT values .NET reports as negative exit codes. */
const NTSTATUS: Record<number, string> = {
  0xe0434352: 'an unhandled .NET exception',
  0xc0000005: 'an access violation (native crash)',
  0xc00000fd: 'a stack overflow',
  0xc0000409: 'a fail-fast or stack buffer overrun',
  0xc0000135: 'a missing DLL',
  0xc0000142: 'a DLL initialization failure (often a desktop-heap or service-session problem)',
  0xc000013a: 'Ctrl-C or the console being closed',
  0xc0000017: 'no memory available (STATUS_NO_MEMORY)',
  0x40010004: 'the process being terminated by another process',
};

/** Signal number for a Unix `128 + N` exit code, or null. */
export function signalOf(code: number): number | null {
  return code > 128 && code < 160 ? code - 128 : null;
}

/** A person-readable interpretation of a worker exit code (spec F29). */
export function describeExitCode(code: number): string {
  if (code === 0) return 'exit code 0: the worker stopped without reporting a job result';
  if (code === 1) return 'exit code 1: an unhandled .NET exception in the worker';
  if (code === -1) return 'exit code -1: the process was terminated from outside';
  const signal = signalOf(code);
  if (signal !== null) {
    const name = SIGNALS[signal] ?? `signal ${signal}`;
    const meaning = SIGNAL_MEANING[signal];
    return `exit code ${code}: killed by ${name}${meaning !== undefined ? `, ${meaning}` : ''}`;
  }
  if (code < 0 || code >= 0x40000000) {
    const unsigned = code >>> 0;
    const hex = `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
    const meaning = NTSTATUS[unsigned];
    return `exit code ${code} (${hex}): ${meaning ?? 'a Windows NTSTATUS/HRESULT failure'}`;
  }
  return `exit code ${code}: not a job result (100–105)`;
}

const OOM_PATTERNS: readonly RegExp[] = [
  /OutOfMemory/i, // System.OutOfMemoryException, OutOfMemoryError
  /\bout of memory\b/i, // kernel "Out of memory: Killed process", .NET "Out of memory.", node "heap out of memory"
  /\boom[-_ ]?kill/i, // oom-kill, oom_kill_process, OOM killer, OOMKilled
  /\bcannot allocate memory\b/i, // ENOMEM
  /insufficient memory to continue/i, // OutOfMemoryException's message
];

/** The runner's own OOM-score bookkeeping (`Updated oom_score_adj to 500 for PID`) is not memory exhaustion. */
const OOM_SCORE = /oom_score_adj|OOMSCOREADJ/i;

/** True for text that states memory exhaustion. */
export function isOomText(text: string): boolean {
  if (OOM_SCORE.test(text)) return false;
  return OOM_PATTERNS.some((re) => re.test(text));
}

/**
 * The unambiguous subset, for free-form error lines: `Cannot allocate memory` (ENOMEM) also comes
 * from mmap, pid or locked-memory limits, so alone it only counts in a crashed worker's output.
 */
export function isStrongOomText(text: string): boolean {
  if (OOM_SCORE.test(text)) return false;
  return /OutOfMemory|\bout of memory\b|\boom[-_ ]?kill|insufficient memory to continue/i.test(text);
}

/** `Killed` as a shell prints it for a SIGKILLed child (`bash: line 1: 4242 Killed ...`). */
export function isKilledLine(line: string): boolean {
  return /(?:^|\s)Killed(?:\s|$)/.test(line) && !OOM_SCORE.test(line);
}

/** The first captured output line that shows memory exhaustion, or null. */
export function oomLine(lines: readonly string[]): string | null {
  for (const l of lines) if (isOomText(l) || isKilledLine(l)) return l.trim();
  return null;
}

/** Disk exhaustion in a crashed worker's output (the runner itself treats an IOException as a full disk). */
export function isDiskText(text: string): boolean {
  return /System\.IO\.IOException|no space left on device|not enough space on the disk/i.test(text);
}

/** Up to `max` non-empty, trimmed lines of captured output, for quoting. */
export function quoteLines(lines: readonly string[], max = 3): string {
  return lines
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('at '))
    .slice(0, max)
    .join(' | ');
}
