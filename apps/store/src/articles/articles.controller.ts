import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { abortedOnDisconnect } from '../reads/disconnect';
import { LIST_DESCRIPTION, parseListQuery } from '../shared/list-query';
import { UuidPipe } from '../shared/uuid.pipe';
import { ArticlesQuery } from './articles.query';

@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesQuery) {}

  @Get()
  @ApiOperation({
    summary: 'Articles, newest first: ?source=&since=&until=&q=&limit=&cursor=',
    description: LIST_DESCRIPTION,
  })
  list(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) response: Response) {
    return this.articles.list(parseListQuery(query), abortedOnDisconnect(response));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One processed article (stored, duplicate or rejected); 404 until processed',
  })
  get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) response: Response) {
    return this.articles.get(id, abortedOnDisconnect(response));
  }
}
