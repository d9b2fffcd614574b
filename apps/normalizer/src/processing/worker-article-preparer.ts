import { Worker } from 'node:worker_threads';
import type { OnApplicationShutdown } from '@nestjs/common';
import { cleaningTimeoutsTotal } from '@newsflow/observability';
import type { RawArticle, SourceTemplate } from '@newsflow/text-processing';
import { ArticlePreparer, type PreparationMode, type PreparedArticle } from './article-preparation';
import { checkBudget, cleaningBudget, type CleaningBudget } from './cleaning-budget';
import { threadCpuMs } from './thread-cpu-clock';

export interface PreparationTask {
  id: number;
  articleId: string;
  raw: RawArticle;
  template: SourceTemplate | undefined;
  mode: PreparationMode;
}

export type PreparationReply =
  | { id: number; prepared: PreparedArticle }
  | { id: number; error: string }
  /**
   * Sent once by a new worker when its modules are loaded and warm: the budget starts after.
   * `tid`: the worker's Linux thread id, whose CPU time the budget counts (absent: wall clock).
   */
  | { ready: true; tid?: number | null };

export interface WorkerPoolOptions {
  resourceLimits: { maxOldGenerationSizeMb: number };
  /**
   * CPU time of its worker thread one article may spend before the worker is terminated
   * (wall-clock time where the thread's CPU time cannot be read).
   */
  budgetMs: number;
  /** Wall-clock time one article may hold a worker whatever its CPU time; default 10 × budgetMs. */
  wallCapMs?: number;
}

/** The reason an article ends with when neither its page nor the page's visible text cleans in time. */
export const PROCESSING_TIMEOUT = 'processing-timeout';

interface Task extends PreparationTask {
  resolve: (prepared: PreparedArticle) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  /** Posted to this worker, in the order it runs them; the first is running. */
  running: Task[];
  /** Tasks are posted only once the worker said it is ready (a task's budget is not its start-up). */
  ready: boolean;
  /** Set when the pool ends the worker itself (a task over budget, shutdown). */
  retired: boolean;
  /** The worker's Linux thread id, to read its CPU time; `null`: the budget is wall-clock time. */
  tid: number | null;
  /** The next budget check of the running task, and what the clocks read when it started. */
  timer: NodeJS.Timeout | null;
  startedAt: number;
  cpuAtStart: number | null;
  lastError: Error | null;
}

/**
 * A second task waits inside each worker, so the worker does not idle for a round trip through
 * the main thread between articles; more would only lengthen what a terminated worker hands back.
 */
const TASKS_PER_WORKER = 2;

/**
 * Prepares articles in a small pool of worker threads. Each article has a budget of its worker
 * thread's CPU time from the moment the worker starts on it, and a wall-clock cap (see
 * `cleaning-budget.ts`); past either the worker is terminated and replaced, the tasks
 * waiting behind it go back to the front of the queue, and the article is tried once more as the
 * page's visible text (the cheap path dumps take). If that is over budget too, the article ends
 * `rejected` with reason `processing-timeout`: an answer, not an error, so it is not retried (a page
 * over budget once is over budget again). A worker that dies on its own (a page that exhausts its
 * heap, say) fails only the task it was running, which goes down the message's retry path like any
 * other error.
 */
export class WorkerArticlePreparer extends ArticlePreparer implements OnApplicationShutdown {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  /**
   * A worker started when a task has spent half its budget, so that one over budget is replaced
   * at once rather than after a worker's start-up (~0.5 s); kept warm until one is replaced.
   */
  private spare: PoolWorker | null = null;
  private nextId = 1;
  private closing = false;
  private readonly budget: CleaningBudget;

  constructor(
    private readonly script: string,
    size: number,
    private readonly options: WorkerPoolOptions,
  ) {
    super();
    this.budget = {
      ...cleaningBudget(options.budgetMs),
      ...(options.wallCapMs !== undefined ? { wallCapMs: options.wallCapMs } : {}),
    };
    if (size < 1) throw new Error('the worker pool needs at least one worker');
    for (let index = 0; index < size; index++) this.workers.push(this.spawn());
  }

  prepare(
    articleId: string,
    raw: RawArticle,
    template: SourceTemplate | undefined,
  ): Promise<PreparedArticle> {
    if (this.closing) return Promise.reject(new Error('article preparation pool is shut down'));
    return new Promise<PreparedArticle>((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, articleId, raw, template, mode: 'page', resolve, reject });
      this.dispatch();
    });
  }

  /** The last shutdown phase: the consumer has drained (in Nest's dispose) and needs no more cleaning. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const error = new Error('article preparation pool is shut down');
    for (const task of this.queue.splice(0)) task.reject(error);
    const spare = this.spare;
    this.spare = null;
    await Promise.all(
      [...this.workers, ...(spare !== null ? [spare] : [])].map((entry) => {
        entry.retired = true;
        this.stopTimer(entry);
        for (const task of entry.running.splice(0)) task.reject(error);
        return entry.worker.terminate();
      }),
    );
  }

  /** Hands queued tasks to the least busy workers with room. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let target: PoolWorker | null = null;
      for (const entry of this.workers) {
        if (!entry.ready || entry.running.length >= TASKS_PER_WORKER) continue;
        if (target === null || entry.running.length < target.running.length) target = entry;
      }
      if (target === null) return;
      const task = this.queue.shift() as Task;
      target.running.push(task);
      const message: PreparationTask = {
        id: task.id,
        articleId: task.articleId,
        raw: task.raw,
        template: task.template,
        mode: task.mode,
      };
      target.worker.postMessage(message);
      if (target.running.length === 1) this.startTimer(target);
    }
  }

  /** The worker started on its first task: its budget counts from here. */
  private startTimer(entry: PoolWorker): void {
    this.stopTimer(entry);
    entry.startedAt = performance.now();
    entry.cpuAtStart = entry.tid !== null ? threadCpuMs(entry.tid) : null;
    this.checkTimer(entry);
  }

  private checkTimer(entry: PoolWorker): void {
    const cpuNow = entry.tid !== null && entry.cpuAtStart !== null ? threadCpuMs(entry.tid) : null;
    const check = checkBudget(this.budget, {
      wallMs: performance.now() - entry.startedAt,
      cpuMs: cpuNow !== null && entry.cpuAtStart !== null ? cpuNow - entry.cpuAtStart : null,
    });
    if (check.over) {
      this.overBudget(entry, check.limit === 'cpu' ? 'of CPU time' : 'wall clock', check.limitMs);
      return;
    }
    if (check.spare && this.spare === null && !this.closing) this.spare = this.spawn();
    entry.timer = setTimeout(() => {
      entry.timer = null;
      this.checkTimer(entry);
    }, check.recheckInMs);
  }

  private stopTimer(entry: PoolWorker): void {
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
  }

  /** The running task took its whole budget: end the worker, requeue what waited behind it. */
  private overBudget(entry: PoolWorker, clock: string, limitMs: number): void {
    entry.timer = null;
    const [slow, ...waiting] = entry.running.splice(0);
    this.replace(entry);
    this.queue.unshift(...waiting);
    if (slow !== undefined) {
      cleaningTimeoutsTotal.inc({ mode: slow.mode });
      if (slow.mode === 'page') this.queue.push({ ...slow, mode: 'visible-text' });
      else {
        slow.resolve({
          kind: 'rejected',
          reason: `${PROCESSING_TIMEOUT}: cleaning took longer than ${Math.round(limitMs)} ms ${clock}, as HTML and as its visible text`,
        });
      }
    }
    this.dispatch();
  }

  private replace(entry: PoolWorker): void {
    entry.retired = true;
    this.stopTimer(entry);
    void entry.worker.terminate();
    if (entry === this.spare) this.spare = null;
    const index = this.workers.indexOf(entry);
    if (index < 0 || this.closing) return;
    this.workers[index] = this.spare ?? this.spawn();
    this.spare = null;
  }

  private spawn(): PoolWorker {
    const worker = new Worker(this.script, { resourceLimits: this.options.resourceLimits });
    const entry: PoolWorker = {
      worker,
      running: [],
      ready: false,
      retired: false,
      tid: null,
      timer: null,
      startedAt: 0,
      cpuAtStart: null,
      lastError: null,
    };
    worker.on('message', (reply: PreparationReply) => {
      if (entry.retired) return;
      if ('ready' in reply) {
        entry.ready = true;
        entry.tid = reply.tid ?? null;
        this.dispatch();
        return;
      }
      const index = entry.running.findIndex((task) => task.id === reply.id);
      if (index < 0) return;
      const [task] = entry.running.splice(index, 1);
      if (index === 0) {
        if (entry.running.length > 0) this.startTimer(entry);
        else this.stopTimer(entry);
      }
      if ('error' in reply) task.reject(new Error(reply.error));
      else task.resolve(reply.prepared);
      this.dispatch();
    });
    worker.on('error', (error: Error) => {
      entry.lastError = error;
    });
    worker.on('exit', (code) => {
      if (entry.retired) return;
      // Died on its own: the running task is the likely cause and fails; the others run elsewhere.
      const [failed, ...waiting] = entry.running.splice(0);
      this.replace(entry);
      this.queue.unshift(...waiting);
      failed?.reject(
        entry.lastError ?? new Error(`article preparation worker exited with code ${code}`),
      );
      this.dispatch();
    });
    // The pool must not keep the process alive on its own.
    worker.unref();
    return entry;
  }
}
