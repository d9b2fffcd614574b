import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { abortedOnDisconnect } from '../reads/disconnect';
import { LIST_DESCRIPTION, parseListQuery } from '../shared/list-query';
import { UuidPipe } from '../shared/uuid.pipe';
import { EventsQuery } from './events.query';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsQuery) {}

  @Get()
  @ApiOperation({
    summary: 'Events, newest first: ?source=&since=&until=&q=&limit=&cursor=',
    description: LIST_DESCRIPTION,
  })
  list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    return this.events.list(parseListQuery(query), abortedOnDisconnect(response));
  }

  /**
   * A merged event answers 308 with `Location` on the event it merged into (the end of its chain
   * of merges) and a body naming it; the response is written here because its status varies.
   */
  @Get(':id')
  @ApiOperation({
    summary: 'One event with its articles; 308 to the surviving event when it merged into another',
  })
  @ApiResponse({ status: 200, description: 'The event with its articles (at most 1,000)' })
  @ApiResponse({
    status: 308,
    description:
      'The event merged into another: `Location` and the body `{ id, mergedInto }` name it',
    headers: { Location: { description: '/events/<mergedInto>', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 404, description: 'No such event' })
  async get(@Param('id', UuidPipe) id: string, @Res() response: Response): Promise<void> {
    const answer = await this.events.get(id, abortedOnDisconnect(response));
    if (answer.kind === 'merged') {
      response
        .status(308)
        .location(`/events/${encodeURIComponent(answer.body.mergedInto)}`)
        .json(answer.body);
      return;
    }
    response.json(answer.body);
  }
}
