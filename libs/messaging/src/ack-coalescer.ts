import type { Message } from 'amqplib';

/** The part of a channel that acks deliveries. */
export interface AckChannel {
  ack(message: Message, allUpTo?: boolean): void;
}

/**
 * Acks one channel's deliveries in as few frames as it safely can. A delivery is acked only once
 * its own handler asked for it. What was asked for in the same turn goes out together: handlers
 * released by one event (a batch commit, a socket read of confirms) finish within one microtask
 * run, and the flush is a `nextTick` after it, so the ack still shares amqplib's next socket write
 * with the frames of that turn. The run of settled deliveries from the oldest outstanding one goes
 * as a single `multiple` ack (which covers exactly that run: everything older is settled already),
 * and each one asked for behind a delivery still at work goes alone, so a slow delivery never
 * holds back the others' acks (nor, with them, the prefetch window).
 *
 * Delivery tags are per channel and grow by one per delivery, so a channel gets its own coalescer
 * and every delivery must be registered (`delivered`) before it is settled either way.
 */
export class AckCoalescer {
  /** Unsettled deliveries by tag, oldest first: null while at work, the message once its ack waits. */
  private readonly outstanding = new Map<number, Message | null>();
  private newestDelivered = 0;
  private waitingAcks = 0;
  private flushScheduled = false;

  constructor(
    private readonly channel: AckChannel,
    private readonly schedule: (flush: () => void) => void = (flush) => process.nextTick(flush),
  ) {}

  delivered(message: Message): void {
    this.outstanding.set(message.fields.deliveryTag, null);
    this.newestDelivered = Math.max(this.newestDelivered, message.fields.deliveryTag);
  }

  /** Its work is done (durable): ack it with the next flush. */
  ack(message: Message): void {
    const tag = message.fields.deliveryTag;
    const state = this.outstanding.get(tag);
    if (state === undefined) {
      // Newer than any registered: no run may cover it, so alone. Older: settled already.
      if (tag > this.newestDelivered) this.channel.ack(message, false);
      return;
    }
    if (state !== null) return; // asked for twice
    this.outstanding.set(tag, message);
    this.waitingAcks += 1;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** The caller settled it itself (a nack): no ack will cover it. */
  settledElsewhere(message: Message): void {
    const tag = message.fields.deliveryTag;
    if (this.outstanding.get(tag)) this.waitingAcks -= 1;
    this.outstanding.delete(tag);
  }

  /** Sends every ack asked for so far; also called before the channel closes. */
  flush(): void {
    this.flushScheduled = false;
    if (this.waitingAcks === 0) return;
    let runEnd: Message | null = null;
    for (const [tag, waiting] of this.outstanding) {
      if (waiting === null) break;
      runEnd = waiting;
      this.outstanding.delete(tag);
      this.waitingAcks -= 1;
    }
    if (runEnd) this.channel.ack(runEnd, true);
    if (this.waitingAcks === 0) return;
    for (const [tag, waiting] of this.outstanding) {
      if (waiting === null) continue;
      this.channel.ack(waiting, false);
      this.outstanding.delete(tag);
      this.waitingAcks -= 1;
    }
  }
}
