import type { Response } from 'express';

/** Aborted when the client goes away before its answer was sent, so its query can be cancelled. */
export function abortedOnDisconnect(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
