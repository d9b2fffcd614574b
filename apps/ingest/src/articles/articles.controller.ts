import {
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { correlationIdOfRequest } from '@newsflow/observability';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RateLimitGuard } from '../hardening/rate-limit.guard';
import { INGEST_CONFIG, type IngestLimits } from '../ingest.config';
import { ArticleIntakeService, type BatchAnswer } from './article-intake.service';
import { parseArticleBatch, parseSingleArticle } from './parse-article-request';
import { readUtf8Body } from './request-body';

@ApiTags('ingest')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@Controller('articles')
export class ArticlesController {
  constructor(
    private readonly intake: ArticleIntakeService,
    @Inject(INGEST_CONFIG) private readonly limits: IngestLimits,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Submit one article (JSON, a text/plain page dump or a text/html page)',
  })
  @ApiConsumes('application/json', 'text/plain', 'text/html')
  @ApiBody({
    description:
      'docs/contract.md: { id?, url?, source?, title?, author?, publishedAt?, language?, text?, html? }',
  })
  @ApiResponse({
    status: 202,
    description: '{"id": "...", "status": "accepted"} once the broker confirmed it',
  })
  async submit(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const body = await readUtf8Body(request, this.limits.maxBodyBytes, this.limits.bodyTimeoutMs);
    const article = parseSingleArticle(request.headers['content-type'], body, query);
    const { id } = await this.intake.acceptOne(article, correlationIdOfRequest(request));
    return { id, status: 'accepted' as const };
  }

  @Post('batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Submit up to 1,000 articles as a JSON array or NDJSON' })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiResponse({
    status: 202,
    description: '{"accepted": [{index, id}], "rejected": [{index, error}]}',
  })
  async submitBatch(@Req() request: Request): Promise<BatchAnswer> {
    const body = await readUtf8Body(request, this.limits.maxBatchBytes, this.limits.bodyTimeoutMs);
    const items = parseArticleBatch(request.headers['content-type'], body);
    return this.intake.acceptBatch(items, correlationIdOfRequest(request));
  }
}
