import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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

  @Get(':id')
  @ApiOperation({ summary: 'One event with its articles' })
  get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) response: Response) {
    return this.events.get(id, abortedOnDisconnect(response));
  }
}
