import {
  BadRequestException,
  PayloadTooLargeException,
  RequestTimeoutException,
} from '@nestjs/common';
import type { Request } from 'express';
import getRawBody from 'raw-body';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads the whole body up to `limitBytes` and decodes it as strict UTF-8. Reading it here (no
 * global body parser) keeps the size limit per route and turns every failure into a clear 4xx.
 */
export async function readUtf8Body(
  request: Request,
  limitBytes: number,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let body: Buffer;
  let timer: NodeJS.Timeout | undefined;
  try {
    body = await Promise.race([
      getRawBody(request, { limit: limitBytes }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BodyTimeout()), timeoutMs);
      }),
    ]);
  } catch (error) {
    if (error instanceof BodyTimeout) throw slowBody(request, timeoutMs);
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') throw tooLarge(limitBytes);
    throw new BadRequestException({ error: 'the request body could not be read' });
  } finally {
    clearTimeout(timer);
  }
  try {
    return utf8.decode(body);
  } catch {
    throw new BadRequestException({ error: 'the body is not valid UTF-8' });
  }
}

function tooLarge(limitBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException({ error: `the body is larger than ${limitBytes} bytes` });
}

class BodyTimeout extends Error {}

/**
 * A body still trickling in after the timeout (slow-loris): answer 408 and drop the connection
 * once the answer is out, so the client cannot keep the socket by sending more.
 */
function slowBody(request: Request, timeoutMs: number): RequestTimeoutException {
  request.unpipe();
  request.pause();
  const response = request.res;
  if (response) {
    response.setHeader('Connection', 'close');
    response.once('finish', () => request.socket.destroy());
  } else {
    request.socket.destroy();
  }
  return new RequestTimeoutException({
    error: `the request body did not arrive within ${timeoutMs} ms`,
  });
}
