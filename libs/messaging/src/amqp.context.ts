import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import { TRACEPARENT_HEADER, parseTraceparent } from '@newsflow/observability';

/** What a handler can ask about the message it is handling (`@Ctx() context: AmqpContext`). */
export class AmqpContext extends BaseRpcContext<[ConsumeMessage]> {
  get message(): ConsumeMessage {
    return this.args[0];
  }

  get messageId(): string {
    return String(this.message.properties.messageId ?? '');
  }

  /** The id that ties the HTTP request to every message it caused; minted here when missing. */
  get correlationId(): string {
    const id: unknown = this.message.properties.correlationId;
    return typeof id === 'string' && id.length > 0 ? id : this.messageId;
  }

  /** The trace the message belongs to (W3C `traceparent` header), null when it came without one. */
  get traceId(): string | null {
    return parseTraceparent(this.message.properties.headers?.[TRACEPARENT_HEADER])?.traceId ?? null;
  }

  /** 0 on first delivery, then the number of retries so far. */
  get attempt(): number {
    const headers = this.message.properties.headers ?? {};
    const attempt: unknown = headers[ATTEMPT_HEADER];
    return typeof attempt === 'number' ? attempt : 0;
  }
}

export const ATTEMPT_HEADER = 'x-attempt';
export const LAST_ERROR_HEADER = 'x-last-error';
export const PARKED_REASON_HEADER = 'x-parked-reason';
export const PARKED_AT_HEADER = 'x-parked-at';
export const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';
