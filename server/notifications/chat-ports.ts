import type mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { OutboundFetch, OutboundPolicy } from '../lib/outbound-http.js';
import type { Sealer } from '../lib/seal.js';
import type { AnswerLike } from '../surveys/answer-text.js';
import type { ExtraQuestion } from '../surveys/extra-questions.js';
import type { Language } from '../vocabulary/languages.js';
import type { SurveyType } from '../vocabulary/scales.js';
import type { ChatDeliveryModel, ChatDestinationModel } from './chat-destination.model.js';

type Id = mongoose.Types.ObjectId;

/** An answer as the response listener hands it over. */
export interface AnswerForChat {
  _id: Id;
  surveyId: Id;
  contactId?: Id | null | undefined;
  score: number;
  /** The score's band on the survey's scale, as stored. */
  category?: string | null | undefined;
  answers?: AnswerLike[] | null | undefined;
  repurchase?: string | null | undefined;
  comment?: string | null | undefined;
  review: string;
  contactSnapshot?: Map<string, string> | Record<string, string> | null | undefined;
}

export interface ChatDeps {
  destinations: ChatDestinationModel;
  deliveries: ChatDeliveryModel;
  clock: Clock;
  sealer: Sealer;
  outbound: OutboundPolicy;
  fetch: OutboundFetch;
  logger?: Logger | undefined;
  baseUrl: string;
  /** What the message needs from other domains (wired in boot/). */
  lookup: {
    survey(id: Id): Promise<{ name: string; type: SurveyType; extraQuestions: ExtraQuestion[]; language: Language }>;
    contact(id: Id): Promise<{ name?: string | undefined; email: string } | null>;
    caseIdOf(responseId: Id): Promise<string | undefined>;
  };
}
