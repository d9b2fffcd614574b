import { Worker } from 'node:worker_threads';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { RawArticle, SourceTemplate } from '@newsflow/text-processing';
import { ArticlePreparer, type PreparedArticle } from './article-preparation';

export interface PreparationTask {
  id: number;
  articleId: string;
  raw: RawArticle;
  template: SourceTemplate | undefined;
}

export type PreparationReply =
  { id: number; prepared: PreparedArticle } | { id: number; error: string };

interface InFlight {
  resolve: (prepared: PreparedArticle) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, InFlight>;
}

/**
 * Prepares articles in a small pool of worker threads, each task to the least busy one. A worker
 * that dies (a page that exhausts its heap, say) fails only its own tasks — they go down the
 * message's retry path like any other error — and is replaced.
 */
export class WorkerArticlePreparer extends ArticlePreparer implements OnApplicationShutdown {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly script: string,
    size: number,
    private readonly resourceLimits: { maxOldGenerationSizeMb: number },
  ) {
    super();
    for (let index = 0; index < size; index++) this.workers.push(this.spawn());
  }

  prepare(
    articleId: string,
    raw: RawArticle,
    template: SourceTemplate | undefined,
  ): Promise<PreparedArticle> {
    const target = this.workers.reduce((least, candidate) =>
      candidate.inFlight.size < least.inFlight.size ? candidate : least,
    );
    const id = this.nextId++;
    return new Promise<PreparedArticle>((resolve, reject) => {
      target.inFlight.set(id, { resolve, reject });
      const task: PreparationTask = { id, articleId, raw, template };
      target.worker.postMessage(task);
    });
  }

  /** The last shutdown phase: the consumer has drained (in Nest's dispose) and needs no more cleaning. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private spawn(): PoolWorker {
    const worker = new Worker(this.script, { resourceLimits: this.resourceLimits });
    const entry: PoolWorker = { worker, inFlight: new Map() };
    worker.on('message', (reply: PreparationReply) => {
      const task = entry.inFlight.get(reply.id);
      if (!task) return;
      entry.inFlight.delete(reply.id);
      if ('error' in reply) task.reject(new Error(reply.error));
      else task.resolve(reply.prepared);
    });
    const fail = (error: Error) => {
      for (const task of entry.inFlight.values()) task.reject(error);
      entry.inFlight.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new Error(`article preparation worker exited with code ${code}`));
      if (this.closing) return;
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers[index] = this.spawn();
    });
    // The pool must not keep the process alive on its own.
    worker.unref();
    return entry;
  }
}
