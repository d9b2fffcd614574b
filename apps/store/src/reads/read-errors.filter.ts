import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { ReadAbortedError, ReadBusyError, ReadTimeoutError } from './read-pools';

export const READ_RETRY_AFTER_SECONDS = 2;

/** A read the database could not answer in time: 503 with when to try again, never a 500. */
@Catch(ReadTimeoutError, ReadBusyError, ReadAbortedError)
export class ReadErrorsFilter implements ExceptionFilter {
  catch(exception: ReadTimeoutError | ReadBusyError | ReadAbortedError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Nobody is left to read an answer to a cancelled request.
    if (exception instanceof ReadAbortedError || response.headersSent) {
      response.destroy();
      return;
    }
    const error =
      exception instanceof ReadTimeoutError
        ? `the query took longer than ${exception.timeoutMs} ms and was stopped; narrow it (a rarer term, a date range) or retry later`
        : 'too many searches at once; retry later';
    response
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .setHeader('Retry-After', String(READ_RETRY_AFTER_SECONDS))
      .json({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, error });
  }
}
