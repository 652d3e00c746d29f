/** Programmatic access to the CLI (used by tests and by embedding tools). */
export { main, EXIT_CODES_HELP } from './main.js';
export type { CliIO } from './io.js';
