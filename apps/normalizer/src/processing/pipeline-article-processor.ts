import { Injectable } from '@nestjs/common';
import type { ArticleReceivedV1, OutgoingMessage } from '@newsflow/contracts';
import type {
  ClassifyInput,
  CleanedArticle,
  EventFeatures,
  UnassignedFingerprint,
} from '@newsflow/text-processing';
import { ArticlePreparer } from './article-preparation';
import { ArticleProcessor } from './article-processor';
import { recordDecision } from './decision-metrics';
import {
  type ArticleHead,
  articleHead,
  duplicateArticleMessages,
  rejectedMessages,
  uniqueArticleMessages,
} from './outcome-messages';
import {
  type ArticleDecision,
  type DecisionRequest,
  NormalizerState,
  TemplateMemory,
} from './ports';

/**
 * Clean (pure, outside any lock), then decide duplicate / event under the shared exclusive state,
 * record the outcome with the decision, and hand back the messages to publish.
 */
@Injectable()
export class PipelineArticleProcessor extends ArticleProcessor {
  constructor(
    private readonly state: NormalizerState,
    private readonly templates: TemplateMemory,
    private readonly preparer: ArticlePreparer,
  ) {
    super();
  }

  async process(article: ArticleReceivedV1, processedAt: Date): Promise<OutgoingMessage[]> {
    const templateSource = article.source ?? hostOf(article.url);
    const template = await this.templates.templateFor(templateSource);
    const cleaning = await this.preparer.prepare(
      article.id,
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
    // The decision waits in a queue: it holds the article's head and cleaned fields, not its raw text/HTML.
    const request =
      cleaning.kind === 'rejected'
        ? rejectedRequest(articleHead(article), cleaning.reason, processedAt)
        : articleRequest(
            articleHead(article),
            cleaning.article,
            { fingerprint: cleaning.fingerprint, features: cleaning.features },
            processedAt,
          );
    const outcome = await this.state.decide(request);
    if (outcome.decidedNow) {
      recordDecision(outcome.messages, {
        duplicateReason: outcome.result?.kind === 'duplicate' ? outcome.result.reason : undefined,
        rejectionReason: cleaning.kind === 'rejected' ? cleaning.reason : undefined,
      });
    }
    if (outcome.decidedNow && cleaning.kind === 'article' && templateSource) {
      // Template learning is an optimisation: the page is only buffered here (written in the
      // background, batched), so it adds nothing to the article's latency and cannot fail it.
      this.templates.recordPage(templateSource, cleaning.article.templateKeys);
    }
    return outcome.messages;
  }
}

function rejectedRequest(head: ArticleHead, reason: string, processedAt: Date): DecisionRequest {
  return {
    articleId: head.id,
    article: null,
    processedAt,
    compose: () => rejectedMessages(head, reason, processedAt),
  };
}

function articleRequest(
  head: ArticleHead,
  cleaned: CleanedArticle,
  hints: { fingerprint: UnassignedFingerprint; features: EventFeatures },
  processedAt: Date,
): DecisionRequest {
  const input: ClassifyInput = {
    id: head.id,
    canonicalUrl: cleaned.canonicalUrl,
    source: cleaned.source,
    title: cleaned.title,
    text: cleaned.text,
    publishedAt: cleaned.publishedAt,
    language: cleaned.language,
  };
  return {
    articleId: head.id,
    article: input,
    // The same fingerprint and terms the decision computes, made with the cleaning: read ahead
    // for the whole batch.
    hints,
    processedAt,
    compose: (decision) => messagesOf(head, cleaned, decision, processedAt),
  };
}

function messagesOf(
  head: ArticleHead,
  cleaned: CleanedArticle,
  decision: ArticleDecision,
  processedAt: Date,
): OutgoingMessage[] {
  if (decision.kind === 'rejected') throw new Error('a cleaned article is never rejected');
  const { result, eventChange } = decision;
  return result.kind === 'duplicate'
    ? duplicateArticleMessages(
        head,
        cleaned,
        result.duplicateOf,
        result.eventId,
        eventChange,
        processedAt,
      )
    : uniqueArticleMessages(head, cleaned, result.eventId, eventChange, processedAt);
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
