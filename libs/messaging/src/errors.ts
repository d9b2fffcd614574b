/** The broker cannot take a message right now (disconnected, blocked, or the confirm never came). */
export class BrokerUnavailableError extends Error {
  constructor(reason: string) {
    super(`Message broker unavailable: ${reason}`);
    this.name = 'BrokerUnavailableError';
  }
}

/** The broker refused a message (negative confirm): it does not hold it. */
export class PublishRejectedError extends Error {
  constructor(reason: string) {
    super(`Message broker rejected the message: ${reason}`);
    this.name = 'PublishRejectedError';
  }
}
