import Handlebars from 'handlebars';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../sending/mailer.js';
import { REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { DEFAULT_FOLLOW_UP_MAX_SCORE } from '../vocabulary/defaults.js';
import type { FOLLOWUP_OUTCOMES, FOLLOWUP_STATUSES } from './followup.model.js';

type Status = (typeof FOLLOWUP_STATUSES)[number];
type Outcome = (typeof FOLLOWUP_OUTCOMES)[number];

/** Whether an answer opens a case under a survey's rule (PRODUCT.md: by default every detractor). */
export function matchesFollowUpRule(
  rule: { maxScore: number; wouldNot: boolean },
  answer: { score: number; repurchase?: string | null | undefined },
): boolean {
  if (answer.score <= rule.maxScore) return true;
  return rule.wouldNot && (answer.repurchase === 'probably_would_not' || answer.repurchase === 'definitely_would_not');
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Close-the-loop cases: one per response that matches its survey's rule, opened when the answer is
 * stored (idempotent: the unique index on responseId), owned by the survey's owner until someone
 * assigns it, worked with notes, closed with an outcome. Times to first action and to close are kept.
 */
const digestTemplate = Handlebars.create().compile(
  '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1b1f24"><p><strong>{{subject}}.</strong></p>' +
    '{{#each items}}<p>{{survey}}: score <strong>{{score}}</strong>{{#if repurchase}} ({{repurchase}}){{/if}}<br>{{#if comment}}&ldquo;{{comment}}&rdquo;{{else}}(no comment){{/if}}<br><a href="{{url}}">Open the case</a></p>{{/each}}' +
    '<p><a href="{{all}}">All open cases</a></p></body></html>',
);

const replyTemplate = Handlebars.create().compile(
  '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1b1f24;white-space:pre-wrap">{{message}}</body></html>',
);

export function createFollowUpsService(deps: { models: Models; clock: Clock; logger?: Logger }) {
  const { models, clock } = deps;

  // Each survey's rule and owner, remembered for 10 s, so an answer does not pay a survey read for them.
  // A rule changed on the edit page applies to answers from at most 10 s later.
  const rules = new Map<
    string,
    {
      until: number;
      survey: { ownerId?: mongoose.Types.ObjectId | null; rule: { maxScore: number; wouldNot: boolean } } | null;
    }
  >();
  async function ruleOf(surveyId: mongoose.Types.ObjectId) {
    const key = String(surveyId);
    const now = clock.now().getTime();
    const cached = rules.get(key);
    if (cached && cached.until > now) return cached.survey;
    const doc = await models.surveys.findById(surveyId).select('followUpRule ownerId').lean();
    const survey = doc
      ? {
          ownerId: doc.ownerId,
          rule: {
            maxScore: doc.followUpRule?.maxScore ?? DEFAULT_FOLLOW_UP_MAX_SCORE,
            wouldNot: doc.followUpRule?.wouldNot ?? false,
          },
        }
      : null;
    if (rules.size > 1000) rules.clear();
    rules.set(key, { until: now + 10_000, survey });
    return survey;
  }

  /** Opens a case for a counted answer that matches the rule; nothing if one exists already. */
  async function openFor(response: {
    _id: mongoose.Types.ObjectId;
    surveyId: mongoose.Types.ObjectId;
    score: number;
    repurchase?: string | null | undefined;
  }): Promise<boolean> {
    const survey = await ruleOf(response.surveyId);
    if (!survey) return false;
    const { rule } = survey;
    if (!matchesFollowUpRule(rule, response)) return false;
    const result = await models.followUps.updateOne(
      { responseId: response._id },
      {
        $setOnInsert: {
          responseId: response._id,
          surveyId: response.surveyId,
          status: 'open',
          ownerId: survey.ownerId,
          openedAt: clock.now(),
          notes: [],
        },
      },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async function list(filter: {
    status?: Status | 'active' | undefined;
    surveyId?: string | undefined;
    ownerId?: string | undefined;
  }) {
    const query: Record<string, unknown> = {};
    if (filter.status === 'active' || filter.status === undefined)
      query.status = mongoose.trusted({ $in: ['open', 'in_progress'] });
    else query.status = filter.status;
    if (filter.surveyId && mongoose.isValidObjectId(filter.surveyId))
      query.surveyId = new mongoose.Types.ObjectId(filter.surveyId);
    if (filter.ownerId && mongoose.isValidObjectId(filter.ownerId))
      query.ownerId = new mongoose.Types.ObjectId(filter.ownerId);
    const cases = await models.followUps.find(query).sort({ openedAt: 1 }).limit(500).lean();
    const [responses, surveys, users] = await Promise.all([
      models.responses
        .find({ _id: mongoose.trusted({ $in: cases.map((c) => c.responseId) }) })
        .select('score category repurchase comment contactId submittedAt')
        .lean(),
      models.surveys.find({}).select('name').lean(),
      models.users.find({}).select('name email').lean(),
    ]);
    const byResponse = new Map(responses.map((r) => [String(r._id), r]));
    const surveyNames = new Map(surveys.map((s) => [String(s._id), s.name]));
    const userNames = new Map(users.map((u) => [String(u._id), u.name || u.email]));
    const now = clock.now().getTime();
    return cases.map((c) => {
      const r = byResponse.get(String(c.responseId));
      return {
        id: String(c._id),
        status: c.status,
        openedAt: c.openedAt,
        ageDays: Math.floor((now - c.openedAt.getTime()) / 86_400_000),
        survey: surveyNames.get(String(c.surveyId)) ?? '',
        owner: c.ownerId ? (userNames.get(String(c.ownerId)) ?? '') : '',
        score: r?.score,
        category: r?.category,
        comment: r?.comment ?? '',
      };
    });
  }

  /** Median hours to first action and to close, per survey, for cases opened since `since`. */
  async function timings(since: Date) {
    const cases = await models.followUps
      .find({ openedAt: mongoose.trusted({ $gte: since }) })
      .select('surveyId openedAt firstActionAt closedAt')
      .lean();
    const surveys = await models.surveys.find({}).select('name').lean();
    const names = new Map(surveys.map((s) => [String(s._id), s.name]));
    const bySurvey = new Map<string, { first: number[]; close: number[]; total: number }>();
    for (const c of cases) {
      const key = String(c.surveyId);
      const entry = bySurvey.get(key) ?? { first: [], close: [], total: 0 };
      entry.total++;
      if (c.firstActionAt) entry.first.push((c.firstActionAt.getTime() - c.openedAt.getTime()) / 3_600_000);
      if (c.closedAt) entry.close.push((c.closedAt.getTime() - c.openedAt.getTime()) / 3_600_000);
      bySurvey.set(key, entry);
    }
    return [...bySurvey.entries()].map(([id, e]) => ({
      survey: names.get(id) ?? '',
      cases: e.total,
      medianHoursToFirstAction: median(e.first),
      medianHoursToClose: median(e.close),
      closed: e.close.length,
    }));
  }

  async function get(id: string) {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
    const c = await models.followUps.findById(id).lean();
    if (!c) throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
    const [response, survey, users] = await Promise.all([
      models.responses.findById(c.responseId).lean(),
      models.surveys.findById(c.surveyId).select('name').lean(),
      models.users.find({ disabledAt: null }).select('name email role').sort({ email: 1 }).lean(),
    ]);
    const contact = response?.contactId
      ? await models.contacts.findById(response.contactId).select('email name').lean()
      : null;
    const names = new Map(users.map((u) => [String(u._id), u.name || u.email]));
    return {
      id: String(c._id),
      status: c.status,
      outcome: c.outcome ?? undefined,
      openedAt: c.openedAt,
      firstActionAt: c.firstActionAt ?? undefined,
      closedAt: c.closedAt ?? undefined,
      ownerId: c.ownerId ? String(c.ownerId) : '',
      owner: c.ownerId ? (names.get(String(c.ownerId)) ?? '') : '',
      survey: { id: String(c.surveyId), name: survey?.name ?? '' },
      response: response
        ? {
            score: response.score,
            category: response.category,
            repurchase: response.repurchase ?? undefined,
            comment: response.comment ?? '',
            submittedAt: response.submittedAt,
            channel: response.channel,
          }
        : undefined,
      contact: contact ? { id: String(contact._id), email: contact.email, name: contact.name ?? '' } : undefined,
      notes: (c.notes ?? []).map((n) => ({ text: n.text, at: n.at, author: names.get(String(n.authorId)) ?? '' })),
      users: users.filter((u) => u.role !== 'viewer').map((u) => ({ id: String(u._id), name: u.name || u.email })),
    };
  }

  /**
   * One step on a case: assign, note, start, close (with an outcome) or reopen. Each is one atomic
   * update whose filter names the states it is allowed from; the first step stamps firstActionAt.
   */
  async function act(
    id: string,
    userId: string,
    action:
      | { kind: 'assign'; ownerId: string }
      | { kind: 'note'; text: string }
      | { kind: 'start' }
      | { kind: 'close'; outcome: Outcome }
      | { kind: 'reopen' },
  ) {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
    const now = clock.now();
    const _id = new mongoose.Types.ObjectId(id);
    const active = mongoose.trusted({ $in: ['open', 'in_progress'] });
    let filter: Record<string, unknown> = { _id, status: active };
    let update: Record<string, unknown>;
    switch (action.kind) {
      case 'assign': {
        if (
          !mongoose.isValidObjectId(action.ownerId) ||
          !(await models.users.exists({
            _id: action.ownerId,
            disabledAt: null,
            role: mongoose.trusted({ $ne: 'viewer' }),
          }))
        ) {
          throw new ValidationError('Choose a manager or admin from the list.', {
            ownerId: 'Choose a manager or admin from the list.',
          });
        }
        update = { $set: { ownerId: new mongoose.Types.ObjectId(action.ownerId) } };
        break;
      }
      case 'note':
        filter = { _id };
        update = { $push: { notes: { authorId: new mongoose.Types.ObjectId(userId), text: action.text, at: now } } };
        break;
      case 'start':
        filter = { _id, status: 'open' };
        update = { $set: { status: 'in_progress' } };
        break;
      case 'close':
        update = { $set: { status: 'closed', outcome: action.outcome, closedAt: now } };
        break;
      case 'reopen':
        filter = { _id, status: 'closed' };
        update = { $set: { status: 'open' }, $unset: { outcome: 1, closedAt: 1 } };
        break;
    }
    const done = await models.followUps.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean();
    if (!done) {
      if (!(await models.followUps.exists({ _id })))
        throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
      throw new ConflictError(
        'The case changed meanwhile (someone may have closed or reopened it). Look at it again.',
        'FOLLOWUP_STATE_CHANGED',
      );
    }
    await models.followUps.updateOne({ _id, firstActionAt: null }, { $set: { firstActionAt: now } });
  }

  /**
   * Alert digests: every case not yet alerted goes to its owner (else to every admin) in one email per
   * person per run, so a burst of detractors makes one message, not a flood. Cases are claimed one
   * by one with an atomic update, so two workers never alert the same case; if the email fails, the
   * claims are released and the next run tries again. Goes through the survey email's mailer.
   */
  async function sendDigests(input: { mailer: Mailer; baseUrl: string; mailFrom: string }): Promise<number> {
    const pending = await models.followUps
      .find({ alertedAt: null })
      .select('_id ownerId surveyId responseId')
      .sort({ openedAt: 1 })
      .limit(500)
      .lean();
    if (pending.length === 0) return 0;
    const now = clock.now();
    const claimed = [];
    for (const c of pending) {
      const got = await models.followUps
        .findOneAndUpdate({ _id: c._id, alertedAt: null }, { $set: { alertedAt: now } })
        .lean();
      if (got) claimed.push(c);
    }
    const [users, responses, surveys] = await Promise.all([
      models.users.find({ disabledAt: null }).select('email name role').lean(),
      models.responses
        .find({ _id: mongoose.trusted({ $in: claimed.map((c) => c.responseId) }) })
        .select('score category repurchase comment')
        .lean(),
      models.surveys
        .find({ _id: mongoose.trusted({ $in: claimed.map((c) => c.surveyId) }) })
        .select('name')
        .lean(),
    ]);
    const userById = new Map(users.map((u) => [String(u._id), u]));
    const admins = users.filter((u) => u.role === 'admin');
    const byResponse = new Map(responses.map((r) => [String(r._id), r]));
    const surveyNames = new Map(surveys.map((s) => [String(s._id), s.name]));
    const byRecipient = new Map<string, { to: { email: string; name?: string | null }; cases: typeof claimed }>();
    for (const c of claimed) {
      const owner = c.ownerId ? userById.get(String(c.ownerId)) : undefined;
      for (const to of owner ? [owner] : admins) {
        const entry = byRecipient.get(to.email) ?? { to, cases: [] };
        entry.cases.push(c);
        byRecipient.set(to.email, entry);
      }
    }
    let sent = 0;
    for (const { to, cases } of byRecipient.values()) {
      const items = cases.map((c) => {
        const r = byResponse.get(String(c.responseId));
        return {
          url: `${input.baseUrl}/follow-ups/${String(c._id)}`,
          survey: surveyNames.get(String(c.surveyId)) ?? '',
          score: r?.score,
          category: r?.category,
          repurchase: r?.repurchase ? REPURCHASE_LABELS[r.repurchase] : '',
          comment: r?.comment ?? '',
        };
      });
      const subject =
        items.length === 1
          ? `A ${items[0]!.category ?? 'detractor'} answer needs a follow-up`
          : `${items.length} answers need a follow-up`;
      const text = [
        subject + '.',
        '',
        ...items.flatMap((i) => [
          `${i.survey}: score ${i.score}${i.repurchase ? `, ${i.repurchase.replace(/_/g, ' ')}` : ''}`,
          i.comment ? `"${i.comment}"` : '(no comment)',
          i.url,
          '',
        ]),
        `All open cases: ${input.baseUrl}/follow-ups`,
      ].join('\n');
      const html = digestTemplate({ subject, items, all: `${input.baseUrl}/follow-ups` });
      try {
        await input.mailer.send({
          from: input.mailFrom,
          to: to.email,
          subject,
          text,
          html,
          messageId: `<digest-${String(cases[0]!._id)}-${now.getTime()}@${new URL(input.baseUrl).hostname}>`,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        sent++;
      } catch (err) {
        // Not sent: release these cases for the next run (other recipients' digests stand).
        await models.followUps.updateMany(
          { _id: mongoose.trusted({ $in: cases.map((c) => c._id) }), alertedAt: now },
          { $unset: { alertedAt: 1 } },
        );
        deps.logger?.warn({ err, to: to.email }, 'follow-up digest not sent');
      }
    }
    return sent;
  }

  /**
   * Replies to the customer by email from the case, through the configured sender (the survey's sender
   * name and reply-to), and logs the reply as a note. Only for cases whose response has a contact.
   */
  async function reply(
    id: string,
    userId: string,
    input: { subject: string; message: string; mailer: Mailer; mailFrom: string; baseUrl: string },
  ): Promise<string> {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
    const c = await models.followUps.findById(id).lean();
    if (!c) throw new NotFoundError('That follow-up does not exist.', 'FOLLOWUP_NOT_FOUND');
    const response = await models.responses.findById(c.responseId).select('contactId').lean();
    const contact = response?.contactId
      ? await models.contacts.findById(response.contactId).select('email name').lean()
      : null;
    if (!contact)
      throw new ValidationError(
        'This answer came without a known contact (web link or deleted), so there is nobody to reply to.',
        {},
        'NO_CONTACT',
      );
    const survey = await models.surveys.findById(c.surveyId).select('senderName companyName replyTo').lean();
    const fromAddress = /<([^>]+)>/.exec(input.mailFrom)?.[1] ?? input.mailFrom;
    const senderName = (survey?.senderName || survey?.companyName || '').replace(/["\\\r\n]/g, '');
    const now = clock.now();
    await input.mailer.send({
      from: senderName ? `"${senderName}" <${fromAddress}>` : fromAddress,
      to: contact.email,
      ...(survey?.replyTo ? { replyTo: survey.replyTo } : {}),
      subject: input.subject,
      text: input.message,
      html: replyTemplate({ message: input.message }),
      messageId: `<reply-${id}-${now.getTime()}@${new URL(input.baseUrl).hostname}>`,
      headers: {},
    });
    await models.followUps.updateOne(
      { _id: c._id },
      {
        $push: {
          notes: {
            authorId: new mongoose.Types.ObjectId(userId),
            text: `Replied by email to ${contact.email}: "${input.subject}"\n\n${input.message}`,
            at: now,
          },
        },
      },
    );
    await models.followUps.updateOne({ _id: c._id, firstActionAt: null }, { $set: { firstActionAt: now } });
    return contact.email;
  }

  return { openFor, list, timings, get, act, sendDigests, reply };
}

export type FollowUpsService = ReturnType<typeof createFollowUpsService>;
