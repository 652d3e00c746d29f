/**
 * The unknown tail: ERR and WARN records no rule explains, grouped into templates in the
 * manner of Drain (numbers, GUIDs, URLs, paths and quoted values masked), so that a failure
 * mode runlog does not know yet is visible, with a count, the first time it appears.
 */
import type { RunlogEvent } from '@runlog/parser';
import { evidenceOf } from './evidence.js';
import type { Evidence } from './types.js';

export interface UnrecognizedPattern {
  level: string;
  component: string;
  template: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  example: Evidence;
}

/**
 * How many recent problem events a rule may still explain after the fact: older ones have gone
 * to the tail already, so a rule need not keep them around to explain them in `end`.
 */
export const TAIL_WINDOW = 256;

const MAX_TEMPLATES = 500;
const MAX_TEMPLATE_INPUT = 600;

// Each mask is a single character class run or a literal-anchored class run: linear time.
const MASKS: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s'"<>()]+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<guid>'],
  [/\b[0-9a-f]{16,}\b/gi, '<hex>'],
  [/(?:[A-Za-z]:)?(?:[\\/][^\s\\/'"<>]+){2,}[\\/]?/g, '<path>'],
  [/'[^'\n]{0,200}'/g, "'<*>'"],
  [/"[^"\n]{0,200}"/g, '"<*>"'],
  [/\b\d+(?:[.,:]\d+)*\b/g, '<n>'],
];

/** `Sleeping for 21.7 seconds` and `Sleeping for 47.2 seconds` share one template. */
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b(?:\[[0-?]{0,32}[ -/]{0,8}[@-~]|\][^\u0007\u001b]{0,512}(?:\u0007|\u001b\\)?|[@-Z\\-_])|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function templateOf(text: string): string {
  // Control sequences go first, so the masks below never split one into pieces.
  let t = (text.length > MAX_TEMPLATE_INPUT ? text.slice(0, MAX_TEMPLATE_INPUT) : text).replace(CONTROL, '');
  for (const [re, mask] of MASKS) t = t.replace(re, mask);
  return t.replace(/\s+/g, ' ').trim();
}

export class TailCollector {
  private readonly patterns = new Map<string, UnrecognizedPattern>();
  overflow = 0;

  /** Considers an event no rule explained. */
  observe(e: RunlogEvent): void {
    if (!isProblem(e)) return;
    const text = e.kind === 'exception' ? `${e.type}: ${e.message}` : e.text;
    const template = templateOf(text);
    const key = `${e.level}\u0000${e.component}\u0000${template}`;
    const p = this.patterns.get(key);
    if (p !== undefined) {
      p.count++;
      if (e.time !== null) {
        p.firstSeen ??= e.time;
        p.lastSeen = e.time;
      }
      return;
    }
    if (this.patterns.size >= MAX_TEMPLATES) {
      this.overflow++;
      return;
    }
    this.patterns.set(key, {
      level: e.level,
      component: e.component,
      template,
      count: 1,
      firstSeen: e.time,
      lastSeen: e.time,
      example: evidenceOf(e, 'trigger'),
    });
  }

  /** Most frequent first; ties in order of first appearance. */
  finish(): UnrecognizedPattern[] {
    return [...this.patterns.values()].sort((a, b) => b.count - a.count || cmp(a.firstSeen, b.firstSeen) || cmp(a.template, b.template));
  }
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Events that would belong in the tail when nothing explains them. */
export function isProblem(e: RunlogEvent): boolean {
  if (e.level !== 'ERR' && e.level !== 'WARN' && e.level !== 'CRIT') return false;
  switch (e.kind) {
    case 'unrecognized':
    case 'exception':
    case 'terminal.error':
      return true;
    default:
      return false;
  }
}
