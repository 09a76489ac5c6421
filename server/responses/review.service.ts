import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import { surveyIdOf } from '../surveys/survey-id.js';
import { AUTOMATION_REASON_LABELS, type AutomationReason } from './bot-signals.js';
import { responseSummaryOf } from './response-json.js';
import type { ResponseStore } from './response.store.js';
import type { ResponseListener } from './responses.service.js';

/**
 * Responses flagged as automated wait here for a manager: accepted ones count in every figure (and
 * stop reminders), discarded ones stay stored but never count.
 */
export class ReviewService {
  constructor(
    private readonly deps: {
      responses: ResponseStore;
      invitations: InvitationStore;
      clock: Clock;
      onSaved?: ResponseListener | undefined;
    },
  ) {}

  /** Responses of a survey waiting for a manager's decision, newest first. */
  async flagged(surveyId: string) {
    const docs = await this.deps.responses.flagged(surveyIdOf(surveyId), 200);
    return docs.map((d) => ({
      ...responseSummaryOf(d),
      secondsToFirstClick: d.botSignals?.secondsToFirstClick ?? undefined,
      secondsOnPage: d.botSignals?.secondsOnPage ?? undefined,
      reasons: (d.botSignals?.reasons ?? []).map((r) => AUTOMATION_REASON_LABELS[r as AutomationReason] ?? r),
    }));
  }

  /** A manager's decision on a flagged response. Only flagged responses can be decided; false when it no longer is. */
  async decide(input: {
    surveyId: string;
    responseId: string;
    decision: 'accept' | 'discard';
    userId: string;
  }): Promise<boolean> {
    if (!mongoose.isValidObjectId(input.responseId) || !mongoose.isValidObjectId(input.surveyId)) return false;
    const now = this.deps.clock.now();
    const filter = {
      _id: new mongoose.Types.ObjectId(input.responseId),
      surveyId: new mongoose.Types.ObjectId(input.surveyId),
      review: 'flagged',
    };
    const set = {
      review: input.decision === 'accept' ? 'accepted' : 'discarded',
      reviewedAt: now,
      reviewedBy: new mongoose.Types.ObjectId(input.userId),
    };
    const changed = await this.deps.responses.change(filter, { set }, now, now, async (doc) => {
      if (input.decision !== 'accept') return;
      await Promise.all([
        this.deps.onSaved?.('response.created', doc),
        doc.invitationId ? this.deps.invitations.markResponded(doc.invitationId, doc.submittedAt) : undefined,
      ]);
    });
    return changed !== null;
  }
}
