import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import { replyHtml } from '../followups/followup-mail.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { ttlCache } from '../lib/ttl-cache.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { Mailer } from '../sending/mailer.js';
import { surveySender } from '../sending/sender.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { categoryOf, isCounted, NPS_CATEGORIES, type NpsCategory } from '../vocabulary/answers.js';
import { DEFAULT_REPLIES, replyText, type ReplySetting } from './auto-reply-text.js';
import type { AutoReplyModel } from './auto-reply.model.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

/** A claim older than this belongs to a worker that died mid-send: it is not retried (see sendDue). */
const LEASE_MS = 10 * 60_000;

interface SurveyReplies {
  companyName: string;
  senderName?: string | null;
  replyTo?: string | null;
  reviewUrl?: string | null;
  autoReplies?: Partial<Record<NpsCategory, Partial<ReplySetting> | null>> | null;
}

/** A survey's reply settings with the defaults filled in. */
export function repliesOf(
  survey: Pick<SurveyReplies, 'autoReplies'> | null | undefined,
): Record<NpsCategory, ReplySetting> {
  const out = {} as Record<NpsCategory, ReplySetting>;
  for (const c of NPS_CATEGORIES) {
    const saved = survey?.autoReplies?.[c];
    out[c] = {
      enabled: saved?.enabled ?? false,
      subject: saved?.subject || DEFAULT_REPLIES[c].subject,
      body: saved?.body || DEFAULT_REPLIES[c].body,
      delayMinutes: saved?.delayMinutes ?? DEFAULT_REPLIES[c].delayMinutes,
    };
  }
  return out;
}

/**
 * Automatic replies to respondents: the one writer of autoReplies. Each saved answer with a contact
 * schedules its category's reply (if the survey has it on), after the delay; a change of category
 * before then cancels it (and schedules the new category's). `sendDue` (a background job) claims due
 * replies one at a time and checks again before sending: never to unsubscribed or suppressed
 * contacts, never for flagged answers, at most one reply per response.
 */
export class AutoReplies {
  private readonly workerId = `replies-${randomBytes(4).toString('hex')}`;
  // Each survey's reply settings for 10 s: most surveys send none, and answers should not pay a read
  // to find that out. A change on another instance takes effect within 10 s.
  private readonly settingsCache;

  constructor(
    private readonly deps: {
      replies: AutoReplyModel;
      surveys: SurveyStore;
      contacts: ContactStore;
      responses: ResponseStore;
      mailer: Mailer;
      mailFrom: string;
      baseUrl: string;
      clock: Clock;
      logger?: Logger | undefined;
    },
  ) {
    this.settingsCache = ttlCache({ ttlMs: 10_000, clock: deps.clock }, async (surveyId: string) =>
      repliesOf((await deps.surveys.findById(new mongoose.Types.ObjectId(surveyId))) as SurveyReplies | null),
    );
  }

  /**
   * After an answer is saved: schedules its reply, or cancels one for a category it no longer has.
   * Answers to surveys with every reply off cost no command (their settings are cached for 10 s).
   */
  async schedule(
    answer: { _id: Id; surveyId: Id; contactId?: Id | null; score: number; category?: string | null; review: string },
    event: 'response.created' | 'response.updated' = 'response.updated',
  ): Promise<void> {
    if (!answer.contactId) return; // anonymous web-link answers have no one to reply to
    const settings = await this.settingsCache.get(String(answer.surveyId));
    if (!NPS_CATEGORIES.some((c) => settings[c].enabled)) return;
    const { replies, clock } = this.deps;
    // The band the answer was stored with (its survey's scale); NPS's promoter/passive/detractor.
    const category = (answer.category as NpsCategory | null | undefined) ?? categoryOf(answer.score);
    const now = clock.now();
    // A new answer has nothing to cancel; a changed one may have moved to another category.
    if (event === 'response.updated')
      await replies.updateMany(
        { responseId: answer._id, status: 'pending', category: trusted({ $ne: category }) },
        {
          $set: {
            status: 'cancelled',
            reason: `the answer changed to ${category} before the delay passed`,
            settledAt: now,
          },
        },
      );
    const setting = settings[category];
    if (!isCounted(answer.review) || !setting.enabled) return;
    await replies.updateOne(
      { responseId: answer._id, category },
      {
        $setOnInsert: {
          surveyId: answer.surveyId,
          contactId: answer.contactId,
          status: 'pending',
          dueAt: new Date(now.getTime() + setting.delayMinutes * 60_000),
          createdAt: now,
        },
      },
      { upsert: true },
    );
  }

  /** Sends every reply that is due; returns how many were settled. */
  async sendDue(limit = 100): Promise<number> {
    const { replies, clock } = this.deps;
    // A claim left by a worker that died mid-send may have gone out: not sent again.
    const stale = new Date(clock.now().getTime() - LEASE_MS);
    await replies.updateMany(
      { status: 'sending', claimedAt: trusted({ $lt: stale }) },
      {
        $set: {
          status: 'failed',
          reason: 'the worker stopped while sending; it may have arrived, so it is not sent again',
        },
      },
    );
    let settled = 0;
    while (settled < limit) {
      const now = clock.now();
      const reply = await replies
        .findOneAndUpdate(
          { status: 'pending', dueAt: trusted({ $lte: now }) },
          { $set: { status: 'sending', claimedBy: this.workerId, claimedAt: now } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!reply) break;
      const outcome = await this.sendOne(reply);
      await replies.updateOne(
        { _id: reply._id, status: 'sending', claimedBy: this.workerId },
        { $set: { ...outcome, settledAt: clock.now() }, $unset: { claimedBy: 1 } },
      );
      settled++;
    }
    return settled;
  }

  /** Checks everything again at send time, then sends; says how it ended. */
  private async sendOne(reply: { _id: Id; responseId: Id; surveyId: Id; contactId: Id; category: string }) {
    const skip = (reason: string) => ({ status: 'skipped' as const, reason });
    const [response, contact, survey, alreadySent] = await Promise.all([
      this.deps.responses.findById(reply.responseId),
      this.deps.contacts.findById(reply.contactId),
      this.deps.surveys.findById(reply.surveyId),
      this.deps.replies.exists({ responseId: reply.responseId, status: 'sent' }),
    ]);
    if (alreadySent) return skip('this answer already got a reply');
    if (!response || !contact) return skip('the answer or the contact was deleted');
    if (!isCounted(response.review)) return skip('the answer is flagged as automated');
    if (response.category !== reply.category) return skip(`the answer is now ${response.category}`);
    if (contact.unsubscribedAt) return skip('the contact unsubscribed');
    if (contact.suppressedAt) return skip('the address is suppressed (it bounced or complained)');
    const settings = survey as SurveyReplies | null;
    const setting = repliesOf(settings)[reply.category];
    if (!settings || !setting.enabled) return skip('the survey no longer sends this reply');
    const { subject, text } = replyText(setting, {
      name: contact.name ?? '',
      company: settings.companyName,
      reviewUrl: reply.category === 'promoter' && settings.reviewUrl ? settings.reviewUrl : undefined,
    });
    try {
      await this.deps.mailer.send({
        from: surveySender(settings, this.deps.mailFrom),
        to: contact.email,
        ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
        subject,
        text,
        html: replyHtml({ message: text }),
        messageId: `<auto-reply-${String(reply._id)}@${new URL(this.deps.baseUrl).hostname}>`,
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
      return { status: 'sent' as const, subject };
    } catch (err) {
      this.deps.logger?.warn({ reply: String(reply._id) }, 'automatic reply failed');
      return { status: 'failed' as const, reason: (err instanceof Error ? err.message : String(err)).slice(0, 500) };
    }
  }

  /** The survey's reply settings, defaults filled in. */
  async settingsOf(surveyId: string): Promise<Record<NpsCategory, ReplySetting>> {
    return repliesOf(await this.deps.surveys.findById(new mongoose.Types.ObjectId(surveyId)));
  }

  async save(surveyId: string, replies: Record<NpsCategory, ReplySetting>, reviewUrl: string): Promise<void> {
    const set: Record<string, unknown> = { reviewUrl };
    for (const c of NPS_CATEGORIES) set[`autoReplies.${c}`] = replies[c];
    // Only a closed survey refuses (the page checked that the survey exists).
    if (!(await this.deps.surveys.saveSettings(new mongoose.Types.ObjectId(surveyId), set)))
      throw new ConflictError('This survey is closed and can no longer be changed.', 'SURVEY_CLOSED');
    this.settingsCache.forget(surveyId);
  }

  /** A contact's replies, newest first (their page). */
  forContact(contactId: Id, limit = 50) {
    return this.deps.replies.find({ contactId }).sort({ createdAt: -1 }).limit(limit).lean();
  }

  /** Part of deleting a contact: their replies go (pending ones are never sent). */
  async eraseContact(contactId: Id): Promise<void> {
    await this.deps.replies.deleteMany({ contactId });
  }
}
