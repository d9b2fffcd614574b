import type { Message } from 'amqplib';
import { AckCoalescer } from './ack-coalescer';

function delivery(tag: number): Message {
  return { fields: { deliveryTag: tag } } as Message;
}

/** A coalescer over a recording channel, flushed only when the test says the turn is over. */
function coalescer() {
  const frames: string[] = [];
  let pendingFlush: (() => void) | null = null;
  const acks = new AckCoalescer(
    {
      ack: (message, allUpTo) =>
        frames.push(`${allUpTo ? 'ack up to' : 'ack'} ${message.fields.deliveryTag}`),
    },
    (flush) => {
      pendingFlush = flush;
    },
  );
  const endTurn = () => {
    const flush = pendingFlush;
    pendingFlush = null;
    flush?.();
  };
  return { acks, frames, endTurn };
}

describe('AckCoalescer', () => {
  it('sends the acks asked for in one turn as one ack of the newest, covering the run', () => {
    const { acks, frames, endTurn } = coalescer();
    const messages = [1, 2, 3, 4].map(delivery);
    messages.forEach((message) => acks.delivered(message));
    [messages[2], messages[0], messages[3], messages[1]].forEach((message) => acks.ack(message));
    expect(frames).toEqual([]);
    endTurn();
    expect(frames).toEqual(['ack up to 4']);
  });

  it('never acks a delivery whose handler has not finished, and does not hold the others back', () => {
    const { acks, frames, endTurn } = coalescer();
    const messages = [1, 2, 3, 4, 5].map(delivery);
    messages.forEach((message) => acks.delivered(message));
    for (const tag of [1, 2, 4, 5]) acks.ack(messages[tag - 1]);
    endTurn();
    // 3 is still at work: a multiple ack of 4 or 5 would settle it too.
    expect(frames).toEqual(['ack up to 2', 'ack 4', 'ack 5']);

    acks.ack(messages[2]);
    endTurn();
    expect(frames.slice(3)).toEqual(['ack up to 3']);
  });

  it('lets a run pass a delivery that was nacked, without acking it again', () => {
    const { acks, frames, endTurn } = coalescer();
    const messages = [1, 2, 3].map(delivery);
    messages.forEach((message) => acks.delivered(message));
    acks.settledElsewhere(messages[1]);
    acks.ack(messages[0]);
    acks.ack(messages[2]);
    endTurn();
    expect(frames).toEqual(['ack up to 3']);
  });

  it('flushes on demand, e.g. before the channel closes', () => {
    const { acks, frames } = coalescer();
    const message = delivery(1);
    acks.delivered(message);
    acks.ack(message);
    acks.flush();
    expect(frames).toEqual(['ack up to 1']);
  });

  it('acks once however often it is asked', () => {
    const { acks, frames, endTurn } = coalescer();
    const message = delivery(1);
    acks.delivered(message);
    acks.ack(message);
    acks.ack(message);
    endTurn();
    acks.ack(message);
    endTurn();
    expect(frames).toEqual(['ack up to 1']);
  });

  it('acks a delivery it was never told about alone and at once', () => {
    const { acks, frames } = coalescer();
    acks.ack(delivery(7));
    expect(frames).toEqual(['ack 7']);
  });
});
