import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';

export const INGEST_API_KEYS = Symbol('INGEST_API_KEYS');
import type { Request } from 'express';

/**
 * `Authorization: Bearer KEY` against INGEST_API_KEYS. Keys are compared as SHA-256 digests in
 * constant time, so neither the key nor its length leaks through timing; no key is ever logged.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keyDigests: Buffer[];

  constructor(@Inject(INGEST_API_KEYS) keys: readonly string[]) {
    this.keyDigests = keys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keyDigests.length === 0) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) {
      const presented = digest(match[1]);
      let valid = false;
      for (const key of this.keyDigests) valid = timingSafeEqual(presented, key) || valid;
      if (valid) return true;
    }
    throw new UnauthorizedException({
      error: 'a valid API key is required: Authorization: Bearer KEY',
    });
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
