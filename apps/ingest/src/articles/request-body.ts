import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import getRawBody from 'raw-body';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads the whole body up to `limitBytes` and decodes it as strict UTF-8. Reading it here (no
 * global body parser) keeps the size limit per route and turns every failure into a clear 4xx.
 */
export async function readUtf8Body(request: Request, limitBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let body: Buffer;
  try {
    body = await getRawBody(request, { limit: limitBytes });
  } catch (error) {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') throw tooLarge(limitBytes);
    throw new BadRequestException({ error: 'the request body could not be read' });
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
