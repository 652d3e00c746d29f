/**
 * Redaction for reports shared outside the company (`--redact`).
 *
 * Values are replaced consistently across every file and the whole report — the same host is
 * always `host-1` — so a support engineer can still correlate. What support needs is kept:
 * session, job and request ids (GUIDs and numbers), times, the runner version, HTTP statuses,
 * exception types and cause ids.
 *
 * The redactor learns names (runner, organisation, repository, user) from the runner's facts
 * and from the text itself, and then replaces every occurrence, not only the one it learned
 * from. Every pattern is linear-time: bounded quantifiers, or classes that cannot overlap.
 */

export type RedactionCategory =
  | 'token'
  | 'credential'
  | 'tenant'
  | 'organization'
  | 'repository'
  | 'runner'
  | 'host'
  | 'ip'
  | 'email'
  | 'user';

const PLACEHOLDER: Record<RedactionCategory, string> = {
  token: 'token',
  credential: 'credential',
  tenant: 'tenant',
  organization: 'org',
  repository: 'repo',
  runner: 'runner',
  host: 'host',
  ip: 'ip',
  email: 'email',
  user: 'user',
};

export interface RedactionCount {
  category: RedactionCategory;
  /** Distinct values replaced. */
  values: number;
  /** Replacements made. */
  replacements: number;
}

/** Hosts that identify GitHub or public services, not the user: kept. */
const PUBLIC_DOMAINS = [
  'github.com',
  'githubusercontent.com',
  'githubstatus.com',
  'githubapp.com',
  'github.io',
  'ghcr.io',
  'visualstudio.com',
  'dev.azure.com',
  'azure.com',
  'azureedge.net',
  'windows.net',
  'microsoft.com',
  'nuget.org',
  'npmjs.org',
  'npmjs.com',
  'docker.io',
  'docker.com',
  'ubuntu.com',
  'debian.org',
  'nodejs.org',
  'example.com',
  'example.org',
  'example.net',
];

/** Last labels that are file extensions far more often than TLDs in runner logs. */
const FILE_EXTENSIONS = new Set([
  'log', 'dll', 'exe', 'json', 'yml', 'yaml', 'txt', 'cs', 'js', 'mjs', 'cjs', 'ts', 'sh', 'cmd', 'ps1', 'bat', 'zip', 'gz',
  'tgz', 'tar', 'md', 'xml', 'config', 'pdb', 'so', 'dylib', 'py', 'rb', 'go', 'rs', 'java', 'jar', 'lock', 'toml', 'ini', 'env',
  'pem', 'crt', 'key', 'csproj', 'sln', 'props', 'targets', 'plist', 'service', 'succeed', 'failed', 'tmp', 'bak', 'html', 'css',
  'png', 'svg', 'deb', 'rpm', 'msi', 'pkg', 'dmg', 'nupkg', 'whl', 'proto',
]);

/** Top-level domains common enough to trust a two-label name (`acme.com`) as a host. */
const COMMON_TLDS = new Set([
  'com', 'net', 'org', 'io', 'dev', 'app', 'ai', 'co', 'cloud', 'tech', 'info', 'biz', 'me', 'xyz', 'site', 'online', 'cc', 'tv',
  'edu', 'gov', 'mil', 'int', 'arpa', 'local', 'internal', 'corp', 'lan', 'home', 'intra', 'test', 'example', 'invalid', 'localdomain',
  'us', 'uk', 'de', 'fr', 'jp', 'cn', 'in', 'au', 'ca', 'nl', 'se', 'no', 'fi', 'dk', 'ch', 'at', 'be', 'es', 'it', 'pl', 'ru', 'br',
  'mx', 'kr', 'tw', 'sg', 'hk', 'nz', 'ie', 'il', 'za', 'eu', 'asia', 'cz', 'pt', 'gr', 'hu', 'ro', 'tr', 'ua', 'ar', 'cl', 'vn', 'id',
]);

/** Organisations whose repositories are public actions, kept so support can see which action failed. */
const PUBLIC_ORGS = new Set(['actions', 'github', 'docker', 'azure', 'aws-actions', 'google-github-actions', 'hashicorp', 'microsoft']);

/** Words too common to redact wherever they appear as a known name. */
const COMMON_WORDS = new Set(['runner', 'runners', 'actions', 'github', 'default', 'build', 'test', 'main', 'self-hosted', 'linux', 'windows', 'macos', 'x64', 'arm64', 'work', 'home', 'user', 'root', 'admin']);

// ── patterns (each linear) ──────────────────────────────────────────────────────────────
// Short minimums: an evidence excerpt can cut a token in two (`ghp_A1b2C3d4 … `), and the
// part that is left must not survive either.
// A pattern that opens with a long run of one character class starts only at the first place
// in such a run where `\b` would have let it start (the lookbehinds below): restarting at every
// later one rescanned up to the bound each time, hundreds or thousands of characters (recheck:
// polynomial; a 64 KB line of `eyJ-eyJ-...` took 0.3 s per pattern). Later starts in the same
// run only ever mattered when the first one failed on a malformed name (`a-.b.com`, more than
// 10 labels, a 32-character scheme), which is then left as it is.
const TOKEN_PATTERNS: RegExp[] = [
  /\bgh[opsur]_[A-Za-z0-9]{8,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{8,255}\b/g,
  // JWT (signature may be cut off): at `eyJ` after a non-word character, unless an earlier part
  // of the same `-`-joined run started so.
  /(?=eyJ)(?:(?<![\w-])|(?<=(?:^|[^\w-])(?:(?!eyJ)\w*-)+))eyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,4096}(?:\.[A-Za-z0-9_-]{1,4096})?/g,
];
const AUTH_HEADER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=-]{16,4096})/g;
// `scheme://user:password@` and `scheme://user@` (a token as user name, `git@`-style accounts);
// not `docker://image:tag@sha256:...`, a public image pinned by digest.
// The scheme starts where `\b` allows it, once per run of scheme characters (`1a+http://` → `http`).
const URL_CREDENTIALS =
  /(?=[a-z])(?:(?<![\w+.-])|(?<=(?:(?:^|[^\w+.-])(?:[0-9][a-z0-9]*)?|_[a-z0-9]*)(?:[+.-]+[0-9][a-z0-9]*)*[+.-]+))(?!docker:)([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/@:'"<>]{1,256})(?::([^\s/@'"<>]{1,256}))?@/gi;
const SECRET_PARAM = /([?&](?:access_token|token|sig|signature|code|password|pwd|secret|client_secret|jwt)=)([^&\s'"<>]{1,4096})/gi;
const TENANT = /((?<![\w-])[a-z0-9-]{1,63}\.actions\.githubusercontent\.com\/)([A-Za-z0-9_-]{8,128})/gi;
const GITHUB_PATH = /((?<![A-Za-z0-9.-])(?:www\.|api\.)?github\.com[/:])([A-Za-z0-9][A-Za-z0-9-]{0,38})(?:\/([A-Za-z0-9._-]{1,100}))?(?:\/([A-Za-z0-9._-]{1,100}))?/gi;
// Not inside a word, and not the user part of a URL (`https://user@host`: that is a credential).
const EMAIL = /(?<![A-Za-z0-9._%+-]|:\/\/)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
const HOME = /((?:\/home\/|\/Users\/|[A-Za-z]:\\Users\\|[A-Za-z]:\\\\Users\\\\))([^/\\\s'"<>:]{1,64})/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b/g;
// A group may also be `<n>`: the unrecognised-pattern templates mask decimal runs (`fe80:<n>:1ff:...`).
const IPV6 = /(?<![\w:.])(?:(?:[0-9a-fA-F]{1,4}|<n>)?:){2,7}(?:[0-9a-fA-F]{1,4}|<n>)?(?![\w:])/g;
// Once per run of host characters, where `\b` first allows it: at the run's start, or after the
// first `.`/`-` when the run starts with one or follows a capital or `_` (`.acme.com` in a
// NO_PROXY list, `MyServer.corp.acme.com`: `corp.acme.com`, as before).
const HOSTNAME = /(?=[a-z0-9])(?:(?<![\w.-])|(?<=(?:^|[^\w.-])[.-]+)|(?<=[A-Z_][a-z0-9]*[.-]+))(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z]{2,24}\b/g;

// Names stated in messages: `The actions runner <name> already has an active session.`
const ACTIVE_SESSION = ' already has an active session';
/** Where that statement can start: a keyword at a word boundary. */
const SESSION_KEYWORD = /\b(?:actions runner|task agent|runner|agent) /g;
/**
 * The statement, tried at one keyword at a time (sticky). Unanchored, it restarted at every
 * keyword and rescanned up to 100 characters each time (recheck: polynomial); tried at the
 * keywords in order, it finds the same leftmost match (`activeSessionStatement`).
 */
const ACTIVE_SESSION_STATEMENT = /(?:actions runner|task agent|runner|agent) ([^\s.'"][^.'"]{0,99}?) already has an active session(?: for owner ([^.'"]{1,100}))?/y;
const SAME_NAME_STATEMENT = /A runner exists with the same name ([^.'"]{1,100})/;

function activeSessionStatement(text: string): RegExpExecArray | null {
  if (!text.includes(ACTIVE_SESSION)) return null;
  SESSION_KEYWORD.lastIndex = 0;
  for (let k = SESSION_KEYWORD.exec(text); k !== null; k = SESSION_KEYWORD.exec(text)) {
    ACTIVE_SESSION_STATEMENT.lastIndex = k.index;
    const m = ACTIVE_SESSION_STATEMENT.exec(text);
    if (m !== null) return m;
    SESSION_KEYWORD.lastIndex = k.index + 1; // `actions runner ` also holds `runner `
  }
  return null;
}

export interface RedactorSeed {
  runnerName?: string | null;
  gitHubUrl?: string | null;
  serverUrl?: string | null;
  repository?: string | null;
}

export class Redactor {
  private readonly values = new Map<RedactionCategory, Map<string, string>>();
  private readonly replacements = new Map<RedactionCategory, number>();
  /** `category\0value` of every value actually replaced somewhere. */
  private readonly used = new Set<string>();
  private knownPattern: RegExp | null = null;
  private readonly known = new Map<string, { category: RedactionCategory }>();
  /** Known names with their digit runs masked as `<n>`, to the name. */
  private readonly masked = new Map<string, string>();

  /** Learns names from the runner's facts before any text is redacted. */
  seed(seed: RedactorSeed): void {
    if (seed.runnerName) this.learn('runner', seed.runnerName);
    for (const url of [seed.gitHubUrl, seed.serverUrl]) {
      if (!url) continue;
      const m = /^[a-z][a-z0-9+.-]{0,30}:\/\/([^/\s]{1,253})\/?([^?#\s]*)/i.exec(url);
      if (m === null) continue;
      const host = m[1]!.toLowerCase();
      if (!isPublicHost(host)) this.learn('host', host);
      if (url === seed.gitHubUrl) {
        const segments = m[2]!.split('/').filter((s) => s.length > 0);
        const [a, b, c] = segments;
        if (a === 'enterprises' && b !== undefined) this.learn('organization', b);
        else if (a !== undefined) {
          this.learn('organization', a);
          if (b !== undefined) this.learn('repository', b);
          void c;
        }
      }
    }
    if (seed.repository) {
      const [org, repo] = seed.repository.split('/');
      if (org) this.learn('organization', org);
      if (repo) this.learn('repository', repo);
    }
  }

  /** Learns names the text states (a runner name in a session-conflict message). */
  learnFrom(text: string): void {
    // The user of `scheme://user:password@host` also turns up alone (a proxy user in a host list).
    if (text.includes('@')) {
      for (const m of text.matchAll(URL_CREDENTIALS)) if (m[3] !== undefined) this.learn('user', m[2]!);
    }
    for (const m of [activeSessionStatement(text), SAME_NAME_STATEMENT.exec(text)]) {
      if (m === null) continue;
      if (m[1] !== undefined) this.learn('runner', m[1].trim());
      if (m[2] !== undefined) this.learn('host', m[2].trim());
    }
  }

  redact(text: string): string {
    if (text.length === 0) return text;
    this.learnFrom(text);
    let t = text;
    for (const re of TOKEN_PATTERNS) t = t.replace(re, (v) => this.placeholder('token', v));
    // Credentials have digits; prose after "Bearer"/"Basic" does not.
    t = t.replace(AUTH_HEADER, (m, scheme: string, space: string, v: string) => (/\d/.test(v) ? `${scheme}${space}${this.placeholder('token', v)}` : m));
    t = t.replace(URL_CREDENTIALS, (m, scheme: string, user: string, pass: string | undefined) =>
      pass === undefined && isPlaceholder(user) ? m : `${scheme}${this.placeholder('credential', pass === undefined ? user : `${user}:${pass}`)}@`,
    );
    t = t.replace(SECRET_PARAM, (_m, key: string, v: string) => (v === '***' ? `${key}${v}` : `${key}${this.placeholder('token', v)}`));
    t = t.replace(TENANT, (_m, host: string, id: string) => `${host}${this.placeholder('tenant', id)}`);
    t = t.replace(GITHUB_PATH, (m, prefix: string, a: string, b?: string, c?: string) => this.githubPath(m, prefix, a, b, c));
    t = t.replace(EMAIL, (v) => this.placeholder('email', v.toLowerCase()));
    t = t.replace(HOME, (_m, prefix: string, user: string) => `${prefix}${this.placeholder('user', user)}`);
    t = t.replace(IPV4, (v) => this.placeholder('ip', v));
    t = t.replace(IPV6, (v) => (isIpv6(v) ? this.placeholder('ip', v.toLowerCase()) : v));
    // Host names before known names, so `ghes.acme.com` is one host, not `ghes.org-1.com`.
    t = t.replace(HOSTNAME, (v) => (looksLikeHost(v) ? this.placeholder('host', v) : v));
    t = this.replaceKnown(t);
    return t;
  }

  /** What was replaced, by kind: for the report's redaction notice. */
  summary(): RedactionCount[] {
    return [...this.values]
      .map(([category, map]) => ({
        category,
        values: [...map.keys()].filter((v) => this.used.has(`${category}\u0000${v}`)).length,
        replacements: this.replacements.get(category) ?? 0,
      }))
      .filter((c) => c.replacements > 0)
      .sort((a, b) => (a.category < b.category ? -1 : 1));
  }

  /** The mapping, original → placeholder, for the owner's local `--redact-map` file. */
  mapping(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    // Only what was actually replaced: a name learned but never met is not in the report.
    for (const [category, map] of [...this.values].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const entries = [...map].filter(([v]) => this.used.has(`${category}\u0000${v}`));
      if (entries.length > 0) out[category] = Object.fromEntries(entries.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return out;
  }

  private githubPath(whole: string, prefix: string, a: string, b?: string, c?: string): string {
    const reserved = new Set(['orgs', 'enterprises', 'repos', 'users']);
    const lowerA = a.toLowerCase();
    if (reserved.has(lowerA) && b !== undefined) {
      if (PUBLIC_ORGS.has(b.toLowerCase())) return whole;
      const org = this.placeholder('organization', b);
      if (lowerA === 'repos' && c !== undefined) return `${prefix}${a}/${org}/${this.placeholder('repository', c)}`;
      return `${prefix}${a}/${org}${c !== undefined ? `/${c}` : ''}`;
    }
    if (['apps', 'settings', 'login', 'features', 'marketplace', 'api', '_apis'].includes(lowerA) || PUBLIC_ORGS.has(lowerA)) return whole;
    const org = this.placeholder('organization', a);
    const repo = b === undefined ? '' : `/${this.placeholder('repository', b.replace(/\.git$/, ''))}${b.endsWith('.git') ? '.git' : ''}`;
    return `${prefix}${org}${repo}${c !== undefined ? `/${c}` : ''}`;
  }

  private learn(category: RedactionCategory, value: string): void {
    const v = value.trim();
    if (v.length < 3 || COMMON_WORDS.has(v.toLowerCase()) || this.known.has(v)) return;
    if (isPlaceholder(v)) return; // already a placeholder
    this.known.set(v, { category });
    // Unrecognised-pattern templates mask decimal runs: `build-01` is also `build-<n>` there.
    const masked = maskDigits(v);
    if (masked !== v && !this.masked.has(masked)) this.masked.set(masked, v);
    this.knownPattern = null;
    this.placeholderFor(category, v);
  }

  private replaceKnown(text: string): string {
    if (this.known.size === 0) return text;
    if (this.knownPattern === null) {
      const names = [...this.known.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      // An alternation of literals (digit runs may also read `<n>`): each position tries each
      // name once (linear in text).
      const alternatives = names.map((n) => escapeRegExp(n).replace(/\d+/g, (d) => `(?:${d}|<n>)`));
      this.knownPattern = new RegExp(`(?<![A-Za-z0-9_-])(?:${alternatives.join('|')})(?![A-Za-z0-9_-])`, 'g');
    }
    return text.replace(this.knownPattern, (v) => {
      const name = this.known.has(v) ? v : (this.masked.get(maskDigits(v)) ?? v);
      return this.placeholder(this.known.get(name)?.category ?? 'runner', name);
    });
  }

  private placeholder(category: RedactionCategory, value: string): string {
    this.replacements.set(category, (this.replacements.get(category) ?? 0) + 1);
    this.used.add(`${category}\u0000${value}`);
    return this.placeholderFor(category, value);
  }

  private placeholderFor(category: RedactionCategory, value: string): string {
    let map = this.values.get(category);
    if (map === undefined) {
      map = new Map();
      this.values.set(category, map);
    }
    let p = map.get(value);
    if (p === undefined) {
      p = `${PLACEHOLDER[category]}-${map.size + 1}`;
      map.set(value, p);
    }
    return p;
  }
}

/** A dotted lower-case name that is a host of the user's (not GitHub's, not a file name). */
function looksLikeHost(v: string): boolean {
  if (isPublicHost(v)) return false;
  const labels = v.split('.');
  const tld = labels[labels.length - 1]!;
  if (FILE_EXTENSIONS.has(tld)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(labels[0]!)) return false; // a GUID-named file
  return labels.length >= 3 || COMMON_TLDS.has(tld);
}

function isPublicHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  if (h === 'localhost') return true;
  return PUBLIC_DOMAINS.some((d) => h === d || h.endsWith(`.${d}`));
}

/** A colon-hex run is an IPv6 address only with `::` or at least five groups (times have three). */
function isIpv6(v: string): boolean {
  const groups = v.split(':');
  if (v.includes('::')) return groups.some((g) => /[0-9a-f]/i.test(g)) && v.length >= 4;
  return groups.length >= 5 && groups.every((g) => g.length > 0) && groups.some((g) => g !== '<n>');
}

/** `host-1`, `token-12`: a value this redactor (or an earlier pass) already wrote. */
function isPlaceholder(v: string): boolean {
  return /^[a-z]+-\d+$/.test(v) && Object.values(PLACEHOLDER).includes(v.replace(/-\d+$/, ''));
}

function maskDigits(s: string): string {
  return s.replace(/\d+/g, '<n>');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keys whose values are ids, enums or times: what support needs, never personal data. */
const KEEP_KEYS = new Set([
  'id',
  'cause',
  'kind',
  'severity',
  'verdict',
  'level',
  'role',
  'outcome',
  'type',
  'ruleId',
  'messageId',
  'rules',
  'time',
  'start',
  'end',
  'firstSeen',
  'lastSeen',
  'nameTime',
  'version',
  'jobId',
  'requestId',
  'schemaVersion',
  'encoding',
  'standing',
  'date',
  'category',
]);

/** runlog's own rule metadata (remedies quote `http://user:pass@proxy:port` as an example). */
const KEEP_SUBTREES = new Set(['remedy']);

/**
 * Applies `redact` to every string inside a JSON-like value, keeping keys, structure, and the
 * values of id, enum and time fields.
 */
export function redactDeep<T>(value: T, redact: (s: string) => string, key?: string): T {
  if (key !== undefined && KEEP_SUBTREES.has(key)) return value;
  if (typeof value === 'string') return (key !== undefined && KEEP_KEYS.has(key) ? value : redact(value)) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, key)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact, k);
    return out as T;
  }
  return value;
}

/** Calls `visit` on every string inside a JSON-like value. */
export function eachString(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) eachString(v, visit);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) eachString(v, visit);
}
