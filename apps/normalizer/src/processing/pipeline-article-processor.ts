import { Injectable, Logger } from '@nestjs/common';
import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';
import {
  type CleanedArticle,
  type DuplicateReason,
  classifyArticle,
  cleanArticle,
} from '@newsflow/text-processing';
import { ArticleProcessor } from './article-processor';
import { recordDecision } from './decision-metrics';
import {
  duplicateArticleMessages,
  rejectedMessages,
  uniqueArticleMessages,
} from './outcome-messages';
import { type ExclusiveState, NormalizerState, TemplateMemory } from './ports';

/**
 * Clean (pure, outside any lock), then decide duplicate / event under the shared exclusive state,
 * record the outcome with the decision, and hand back the messages to publish.
 */
@Injectable()
export class PipelineArticleProcessor extends ArticleProcessor {
  private readonly logger = new Logger(PipelineArticleProcessor.name);

  constructor(
    private readonly state: NormalizerState,
    private readonly templates: TemplateMemory,
  ) {
    super();
  }

  async process(article: ArticleReceivedV1, processedAt: Date): Promise<OutgoingMessage[]> {
    const templateSource = article.source ?? hostOf(article.url);
    const template = await this.templates.templateFor(templateSource);
    const cleaning = cleanArticle(
      {
        url: article.url,
        source: article.source,
        title: article.title,
        author: article.author,
        publishedAt: article.publishedAt,
        language: article.language,
        text: article.text,
        html: article.html,
        receivedAt: article.receivedAt,
      },
      template,
    );
    let decidedNow = false;
    const detail: { duplicateReason?: DuplicateReason } = {};
    const messages = await this.state.exclusively(async (state) => {
      const previous = await state.outcomes.find(article.id);
      if (previous) return previous;
      decidedNow = true;
      const decided =
        cleaning.kind === 'rejected'
          ? rejectedMessages(article, cleaning.reason, processedAt)
          : await decide(article, cleaning.article, state, processedAt, detail);
      await state.outcomes.save(article.id, decided, processedAt);
      return decided;
    });
    if (decidedNow) {
      recordDecision(messages, {
        ...detail,
        rejectionReason: cleaning.kind === 'rejected' ? cleaning.reason : undefined,
      });
    }
    if (decidedNow && cleaning.kind === 'article' && templateSource) {
      // Template learning is an optimisation: the article's outcome is committed, so a failure
      // here must not send it back through the retries.
      await this.templates
        .recordPage(templateSource, cleaning.article.templateKeys)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, source: templateSource }, 'template memory not updated'),
        );
    }
    return messages;
  }
}

async function decide(
  article: ArticleReceivedV1,
  cleaned: CleanedArticle,
  state: ExclusiveState,
  processedAt: Date,
  detail: { duplicateReason?: DuplicateReason },
): Promise<OutgoingMessage[]> {
  const result = await classifyArticle(
    {
      id: article.id,
      canonicalUrl: cleaned.canonicalUrl,
      source: cleaned.source,
      title: cleaned.title,
      text: cleaned.text,
      publishedAt: cleaned.publishedAt,
      language: cleaned.language,
    },
    { dedup: state.dedup, events: state.events },
  );
  if (result.kind === 'duplicate') {
    detail.duplicateReason = result.reason;
    if (cleaned.source) await state.events.addSource(result.eventId, cleaned.source);
    return duplicateArticleMessages(
      article,
      cleaned,
      result.duplicateOf,
      result.eventId,
      state.events.changeOf(result.eventId),
      processedAt,
    );
  }
  return uniqueArticleMessages(
    article,
    cleaned,
    result.eventId,
    state.events.changeOf(result.eventId),
    processedAt,
  );
}

/** Template memory needs a source; without the client's, the page's host stands in. */
function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}
