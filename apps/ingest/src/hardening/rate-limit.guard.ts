import { createHash } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { INGEST_API_KEYS } from '../auth/api-key.guard';

export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export interface RateLimitOptions {
  /** Tokens added per second; 0 switches the limit off. */
  perSecond: number;
  /** Bucket size; 0 means one second's worth (at least 1). */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Above this many clients, buckets that have refilled completely are forgotten. */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * A token bucket per client, in memory: per replica, so N replicas behind a balancer allow up to N
 * times the rate. A client is its API key when keys are set (the key guard ran first, so the key
 * is valid), else its address. Over the limit: 429 with `Retry-After` in whole seconds.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.capacity = burst > 0 ? burst : Math.max(1, Math.ceil(perSecond));
  }

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Takes one token; answers 0 when granted, else the seconds until a token is there. */
  take(client: string): number {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_CLIENTS) this.forgetFullBuckets(now);
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  private forgetFullBuckets(now: number): void {
    for (const [client, bucket] of this.buckets) {
      const tokens = bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond;
      if (tokens >= this.capacity) this.buckets.delete(client);
    }
    // Still full of active clients: drop the oldest rather than grow without bound.
    if (this.buckets.size >= MAX_TRACKED_CLIENTS) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;
  private readonly keyed: boolean;

  constructor(
    @Inject(RATE_LIMIT_OPTIONS) options: RateLimitOptions,
    @Inject(INGEST_API_KEYS) keys: readonly string[],
  ) {
    this.buckets = new TokenBuckets(options.perSecond, options.burst);
    this.keyed = keys.length > 0;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.buckets.enabled) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const retryAfter = this.buckets.take(this.clientOf(request));
    if (retryAfter === 0) return true;
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: `too many requests; retry in ${retryAfter} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  private clientOf(request: Request): string {
    if (this.keyed) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      // Only a digest is kept in memory, never the key itself.
      if (match) return `key:${createHash('sha256').update(match[1]).digest('base64')}`;
    }
    return `addr:${request.socket.remoteAddress ?? 'unknown'}`;
  }
}
