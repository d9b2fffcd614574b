import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';

const uuid = z.uuid();

/** An id in the path that is not a UUID can never exist: say so (400) instead of a query and a 404. */
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!uuid.safeParse(value).success) {
      throw new BadRequestException({
        error: 'invalid id',
        fields: [{ field: 'id', message: 'must be a UUID' }],
      });
    }
    return value;
  }
}
