/**
 * The rule registry: every rule runlog ships, one import per rule folder. A test checks that
 * each folder under rules/ is listed here and that every cause id has a rule.
 */
import type { RuleModule } from '../types.js';
import sessionConflict from './session-conflict/session-conflict.js';

export const RULES = [
  sessionConflict,
] as const satisfies readonly RuleModule[];
