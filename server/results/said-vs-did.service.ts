import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import {
  CATEGORY_LABELS,
  COUNTED_REVIEW_STATES,
  REPURCHASE_LABELS,
  type NpsCategory,
  type RepurchaseAnswer,
} from '../vocabulary/answers.js';
import { wilsonInterval } from './proportions.js';

export interface BehaviourRow {
  key: string;
  label: string;
  /** Answers (or silent invitations) old enough to judge. */
  n: number;
  /** Of those, how many placed an order within the window after answering (or after the invitation). */
  bought: number;
  interval: { share: number; low: number; high: number } | null;
}

export interface SaidVsDid {
  windowDays: number;
  cutoff: Date;
  byCategory: BehaviourRow[];
  byAnswer: BehaviourRow[];
  neverAnswered: BehaviourRow;
  /** "Would not buy again" answers with no order in the window since: churn risks to follow up. */
  churnRisks: { contactId: string; email: string; name: string; answer: string; score: number; submittedAt: Date }[];
  orders: number;
}

const BATCH = 1000;

/**
 * "Said vs did": did the customers who answered buy again? For each answer at least `windowDays` old
 * from an identified contact, whether that contact placed an order in the `windowDays` after answering;
 * the share by NPS category and by repurchase answer, each with n and a Wilson 95% interval; and the
 * same for invited contacts who never answered (from the invitation's delivery). Computed on demand
 * from the responses and orders (its own tab, not part of the fast results page).
 */
export function createSaidVsDidService(deps: { models: Models; clock: Clock }) {
  const { models, clock } = deps;

  /** Order dates per contact, for a batch of contacts, sorted. */
  async function ordersOf(contactIds: mongoose.Types.ObjectId[]): Promise<Map<string, number[]>> {
    const orders = await models.orders.collection
      .find({ contactId: { $in: contactIds } }, { projection: { contactId: 1, orderedAt: 1 } })
      .toArray();
    const byContact = new Map<string, number[]>();
    for (const o of orders)
      byContact.set(String(o.contactId), [
        ...(byContact.get(String(o.contactId)) ?? []),
        (o.orderedAt as Date).getTime(),
      ]);
    for (const dates of byContact.values()) dates.sort((a, b) => a - b);
    return byContact;
  }

  const boughtWithin = (dates: number[] | undefined, from: number, windowMs: number) =>
    (dates ?? []).some((t) => t > from && t <= from + windowMs);

  async function compute(surveyId: string, windowDays: number): Promise<SaidVsDid> {
    if (!mongoose.isValidObjectId(surveyId)) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    const _id = new mongoose.Types.ObjectId(surveyId);
    const windowMs = windowDays * 86_400_000;
    const cutoff = new Date(clock.now().getTime() - windowMs);
    const tally = <K extends string>(keys: readonly K[]) =>
      new Map<K, { n: number; bought: number }>(keys.map((k) => [k, { n: 0, bought: 0 }]));
    const byCategory = tally(['promoter', 'passive', 'detractor'] as const);
    const byAnswer = tally([...(Object.keys(REPURCHASE_LABELS) as RepurchaseAnswer[]), 'none'] as const);
    const answeredContacts = new Set<string>();
    const churnRisks: SaidVsDid['churnRisks'] = [];

    type Row = {
      contactId: mongoose.Types.ObjectId;
      submittedAt: Date;
      category: NpsCategory;
      repurchase?: RepurchaseAnswer | null;
      score: number;
    };
    const cursor = models.responses.collection.find(
      {
        surveyId: _id,
        review: { $in: [...COUNTED_REVIEW_STATES] },
        contactId: { $ne: null },
        submittedAt: { $lte: cutoff },
      },
      { projection: { contactId: 1, submittedAt: 1, category: 1, repurchase: 1, score: 1 } },
    );
    let batch: Row[] = [];
    const flush = async () => {
      const orders = await ordersOf(batch.map((r) => r.contactId));
      for (const r of batch) {
        const bought = boughtWithin(orders.get(String(r.contactId)), r.submittedAt.getTime(), windowMs);
        const c = byCategory.get(r.category)!;
        c.n++;
        if (bought) c.bought++;
        const a = byAnswer.get(r.repurchase ?? 'none')!;
        a.n++;
        if (bought) a.bought++;
        if (
          !bought &&
          (r.repurchase === 'probably_would_not' || r.repurchase === 'definitely_would_not') &&
          churnRisks.length < 100
        ) {
          churnRisks.push({
            contactId: String(r.contactId),
            email: '',
            name: '',
            answer: REPURCHASE_LABELS[r.repurchase],
            score: r.score,
            submittedAt: r.submittedAt,
          });
        }
      }
      batch = [];
    };
    for await (const doc of cursor) {
      answeredContacts.add(String(doc.contactId));
      batch.push(doc as unknown as Row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();

    // Never answered: delivered invitations old enough, whose contact gave no answer to this survey.
    const silent = { n: 0, bought: 0 };
    const allAnswered = new Set((await models.responses.distinct('contactId', { surveyId: _id })).map(String));
    let invites: { contactId: mongoose.Types.ObjectId; sentAt: Date }[] = [];
    const flushInvites = async () => {
      const orders = await ordersOf(invites.map((i) => i.contactId));
      for (const i of invites) {
        silent.n++;
        if (boughtWithin(orders.get(String(i.contactId)), i.sentAt.getTime(), windowMs)) silent.bought++;
      }
      invites = [];
    };
    for await (const inv of models.invitations.collection.find(
      { surveyId: _id, status: 'sent', sentAt: { $lte: cutoff } },
      { projection: { contactId: 1, sentAt: 1 } },
    )) {
      if (allAnswered.has(String(inv.contactId))) continue;
      invites.push(inv as unknown as { contactId: mongoose.Types.ObjectId; sentAt: Date });
      if (invites.length >= BATCH) await flushInvites();
    }
    await flushInvites();

    if (churnRisks.length > 0) {
      const contacts = await models.contacts
        .find({ _id: mongoose.trusted({ $in: churnRisks.map((c) => new mongoose.Types.ObjectId(c.contactId)) }) })
        .select('email name')
        .lean();
      const byId = new Map(contacts.map((c) => [String(c._id), c]));
      for (const risk of churnRisks) {
        risk.email = byId.get(risk.contactId)?.email ?? '';
        risk.name = byId.get(risk.contactId)?.name ?? '';
      }
    }
    const row = (key: string, label: string, t: { n: number; bought: number }): BehaviourRow => ({
      key,
      label,
      n: t.n,
      bought: t.bought,
      interval: wilsonInterval(t.bought, t.n),
    });
    return {
      windowDays,
      cutoff,
      byCategory: [...byCategory.entries()].map(([k, t]) => row(k, CATEGORY_LABELS[k], t)),
      byAnswer: [...byAnswer.entries()].map(([k, t]) =>
        row(k, k === 'none' ? 'Did not answer the question' : REPURCHASE_LABELS[k], t),
      ),
      neverAnswered: row('never', 'Invited, never answered', silent),
      churnRisks: churnRisks.filter((c) => c.email !== ''),
      orders: await models.orders.estimatedDocumentCount(),
    };
  }

  return { compute };
}

export type SaidVsDidService = ReturnType<typeof createSaidVsDidService>;
