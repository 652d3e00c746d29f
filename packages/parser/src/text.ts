/**
 * Small text helpers for matchers. Plain string operations on purpose: log text is
 * untrusted, and these never backtrack.
 */

/** The text between `open` and the next `close` after position `from`, or null. */
export function between(text: string, open: string, close: string, from = 0): string | null {
  const a = text.indexOf(open, from);
  if (a < 0) return null;
  const b = text.indexOf(close, a + open.length);
  if (b < 0) return null;
  return text.slice(a + open.length, b);
}

/** The text after `prefix` when `text` starts with it, else null. */
export function after(text: string, prefix: string): string | null {
  return text.startsWith(prefix) ? text.slice(prefix.length) : null;
}

/** Leading decimal integer of `text` (optionally after `from`), or null. */
export function leadingInt(text: string, from = 0): number | null {
  let i = from;
  let neg = false;
  if (text.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  const start = i;
  let n = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    i++;
  }
  if (i === start || i - start > 15) return null;
  return neg ? -n : n;
}

/**
 * A number as the runner writes it with the current culture: `47.213`, `8,64` (de-DE).
 * Returns null when `text` does not start with one.
 */
export function leadingNumber(text: string): number | null {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46 || c === 44) i++;
    else break;
  }
  if (i === 0) return null;
  const n = Number(text.slice(0, i).replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/** First run of digits anywhere in `text`, as a string (job request ids are int64). */
export function firstDigits(text: string, from = 0): string | null {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) break;
    i++;
  }
  const start = i;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i > start ? text.slice(start, i) : null;
}

/** The next whitespace-delimited word after position `from`. */
export function wordAt(text: string, from: number): string {
  let end = from;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 32 || c === 9) break;
    end++;
  }
  return text.slice(from, end);
}

/** Strips one trailing `.`. */
export function stripPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

/** `System.Net.HttpStatusCode` names (and common reason phrases) to numbers. */
const HTTP_STATUS: Record<string, number> = {
  Continue: 100,
  SwitchingProtocols: 101,
  OK: 200,
  Created: 201,
  Accepted: 202,
  NonAuthoritativeInformation: 203,
  NoContent: 204,
  ResetContent: 205,
  PartialContent: 206,
  MultipleChoices: 300,
  Ambiguous: 300,
  MovedPermanently: 301,
  Moved: 301,
  Found: 302,
  Redirect: 302,
  SeeOther: 303,
  RedirectMethod: 303,
  NotModified: 304,
  UseProxy: 305,
  TemporaryRedirect: 307,
  RedirectKeepVerb: 307,
  PermanentRedirect: 308,
  BadRequest: 400,
  Unauthorized: 401,
  PaymentRequired: 402,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  ProxyAuthenticationRequired: 407,
  RequestTimeout: 408,
  Conflict: 409,
  Gone: 410,
  LengthRequired: 411,
  PreconditionFailed: 412,
  RequestEntityTooLarge: 413,
  RequestUriTooLong: 414,
  UnsupportedMediaType: 415,
  RequestedRangeNotSatisfiable: 416,
  ExpectationFailed: 417,
  MisdirectedRequest: 421,
  UnprocessableEntity: 422,
  UnprocessableContent: 422,
  Locked: 423,
  FailedDependency: 424,
  UpgradeRequired: 426,
  PreconditionRequired: 428,
  TooManyRequests: 429,
  RequestHeaderFieldsTooLarge: 431,
  UnavailableForLegalReasons: 451,
  InternalServerError: 500,
  NotImplemented: 501,
  BadGateway: 502,
  ServiceUnavailable: 503,
  GatewayTimeout: 504,
  HttpVersionNotSupported: 505,
  VariantAlsoNegotiates: 506,
  InsufficientStorage: 507,
  LoopDetected: 508,
  NotExtended: 510,
  NetworkAuthenticationRequired: 511,
};

/**
 * `ServiceUnavailable`, `Service Unavailable`, `503` → 503. Unknown names give null; the
 * caller keeps the text as logged either way.
 */
export function httpStatusCode(text: string): number | null {
  const t = text.trim();
  const n = leadingInt(t);
  if (n !== null && n >= 100 && n <= 599 && String(n).length === 3) return n;
  const key = t.replace(/ /g, '');
  return Object.prototype.hasOwnProperty.call(HTTP_STATUS, key) ? HTTP_STATUS[key]! : null;
}
