/**
 * Shared classification of failure text (spec F15–F23, F08, F10/F11): the classic "runner stops
 * picking up jobs" report has four different root causes that look alike from the outside —
 * session state (conflicts), the service (5xx), credentials (registration, 401/403), and the
 * local network (DNS, refused/reset, timeout, TLS, proxy). The .NET and OS texts vary by
 * platform and runtime version, so matching is on stable fragments, case-insensitively.
 */
import type { EventOfKind, RunlogEvent } from '@runlog/parser';

export type FailureClass =
  | 'tls-certificate' // certificate validation failed
  | 'tls-handshake' // the TLS handshake was aborted without a certificate error
  | 'clock' // certificate NotTimeValid or OAuth "Current server time is"
  | 'dns' // name resolution failed
  | 'refused' // connection refused, reset, unreachable
  | 'premature-close' // connected, then the response ended early (typical of proxies)
  | 'timeout' // request or connect timed out
  | 'proxy' // the proxy itself said no (407, tunnel failure)
  | 'service' // HTTP 5xx from the service
  | 'throttled' // HTTP 429
  | 'unauthorized' // HTTP 401 / VssUnauthorizedException
  | 'forbidden'; // HTTP 403 (other than the deprecated-version case)

const TLS_CERT = [
  'remote certificate is invalid',
  'certificate chain',
  'untrustedroot',
  'partialchain',
  'remotecertificatenamemismatch',
  'remotecertificatechainerrors',
  'certificate verify failed',
  'self signed certificate',
  'self-signed certificate',
  'unable to get local issuer certificate',
  'ssl certificate problem',
  'the certificate chain was issued by an authority that is not trusted',
  'revocationstatusunknown',
  'notsignaturevalid',
];
const TLS_HANDSHAKE = [
  'the ssl connection could not be established',
  'received an unexpected eof or 0 bytes from the transport stream',
  'authentication failed because the remote party has closed the transport stream',
  'the handshake failed',
  'sec_e_',
  'ssl handshake',
  'tls handshake',
];
const CLOCK = ['nottimevalid', 'current server time is', 'clock may be out of sync', 'clock might be skewed'];
const DNS = [
  'name or service not known',
  'temporary failure in name resolution',
  'no such host is known',
  'nodename nor servname provided',
  'name does not resolve',
  'could not resolve host',
  'couldnt_resolve_host',
  'socket error: hostnotfound',
  'socket error: tryagain',
  'no address associated with hostname',
  'resource temporarily unavailable (',
];
const REFUSED = [
  'connection refused',
  'actively refused',
  'network is unreachable',
  'no route to host',
  'host is unreachable',
  'connection reset by peer',
  'forcibly closed by the remote host',
  'unable to read data from the transport connection',
  'socket error: connectionrefused',
  'socket error: connectionreset',
  'socket error: networkunreachable',
  'socket error: hostunreachable',
  'socket error: networkdown',
  'socket error: hostdown',
  'socket error: connectionaborted',
  'socket error: networkreset',
  'broken pipe',
  'an error occurred while sending the request',
];
const PREMATURE = ['the response ended prematurely', 'unexpected end of stream', 'response ended prematurely'];
const TIMEOUT = [
  'timed out after',
  'the operation has timed out',
  'operation timed out',
  'connection timed out',
  'httpclient.timeout',
  'the request was canceled due to the configured httpclient.timeout',
  'socket error: timedout',
  'timeoutexception',
  'a connection attempt failed because the connected party did not properly respond',
];
const PROXY = [
  'proxy tunnel request',
  'proxyauthenticationrequired',
  'proxy authentication required',
  '(407)',
  "status code '407'",
  'status code 407',
  'proxy server',
  'the proxy',
];
const SERVICE = [
  'serviceunavailable',
  'service unavailable',
  'badgateway',
  'bad gateway',
  'gatewaytimeout',
  'gateway timeout',
  'internalservererror',
  'internal server error',
  'upstream connect error',
  'status: 5',
  'status code: 5',
];

function has(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (text.includes(n)) return true;
  return false;
}

/**
 * Classifies a failure text. Order matters: the most specific statement wins (a TLS error
 * during a proxied connection is a certificate problem first; a 504 is the service, not a
 * local timeout).
 */
export function classifyText(raw: string): FailureClass | null {
  const t = raw.toLowerCase();
  if (has(t, CLOCK)) return 'clock';
  if (has(t, TLS_CERT)) return 'tls-certificate';
  if (has(t, PROXY)) return 'proxy';
  if (has(t, TLS_HANDSHAKE)) return 'tls-handshake';
  if (has(t, SERVICE)) return 'service';
  if (has(t, DNS)) return 'dns';
  if (has(t, PREMATURE)) return 'premature-close';
  if (has(t, TIMEOUT)) return 'timeout';
  if (has(t, REFUSED)) return 'refused';
  if (t.includes('toomanyrequests') || t.includes('too many requests')) return 'throttled';
  return classifyByCode(t);
}

/**
 * The operating system words socket errors in its own language (a German Windows says "Der
 * angegebene Host ist unbekannt"), but .NET prints the native code beside them:
 * `SocketException (11001): ...`. Windows' WSA codes, and the Linux and macOS errno values a
 * socket can fail with (they do not collide on sockets), classify the rest.
 */
function classifyByCode(t: string): FailureClass | null {
  const m = SOCKET_CODE.exec(t);
  if (m !== null) return SOCKET_CODES.get(Number(m[1])) ?? null;
  // .NET's own TLS exception type, whatever language its message is in.
  if (t.includes('authenticationexception')) return 'tls-handshake';
  return null;
}

const SOCKET_CODE = /socketexception \((\d{1,5})\)/;

const SOCKET_CODES: ReadonlyMap<number, FailureClass> = new Map([
  // Windows (WSA): host not found, try again, no data; timed out; refused, reset, aborted, unreachable.
  [11001, 'dns'], [11002, 'dns'], [11004, 'dns'],
  [10060, 'timeout'],
  [10061, 'refused'], [10054, 'refused'], [10053, 'refused'], [10051, 'refused'], [10065, 'refused'],
  // Linux errno: timed out; refused, reset, host and network unreachable.
  [110, 'timeout'],
  [111, 'refused'], [104, 'refused'], [113, 'refused'], [101, 'refused'],
  // macOS errno: the same, numbered differently.
  [60, 'timeout'],
  [61, 'refused'], [54, 'refused'], [65, 'refused'], [51, 'refused'],
]);

/** How a failure class reads in a message ("… after DNS failures"). */
export const FAILURE_CLASS_LABELS: Readonly<Record<FailureClass, string>> = {
  service: 'HTTP 5xx from the service',
  dns: 'DNS failures',
  refused: 'connections refused or reset',
  'premature-close': 'connections closed early',
  timeout: 'timeouts',
  'tls-certificate': 'TLS certificate errors',
  'tls-handshake': 'TLS handshake failures',
  proxy: 'proxy errors',
  clock: 'clock skew',
  throttled: 'throttling (HTTP 429)',
  unauthorized: 'HTTP 401',
  forbidden: 'HTTP 403',
};

/** Classifies an HTTP status. */
export function classifyStatus(status: number | null): FailureClass | null {
  if (status === null) return null;
  if (status === 429) return 'throttled';
  if (status === 407) return 'proxy';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status >= 500 && status <= 599) return 'service';
  return null;
}

/** An exception and its inner exceptions as `Type: message` texts, outermost first. */
export function exceptionTexts(e: EventOfKind<'exception'>): string[] {
  return [`${e.type}: ${e.message}`, ...e.inner.map((i) => `${i.type}: ${i.message}`)];
}

/** All the text an event offers for classification. */
export function failureText(e: RunlogEvent): string | null {
  switch (e.kind) {
    case 'exception':
      return exceptionTexts(e).join(' | ');
    case 'connection.lost':
      return e.reason;
    case 'error.classified':
      return e.message;
    case 'job.acquire_error':
      return e.message;
    case 'terminal.error':
      return e.message;
    case 'http.failure':
      return e.reason ?? e.statusText;
    case 'http.timeout':
      return `timed out after ${e.seconds} seconds`;
    case 'unrecognized':
      return e.level === 'ERR' || e.level === 'WARN' ? e.text : null;
    default:
      return null;
  }
}

const CANCELLATION_TYPES = ['TaskCanceledException', 'OperationCanceledException'];

/**
 * A request the runner cancelled itself: the long poll it drops when a job starts or ends,
 * or a shutdown. Its inner exceptions ("Unable to read data from the transport connection:
 * Operation canceled") must not read as a network failure. A cancellation caused by a
 * timeout (HttpClient.Timeout) is a timeout, not this.
 */
export function isLocalCancellation(e: RunlogEvent): boolean {
  if (e.kind !== 'exception') return false;
  // The inner exceptions of such a cancellation, re-logged on their own under `#####`: a socket
  // read the runner aborted (ECANCELED 125 on Linux, WSA 995 on Windows), not the network.
  if (e.redump && LOCAL_ABORT.test(e.message)) return true;
  if (!CANCELLATION_TYPES.some((t) => e.type.endsWith(t))) return false;
  const text = failureText(e)!.toLowerCase();
  return !text.includes('timeout') && !text.includes('timed out');
}

const LOCAL_ABORT = /^(?:Unable to read data from the transport connection: )?(?:Operation canceled|The I\/O operation has been aborted because of either a thread exit or an application request)\.?$/i;

/** The class of a failure event, or null when it is not a classifiable failure. */
export function classifyEvent(e: RunlogEvent): FailureClass | null {
  if (isLocalCancellation(e)) return null;
  if (e.kind === 'http.failure') {
    return classifyStatus(e.status) ?? (e.reason === null ? null : classifyText(e.reason));
  }
  if (e.kind === 'http.timeout') return 'timeout';
  const text = failureText(e);
  return text === null ? null : classifyText(text);
}

/** Hosts of GitHub's Actions service: errors naming them concern the runner's link to GitHub. */
export function namesGitHubHost(text: string): boolean {
  const t = text.toLowerCase();
  return t.includes('github.com') || t.includes('githubusercontent.com') || t.includes('visualstudio.com') || t.includes('dev.azure.com');
}
