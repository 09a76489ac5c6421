import type mongoose from 'mongoose';

import { CONTACT_STATE_FIELDS, type ContactState, type ContactStore } from '../contacts/contact.store.js';
import type { Sealer } from '../lib/seal.js';
import { dayIn } from '../lib/time-zone.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import { newInvitationDoc, type NewInvitation } from '../sending/new-invitation.js';
import type { SendSkipStore, SkipRecord } from '../sending/send-skip.store.js';
import type { AutopilotSettings } from '../surveys/autopilot-settings.js';
import type { SurveyDoc } from '../surveys/survey.model.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import type { AutopilotEntryStore, Entry, EntryMove } from './autopilot-entry.store.js';
import { decide, nextDueAfterInvite, nextDueAfterSkip } from './schedule.js';

type Id = mongoose.Types.ObjectId;

/** Contacts looked at per database round trip when running a schedule. */
const BATCH = 500;
/** Invitations one run queues at most, so a run stays well inside its lease. */
const MAX_PER_RUN = 5000;

export interface RunTotals {
  queued: number;
  skipped: number;
  held: number;
}

export interface AutopilotRunDeps {
  entries: AutopilotEntryStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  skips: SendSkipStore;
  surveys: SurveyStore;
  sealer: Sealer;
  timeZone: string;
}

/** What one batch of due entries comes to: what to write, and whether the daily cap stopped it. */
interface BatchPlan {
  invitations: NewInvitation[];
  invited: Id[];
  skips: SkipRecord[];
  moves: EntryMove[];
  gone: Id[];
  capReached: boolean;
  capLeft: number;
}

/**
 * Queues what is due for one survey, within its daily cap (days in REPORT_TIME_ZONE). Writes are
 * ordered invitation (its unique key `ap:<survey>:<contact>:<cycle>` makes a repeat harmless), then the
 * contacts' throttle date, then the entries' move to the next cycle: a crash in between never invites
 * anyone twice.
 */
export async function queueDue(
  deps: AutopilotRunDeps,
  survey: SurveyDoc,
  settings: AutopilotSettings,
  now: Date,
): Promise<RunTotals> {
  const today = dayIn(now, deps.timeZone);
  const queuedToday = survey.autopilot?.capDay === today ? (survey.autopilot.queuedOnCapDay ?? 0) : 0;
  let capLeft = settings.dailyCap === undefined ? Infinity : Math.max(0, settings.dailyCap - queuedToday);
  const totals: RunTotals = { queued: 0, skipped: 0, held: 0 };
  while (totals.queued < MAX_PER_RUN) {
    const due = await deps.entries.due(survey._id, now, BATCH);
    if (due.length === 0) break;
    const contacts = await deps.contacts.byIds<ContactState>(
      due.map((e) => e.contactId),
      CONTACT_STATE_FIELDS,
    );
    const plan = planBatch(deps.sealer, { survey, settings, now, capLeft }, due, contacts, totals);
    capLeft = plan.capLeft;
    await deps.invitations.insertMany(plan.invitations);
    await deps.contacts.markSurveyed(plan.invited, now);
    await deps.skips.record(plan.skips);
    await deps.entries.move(plan.moves);
    await deps.entries.remove(plan.gone);
    if (plan.capReached) break;
  }
  if (totals.queued > 0) await deps.surveys.recordAutopilotQueued(survey._id, today, queuedToday + totals.queued);
  return totals;
}

function planBatch(
  sealer: Sealer,
  run: { survey: SurveyDoc; settings: AutopilotSettings; now: Date; capLeft: number },
  due: readonly Entry[],
  contacts: ReadonlyMap<string, ContactState>,
  totals: RunTotals,
): BatchPlan {
  const { survey, settings, now } = run;
  const surveyId = survey._id;
  const id = String(surveyId);
  const plan: BatchPlan = {
    invitations: [],
    invited: [],
    skips: [],
    moves: [],
    gone: [],
    capReached: false,
    capLeft: run.capLeft,
  };
  for (const entry of due) {
    const decision = decide(
      { id, settings },
      { contactId: String(entry.contactId), cycle: entry.cycle },
      contacts.get(String(entry.contactId)),
      now,
    );
    if (decision.kind === 'gone') plan.gone.push(entry._id);
    else if (decision.kind === 'hold') {
      totals.held++;
      plan.moves.push({ entry, set: { dueAt: decision.until, heldReason: 'throttle' } });
    } else if (decision.kind === 'skip') {
      totals.skipped++;
      plan.skips.push({ surveyId, contactId: entry.contactId, reason: decision.reason, at: now });
      const set = {
        cycle: entry.cycle + 1,
        dueAt: nextDueAfterSkip(entry.dueAt, now, settings.everyDays),
        lastOutcome: `skipped: ${decision.reason}`,
        lastOutcomeAt: now,
      };
      plan.moves.push({ entry, set, unsetHeld: true });
    } else if (plan.capLeft <= 0) {
      plan.capReached = true;
      if (entry.heldReason !== 'daily_cap') plan.moves.push({ entry, set: { heldReason: 'daily_cap' } });
    } else {
      plan.capLeft--;
      totals.queued++;
      const dedupeKey = `ap:${id}:${String(entry.contactId)}:${entry.cycle}`;
      plan.invitations.push(
        newInvitationDoc(sealer, { surveyId, contactId: entry.contactId, now, source: 'autopilot', dedupeKey }),
      );
      plan.invited.push(entry.contactId);
      const set = {
        cycle: entry.cycle + 1,
        dueAt: nextDueAfterInvite(now, settings.everyDays),
        lastInvitedAt: now,
        lastOutcome: 'invited',
        lastOutcomeAt: now,
      };
      plan.moves.push({ entry, set, unsetHeld: true });
    }
  }
  return plan;
}
