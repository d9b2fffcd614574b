import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { BrokerUnavailableError, PublishRejectedError } from '@newsflow/messaging';

export const RETRY_AFTER_SECONDS = 5;

/** The broker does not hold the article: say so with 503 and when to try again, never a 202. */
@Catch(BrokerUnavailableError, PublishRejectedError)
export class BrokerUnavailableFilter implements ExceptionFilter {
  catch(exception: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'the message broker cannot take articles right now; retry with the same id',
        detail: exception.message,
      });
  }
}
