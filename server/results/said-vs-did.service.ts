import mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import type { OrderStore } from '../orders/order.store.js';
import type { ResponseModel } from '../responses/response.model.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { InvitationModel } from '../sending/invitation.model.js';
import { surveyIdOf } from '../surveys/survey-id.js';
import { SaidVsDidTally, type AnswerRow, type BehaviourRow, type ChurnRisk } from './said-vs-did.js';

export interface SaidVsDid {
  windowDays: number;
  cutoff: Date;
  byCategory: BehaviourRow[];
  byAnswer: BehaviourRow[];
  neverAnswered: BehaviourRow;
  /** "Would not buy again" answers with no order in the window since: churn risks to follow up. */
  churnRisks: ChurnRisk[];
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
export class SaidVsDidService {
  constructor(
    private readonly deps: {
      responses: ResponseStore;
      /** Read only: who answered, and the delivered invitations. */
      responseModel: ResponseModel;
      invitations: InvitationModel;
      orders: OrderStore;
      contacts: ContactStore;
      clock: Clock;
    },
  ) {}

  async compute(surveyId: string, windowDays: number): Promise<SaidVsDid> {
    const _id = surveyIdOf(surveyId);
    const windowMs = windowDays * 86_400_000;
    const cutoff = new Date(this.deps.clock.now().getTime() - windowMs);
    const tally = new SaidVsDidTally(windowMs);
    await this.inBatches(this.deps.responses.countedCursor(_id, cutoff), (rows, orders) => {
      for (const r of rows as unknown as AnswerRow[]) tally.answer(r, orders.get(String(r.contactId)));
    });
    // Never answered: delivered invitations old enough, whose contact gave no answer to this survey.
    const answered = new Set((await this.deps.responseModel.distinct('contactId', { surveyId: _id })).map(String));
    const invitations = this.deps.invitations.collection.find(
      { surveyId: _id, status: 'sent', sentAt: { $lte: cutoff } },
      { projection: { contactId: 1, sentAt: 1 } },
    );
    await this.inBatches(invitations, (rows, orders) => {
      for (const inv of rows)
        if (!answered.has(String(inv.contactId)))
          tally.silentInvitation(inv.sentAt as Date, orders.get(String(inv.contactId)));
    });
    return {
      windowDays,
      cutoff,
      ...tally.rows(),
      churnRisks: await this.withNames(tally.churnRisks),
      orders: await this.deps.orders.count(),
    };
  }

  /** Reads `cursor` a thousand rows at a time, with the order dates of their contacts. */
  private async inBatches(
    cursor: AsyncIterable<mongoose.mongo.Document>,
    each: (rows: mongoose.mongo.Document[], orders: Map<string, number[]>) => void,
  ): Promise<void> {
    let batch: mongoose.mongo.Document[] = [];
    const flush = async () => {
      if (batch.length > 0)
        each(batch, await this.deps.orders.datesByContact(batch.map((r) => r.contactId as mongoose.Types.ObjectId)));
      batch = [];
    };
    for await (const row of cursor) {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }

  /** The churn risks with their contact's email and name; contacts deleted since drop out. */
  private async withNames(risks: ChurnRisk[]): Promise<ChurnRisk[]> {
    if (risks.length === 0) return [];
    const contacts = await this.deps.contacts.byIds<{ _id: mongoose.Types.ObjectId; email: string; name?: string }>(
      risks.map((c) => new mongoose.Types.ObjectId(c.contactId)),
      'email name',
    );
    for (const risk of risks) {
      risk.email = contacts.get(risk.contactId)?.email ?? '';
      risk.name = contacts.get(risk.contactId)?.name ?? '';
    }
    return risks.filter((c) => c.email !== '');
  }
}
