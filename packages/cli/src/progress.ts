/**
 * A progress line on stderr for large inputs, only when stderr is a terminal: files and MB
 * read. Nothing at all when stderr is piped or the input is small.
 */
import type { ReadProgress } from '@runlog/parser';
import type { CliIO } from './io.js';

export const PROGRESS_THRESHOLD_BYTES = 50 * 1024 * 1024;

export class Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly io: CliIO,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.io.stderr.isTTY === true;
  }

  update(p: ReadProgress): void {
    if (!this.enabled || p.bytesTotal < PROGRESS_THRESHOLD_BYTES) return;
    const t = this.now();
    if (t - this.lastDraw < 100 && p.filesDone < p.filesTotal) return;
    this.lastDraw = t;
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 50));
    const frac = p.bytesTotal === 0 ? 1 : Math.min(1, p.bytesRead / p.bytesTotal);
    const filled = Math.round(frac * width);
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
    this.io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.filesDone}/${p.filesTotal} files, ${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.io.stderr.write('\r\u001b[K');
    this.drawn = false;
  }
}
