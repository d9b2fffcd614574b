import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import type { ConfirmChannel } from 'amqplib';

export const run = promisify(execFile);

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

export function round(value: number | null, digits = 2): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = loadavg();
  return [round(one, 2) ?? 0, round(five, 2) ?? 0, round(fifteen, 2) ?? 0];
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function processMemoryMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) / 1024 : 0;
    };
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat: how saturated the two cores were. */
export function machineCpuTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** The pid of RabbitMQ's Erlang VM, to report what the broker itself spent. */
export async function brokerPid(): Promise<number | null> {
  try {
    const { stdout } = await run('pgrep', ['-o', 'beam.smp']);
    const pid = Number(stdout.trim().split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Runs `node <script> <args>` as a child process and resolves with the JSON object on the last
 * line of its stdout; everything else it prints is passed through, indented, for the reader.
 */
export async function runJsonChild<T>(
  script: string,
  args: readonly string[],
  options: { env?: Record<string, string>; echo?: boolean } = {},
): Promise<T> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (options.echo === false) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (!line.startsWith('{')) console.log(`    ${line}`);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

/** Sends one IPC request to a child and waits for the answer of the same kind. */
export function ask<T>(
  child: ChildProcess,
  request: { cmd: string; [key: string]: unknown },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const reply = message as { cmd?: string; error?: string; result?: T };
      if (reply.cmd !== request.cmd) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (reply.error) reject(new Error(reply.error));
      else resolve(reply.result as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`load process exited with ${code} during ${request.cmd}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(request);
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Publishes persistent copies of `body` into `queue` as fast as the broker confirms them, with at
 * most `window` unconfirmed, until `stop()` is called; then resolves once the loop has ended.
 */
export function publishWithinConfirmWindow(
  channel: ConfirmChannel,
  queue: string,
  body: Buffer,
  window: number,
  onConfirmed: () => void = () => undefined,
): { stop: () => Promise<void> } {
  let inFlight = 0;
  let stopped = false;
  const waker: { wake: (() => void) | null } = { wake: null };
  const publishing = (async () => {
    while (!stopped) {
      while (inFlight < window && !stopped) {
        inFlight++;
        const writable = channel.publish('', queue, body, { persistent: true }, (error) => {
          inFlight--;
          if (!error) onConfirmed();
          waker.wake?.();
        });
        if (!writable) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await new Promise<void>((resolve) => (waker.wake = resolve));
      waker.wake = null;
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      waker.wake?.();
      await publishing;
    },
  };
}
