export interface ProgressOptions {
  label: string;
  total: number;
  enabled: boolean;
  stream?: NodeJS.WriteStream;
}

const BAR_WIDTH = 28;
const TTY_REDRAW_MS = 100;
/** Without a terminal (CI, a log file) a line now and then instead of a redrawn bar. */
const PLAIN_LINE_MS = 5_000;

/** `label [#####-----] done/total pct rate ETA` on stderr, so stdout stays the summary. */
export class ProgressBar {
  private done = 0;
  private readonly started = Date.now();
  private lastDrawn = 0;
  private readonly stream: NodeJS.WriteStream;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
  }

  advance(count: number): void {
    this.done += count;
    const interval = this.stream.isTTY ? TTY_REDRAW_MS : PLAIN_LINE_MS;
    if (Date.now() - this.lastDrawn >= interval) this.draw();
  }

  finish(): void {
    this.draw();
    if (this.options.enabled && this.stream.isTTY) this.stream.write('\n');
  }

  private draw(): void {
    this.lastDrawn = Date.now();
    if (!this.options.enabled) return;
    const line = formatProgress(this.options.label, this.done, this.options.total, this.started);
    if (this.stream.isTTY) this.stream.write(`\r${line}\u001b[K`);
    else this.stream.write(`${line}\n`);
  }
}

export function formatProgress(
  label: string,
  done: number,
  total: number,
  startedAt: number,
  now = Date.now(),
): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const elapsedSeconds = Math.max((now - startedAt) / 1000, 0.001);
  const rate = done / elapsedSeconds;
  const eta =
    rate > 0 && done < total ? formatDuration((total - done) / rate) : done >= total ? '0s' : '?';
  return (
    `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ` +
    `${Math.floor(fraction * 100)}% ${rate.toFixed(1)}/s ETA ${eta}`
  );
}

export function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
