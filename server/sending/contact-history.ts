import type mongoose from 'mongoose';

import type { SurveyStore } from '../surveys/survey.store.js';
import { SKIP_LABELS } from './eligibility.js';
import type { InvitationSource } from './invitation.model.js';
import type { InvitationStore } from './invitation.store.js';
import type { SendSkipStore } from './send-skip.store.js';

const SOURCE_LABELS: Record<InvitationSource, string> = {
  send: 'send page or API',
  autopilot: 'autopilot schedule',
  trigger: 'event trigger',
};

/** For a contact's page: the surveys sent to them, and the sends that left them out and why, newest first. */
export async function sendingHistoryOf(
  deps: { invitations: InvitationStore; skips: SendSkipStore; surveys: SurveyStore },
  contactId: mongoose.Types.ObjectId,
) {
  const [invs, skipDocs] = await Promise.all([
    deps.invitations.forContact(contactId, 100),
    deps.skips.forContact(contactId, 50),
  ]);
  const names = await deps.surveys.names([...invs.map((i) => i.surveyId), ...skipDocs.map((k) => k.surveyId)]);
  const surveyName = (id: mongoose.Types.ObjectId) => names.get(String(id)) ?? '(deleted survey)';
  return {
    invitations: invs.map((i) => ({
      id: String(i._id),
      surveyName: surveyName(i.surveyId),
      status: i.status,
      source: SOURCE_LABELS[i.source ?? 'send'],
      queuedAt: i.queuedAt,
      sentAt: i.sentAt ?? undefined,
      respondedAt: i.respondedAt ?? undefined,
    })),
    skips: skipDocs.map((k) => ({ surveyName: surveyName(k.surveyId), reason: SKIP_LABELS[k.reason], at: k.at })),
  };
}
