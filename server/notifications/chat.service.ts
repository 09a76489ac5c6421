import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import { DeliveryQueue, pendingFields, postJson, type PostOutcome } from '../lib/delivery-queue.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import { checkDestination, OutboundBlockedError } from '../lib/outbound-http.js';
import { ttlCache } from '../lib/ttl-cache.js';
import { answerRows } from '../surveys/answer-text.js';
import { categoryOf, REPURCHASE_LABELS, type RepurchaseAnswer } from '../vocabulary/answers.js';
import { bandWord, SCALES, type Band } from '../vocabulary/scales.js';
import type { ChatKind } from './chat-destination.model.js';
import { chatMessage, maskWebhookUrl, testFacts, type ChatFacts } from './chat-message.js';
import type { AnswerForChat, ChatDeps } from './chat-ports.js';
import { matchesRule, type ChatRule } from './chat-rule.js';
import { messages } from './chat.messages.js';

export type { AnswerForChat, ChatDeps } from './chat-ports.js';

/** A destination failing this long without one success is switched off. */
export const SWITCH_OFF_AFTER_MS = 24 * 3_600_000;

type Id = mongoose.Types.ObjectId;

type DeliveryDoc = { _id: Id; destinationId: Id; message: unknown; attempts: number; giveUpAt: Date };

/**
 * Chat notifications: admins add Slack / Teams / Google Chat destinations per survey; every saved
 * answer that matches a destination's rule queues one message for it (at most one per answer and
 * destination: a unique key), posted by the durable delivery queue with retries. A destination
 * failing for 24 h is switched off. The only writer of chatDestinations and chatDeliveries.
 */
export class ChatNotifications {
  private readonly queue: DeliveryQueue<DeliveryDoc>;
  // Each survey's live destinations for 10 s: most surveys have none, and answers should not pay a
  // query to find that out. A change on another instance takes effect within 10 s.
  private readonly destinationsOf;

  constructor(private readonly deps: ChatDeps) {
    const workerId = `chat-${randomBytes(4).toString('hex')}`;
    this.queue = new DeliveryQueue(deps.deliveries, { clock: deps.clock, workerId, logger: deps.logger, what: 'chat' });
    this.destinationsOf = ttlCache({ ttlMs: 10_000, clock: deps.clock }, (surveyId: string) =>
      deps.destinations
        .find({ surveyId, removedAt: null, switchedOffAt: null })
        .select('_id kind rule includeIdentity')
        .lean(),
    );
  }

  async add(input: {
    surveyId: string;
    kind: ChatKind;
    name: string;
    url: string;
    rule: ChatRule;
    includeIdentity: boolean;
    createdBy?: string | undefined;
  }): Promise<string> {
    const url = await this.checked(input.url);
    const doc = await this.deps.destinations.create({
      surveyId: input.surveyId,
      kind: input.kind,
      name: input.name,
      urlSealed: this.deps.sealer.seal(url.toString()),
      urlMasked: maskWebhookUrl(url),
      rule: input.rule,
      includeIdentity: input.includeIdentity,
      createdBy: input.createdBy,
      createdAt: this.deps.clock.now(),
    });
    this.destinationsOf.forget(input.surveyId);
    return String(doc._id);
  }

  private async checked(raw: string): Promise<URL> {
    const refuse = (message: string) => new ValidationError(message, { url: message });
    try {
      return await checkDestination(raw, this.deps.outbound);
    } catch (err) {
      if (err instanceof OutboundBlockedError) throw refuse(messages.refusedAddress(err.message));
      throw refuse(messages.fullAddress);
    }
  }

  async list(surveyId: string) {
    const docs = await this.deps.destinations.find({ surveyId, removedAt: null }).sort({ createdAt: 1 }).lean();
    // Everything but the sealed URL: the page shows the masked one.
    return docs.map(({ urlSealed: _sealed, ...d }) => ({
      ...d,
      id: String(d._id),
      url: d.urlMasked,
      rule: d.rule as ChatRule,
    }));
  }

  private async destination(surveyId: string, id: string) {
    const found = mongoose.isValidObjectId(id)
      ? await this.deps.destinations.findOne({ _id: id, surveyId, removedAt: null }).lean()
      : null;
    if (!found) throw new NotFoundError(messages.notFound, 'DESTINATION_NOT_FOUND');
    return found;
  }

  /** The destination's last 50 messages, newest first. */
  async log(surveyId: string, id: string) {
    const destination = await this.destination(surveyId, id);
    const docs = await this.deps.deliveries
      .find({ destinationId: destination._id })
      .sort({ createdAt: -1 })
      .limit(50)
      .select('-message')
      .lean();
    return { destination: { id, name: destination.name, kind: destination.kind }, deliveries: docs };
  }

  async remove(surveyId: string, id: string): Promise<void> {
    const destination = await this.destination(surveyId, id);
    await this.deps.destinations.updateOne({ _id: destination._id }, { $set: { removedAt: this.deps.clock.now() } });
    this.destinationsOf.forget(surveyId);
  }

  /** Turns a switched-off destination back on; its failures start counting afresh. */
  async turnOn(surveyId: string, id: string): Promise<void> {
    const destination = await this.destination(surveyId, id);
    await this.deps.destinations.updateOne(
      { _id: destination._id },
      { $unset: { switchedOffAt: 1, switchedOffReason: 1, failingSince: 1 } },
    );
    this.destinationsOf.forget(surveyId);
  }

  /** Posts an example message now (not queued) and logs it; returns the error, or undefined when it arrived. */
  async sendTest(surveyId: string, id: string, surveyName: string): Promise<string | undefined> {
    const destination = await this.destination(surveyId, id);
    const facts = testFacts(
      surveyName,
      `${this.deps.baseUrl}/surveys/${surveyId}/results`,
      destination.includeIdentity,
    );
    const now = this.deps.clock.now();
    const outcome = await this.postTo(destination, chatMessage(destination.kind, facts));
    await this.deps.deliveries.create({
      destinationId: destination._id,
      surveyId: destination.surveyId,
      key: `test-${randomBytes(8).toString('hex')}`,
      summary: 'Test message',
      message: {},
      ...pendingFields(now),
      attempts: 1,
      status: outcome.error ? 'failed' : 'delivered',
      ...(outcome.error ? { lastError: outcome.error.slice(0, 1000) } : { deliveredAt: this.deps.clock.now() }),
      ...(outcome.statusCode ? { lastStatusCode: outcome.statusCode } : {}),
    });
    return outcome.error;
  }

  /**
   * Queues one message per destination whose rule the answer matches, unless that destination already
   * has one for this answer: an edit posts only when the answer newly matches. Nothing is sent here.
   */
  async notify(answer: AnswerForChat): Promise<number> {
    const destinations = await this.destinationsOf.get(String(answer.surveyId));
    if (destinations.length === 0) return 0;
    const properties =
      answer.contactSnapshot instanceof Map
        ? answer.contactSnapshot
        : new Map(Object.entries(answer.contactSnapshot ?? {}));
    const category = answer.category ?? categoryOf(answer.score);
    const matching = destinations.filter((d) => matchesRule(d.rule as ChatRule, { ...answer, category, properties }));
    if (matching.length === 0) return 0;
    const key = String(answer._id);
    const already = new Set(
      (
        await this.deps.deliveries
          .find({ key, destinationId: mongoose.trusted({ $in: matching.map((d) => d._id) }) })
          .select('destinationId')
          .lean()
      ).map((d) => String(d.destinationId)),
    );
    const fresh = matching.filter((d) => !already.has(String(d._id)));
    if (fresh.length === 0) return 0;
    const facts = await this.factsOf(
      answer,
      fresh.some((d) => d.includeIdentity),
    );
    const now = this.deps.clock.now();
    const docs = fresh.map((d) => ({
      destinationId: d._id,
      surveyId: answer.surveyId,
      key,
      ...(answer.contactId ? { contactId: answer.contactId } : {}),
      summary: `${facts.category} (${facts.score}/10)`,
      message: chatMessage(d.kind, d.includeIdentity ? facts : { ...facts, contact: undefined }),
      ...pendingFields(now),
    }));
    try {
      await this.deps.deliveries.insertMany(docs, { ordered: false });
    } catch (err) {
      // Another save of the same answer queued it first (the unique key): that one is posted.
      if (!(err instanceof mongoose.mongo.MongoBulkWriteError) || err.code !== 11000) throw err;
    }
    return docs.length;
  }

  private async factsOf(answer: AnswerForChat, withIdentity: boolean): Promise<ChatFacts> {
    const { lookup, baseUrl } = this.deps;
    const [survey, contact, caseId] = await Promise.all([
      lookup.survey(answer.surveyId),
      withIdentity && answer.contactId ? lookup.contact(answer.contactId) : null,
      lookup.caseIdOf(answer._id),
    ]);
    const band = (answer.category ?? categoryOf(answer.score)) as Band;
    return {
      surveyName: survey.name,
      score: answer.score,
      scaleMax: SCALES[survey.type].max,
      category: bandWord(survey.type, band),
      answers: answerRows(survey.extraQuestions, answer.answers, survey.language),
      repurchase: answer.repurchase ? REPURCHASE_LABELS[answer.repurchase as RepurchaseAnswer] : undefined,
      comment: answer.comment ?? '',
      contact: contact ?? undefined,
      responseUrl: `${baseUrl}/responses/${String(answer._id)}`,
      caseUrl: caseId ? `${baseUrl}/follow-ups/${caseId}` : undefined,
    };
  }

  /** Posts every due message; records each destination's health and switches off one failing for 24 h. */
  deliverDue(limit = 100): Promise<number> {
    return this.queue.runDue(async (delivery) => {
      const destination = await this.deps.destinations.findById(delivery.destinationId).lean();
      if (!destination || destination.removedAt) return { error: messages.removed, giveUp: true };
      if (destination.switchedOffAt) return { error: messages.switchedOff, giveUp: true };
      const outcome = await this.postTo(destination, delivery.message);
      const off = await this.recordHealth(destination._id, outcome);
      return off ? { ...outcome, giveUp: true } : outcome;
    }, limit);
  }

  private postTo(destination: { urlSealed: string }, message: unknown): Promise<PostOutcome> {
    const url = this.deps.sealer.open(destination.urlSealed);
    return postJson(this.deps.fetch, url, JSON.stringify(message), { 'User-Agent': 'nps-notifications/1' });
  }

  /** Success clears the failure run; a failure starts one or, 24 h in, switches the destination off (true). */
  private async recordHealth(id: Id, outcome: PostOutcome): Promise<boolean> {
    const { destinations, clock } = this.deps;
    const now = clock.now();
    if (!outcome.error) {
      await destinations.updateOne(
        { _id: id },
        { $set: { lastDeliveredAt: now }, $unset: { failingSince: 1, lastError: 1 } },
      );
      return false;
    }
    const lastError = outcome.error.slice(0, 1000);
    await destinations.updateOne({ _id: id, failingSince: null }, { $set: { failingSince: now } });
    const cutoff = new Date(now.getTime() - SWITCH_OFF_AFTER_MS);
    const off = await destinations.updateOne(
      { _id: id, switchedOffAt: null, failingSince: mongoose.trusted({ $lte: cutoff }) },
      { $set: { switchedOffAt: now, switchedOffReason: messages.switchedOffReason(lastError), lastError } },
    );
    if (off.modifiedCount === 0) await destinations.updateOne({ _id: id }, { $set: { lastError } });
    else this.deps.logger?.warn({ destination: String(id) }, 'chat destination switched off after 24 h of failures');
    return off.modifiedCount > 0;
  }

  /** Part of deleting a contact: messages not yet posted are dropped, the stored text of the others erased. */
  async eraseContact(contactId: Id): Promise<void> {
    await this.deps.deliveries.deleteMany({ contactId, status: 'pending' });
    await this.deps.deliveries.updateMany(
      { contactId },
      { $set: { message: { erased: true } }, $unset: { contactId: 1 } },
    );
  }
}
