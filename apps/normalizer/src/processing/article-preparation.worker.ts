/**
 * Worker-thread entry of `WorkerArticlePreparer`: prepares one article per message, in order.
 * Runs from the build output only (`.js`); nothing here may touch I/O, but for reading its own
 * thread id at start (the pool reads the thread's CPU time to enforce the cleaning budget).
 */
import { parentPort } from 'node:worker_threads';
import type { PreparationReply, PreparationTask } from './worker-article-preparer';
import { prepareArticle, warmUpPreparation } from './article-preparation';
import { currentThreadId } from './thread-cpu-clock';

parentPort?.on('message', (task: PreparationTask) => {
  let reply: PreparationReply;
  try {
    reply = {
      id: task.id,
      prepared: prepareArticle(task.articleId, task.raw, task.template, task.mode),
    };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});

// Load the HTML path and compile the hot code before the pool starts timing this worker's tasks.
warmUpPreparation();
parentPort?.postMessage({ ready: true, tid: currentThreadId() } satisfies PreparationReply);
