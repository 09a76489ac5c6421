import type mongoose from 'mongoose';

import { AutoReplies } from '../autoreplies/auto-replies.service.js';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { outboundFetch, type OutboundPolicy } from '../lib/outbound-http.js';
import type { Sealer } from '../lib/seal.js';
import { ChatNotifications } from '../notifications/chat.service.js';
import type { Mailer } from '../sending/mailer.js';
import { surveyDetailOf } from '../surveys/survey-detail.js';
import type { Models } from './models.js';
import type { Stores } from './stores.js';

/**
 * What answers set off besides webhooks and follow-up cases: chat messages and automatic replies to
 * respondents. Part of the composition root (services.ts calls it and wires them to saved answers).
 */
export function createAlertServices(deps: {
  config: Config;
  models: Models;
  stores: Stores;
  chatSealer: Sealer;
  outbound: OutboundPolicy;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
}) {
  const { config, models, stores, mailer, clock, logger, outbound } = deps;
  /** A contact's name and email, for chat messages that may name them and the answer page. */
  const contactIdentity = async (id: mongoose.Types.ObjectId) => {
    type Identity = { _id: mongoose.Types.ObjectId; email: string; name?: string };
    const c = (await stores.contacts.byIds<Identity>([id], 'email name')).get(String(id));
    return c ? { email: c.email, name: c.name || undefined } : null;
  };
  const autoReplies = new AutoReplies({
    replies: models.autoReplies,
    ...stores,
    mailer,
    mailFrom: config.mailFrom,
    baseUrl: config.baseUrl,
    clock,
    logger,
  });
  const chat = new ChatNotifications({
    destinations: models.chatDestinations,
    deliveries: models.chatDeliveries,
    clock,
    sealer: deps.chatSealer,
    logger,
    outbound,
    fetch: outboundFetch(outbound),
    baseUrl: config.baseUrl,
    lookup: {
      survey: async (id) => {
        const doc = await stores.surveys.findById(id);
        const s = doc ? surveyDetailOf(doc) : undefined;
        return {
          name: s?.name ?? 'Survey',
          type: s?.type ?? 'nps',
          extraQuestions: s?.extraQuestions ?? [],
          language: s?.language ?? 'en',
        };
      },
      contact: (id) => contactIdentity(id),
      caseIdOf: (responseId) => stores.cases.idOfResponse(responseId),
    },
  });
  return { autoReplies, chat, contactIdentity };
}
