import { Injectable } from '@nestjs/common';
import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';
import { ArticleProcessor } from './article-processor';
import { placeholderNormalize } from './placeholder-normalize';

@Injectable()
export class PlaceholderArticleProcessor extends ArticleProcessor {
  async process(article: ArticleReceivedV1, processedAt: Date): Promise<OutgoingMessage[]> {
    return placeholderNormalize(article, processedAt);
  }
}
