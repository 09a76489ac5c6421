/** "Said vs did" arithmetic: who bought again within the window, by what they answered. Pure. */
import type mongoose from 'mongoose';

import {
  CATEGORY_LABELS,
  NPS_CATEGORIES,
  REPURCHASE_ANSWERS,
  REPURCHASE_LABELS,
  WOULD_NOT,
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

export interface ChurnRisk {
  contactId: string;
  email: string;
  name: string;
  answer: string;
  score: number;
  submittedAt: Date;
}

export interface AnswerRow {
  contactId: mongoose.Types.ObjectId;
  submittedAt: Date;
  category: NpsCategory;
  repurchase?: RepurchaseAnswer | null;
  score: number;
}

/** At most this many "would not buy again" answers without an order are listed to call. */
const MAX_CHURN_RISKS = 100;

/** Whether any order (ms timestamps) falls in the window after `from`. */
export function boughtWithin(dates: readonly number[] | undefined, from: number, windowMs: number): boolean {
  return (dates ?? []).some((t) => t > from && t <= from + windowMs);
}

/** Tallies answers and silent invitations as they are read, batch by batch. */
export class SaidVsDidTally {
  private readonly byCategory = new Map<NpsCategory, { n: number; bought: number }>(
    NPS_CATEGORIES.map((k) => [k, { n: 0, bought: 0 }]),
  );
  private readonly byAnswer = new Map<RepurchaseAnswer | 'none', { n: number; bought: number }>(
    [...REPURCHASE_ANSWERS, 'none' as const].map((k) => [k, { n: 0, bought: 0 }]),
  );
  private readonly silent = { n: 0, bought: 0 };
  readonly churnRisks: ChurnRisk[] = [];

  constructor(private readonly windowMs: number) {}

  /** One answer, with its contact's order dates. */
  answer(r: AnswerRow, orders: readonly number[] | undefined): void {
    const bought = boughtWithin(orders, r.submittedAt.getTime(), this.windowMs);
    for (const t of [this.byCategory.get(r.category)!, this.byAnswer.get(r.repurchase ?? 'none')!]) {
      t.n++;
      if (bought) t.bought++;
    }
    if (!bought && r.repurchase && WOULD_NOT.includes(r.repurchase) && this.churnRisks.length < MAX_CHURN_RISKS) {
      this.churnRisks.push({
        contactId: String(r.contactId),
        email: '',
        name: '',
        answer: REPURCHASE_LABELS[r.repurchase],
        score: r.score,
        submittedAt: r.submittedAt,
      });
    }
  }

  /** One delivered invitation that was never answered, with its contact's order dates. */
  silentInvitation(sentAt: Date, orders: readonly number[] | undefined): void {
    this.silent.n++;
    if (boughtWithin(orders, sentAt.getTime(), this.windowMs)) this.silent.bought++;
  }

  rows(): { byCategory: BehaviourRow[]; byAnswer: BehaviourRow[]; neverAnswered: BehaviourRow } {
    const row = (key: string, label: string, t: { n: number; bought: number }): BehaviourRow => ({
      key,
      label,
      n: t.n,
      bought: t.bought,
      interval: wilsonInterval(t.bought, t.n),
    });
    return {
      byCategory: [...this.byCategory.entries()].map(([k, t]) => row(k, CATEGORY_LABELS[k], t)),
      byAnswer: [...this.byAnswer.entries()].map(([k, t]) =>
        row(k, k === 'none' ? 'Did not answer the question' : REPURCHASE_LABELS[k], t),
      ),
      neverAnswered: row('never', 'Invited, never answered', this.silent),
    };
  }
}
