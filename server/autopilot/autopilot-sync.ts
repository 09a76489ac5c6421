import type mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { AutopilotSettings } from '../surveys/autopilot-settings.js';
import type { SurveyDoc } from '../surveys/survey.model.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import type { AutopilotEntryStore, NewEntry } from './autopilot-entry.store.js';
import { firstDue, parseJoinDate, spreadOverPeriod } from './schedule.js';

const WRITE_BATCH = 1000;

/**
 * Enrols contacts the schedule does not know yet (schedule.ts firstDue): on the first run after
 * autopilot is turned on, contacts past their join delay are spread evenly over the first period;
 * later arrivals are due at join date + delay, or at a hashed point within the next period.
 * Returns how many it enrolled.
 */
export async function enrolNewContacts(
  deps: { entries: AutopilotEntryStore; contacts: ContactStore; surveys: SurveyStore },
  survey: SurveyDoc,
  settings: AutopilotSettings,
  now: Date,
): Promise<number> {
  const surveyId = survey._id;
  const id = String(surveyId);
  const initial = !survey.autopilot?.initialSyncDone;
  const startedAt = settings.startedAt ?? now;
  const enrolled = await deps.entries.enrolledContactIds(surveyId);
  const prop = settings.joinDateProperty;
  const projection: Record<string, 1> = { _id: 1, createdAt: 1 };
  if (prop) projection[`properties.${prop}`] = 1;
  const docs: NewEntry[] = [];
  const toSpread: { contactId: string; id: mongoose.Types.ObjectId; joinedAt: Date }[] = [];
  let added = 0;
  const flush = async (force: boolean) => {
    if (docs.length < WRITE_BATCH && !(force && docs.length > 0)) return;
    added += docs.length;
    await deps.entries.enrol(docs.splice(0));
  };
  for await (const c of deps.contacts.stream({}, projection)) {
    const contactId = c._id;
    if (enrolled.has(String(contactId))) continue;
    const props = (c.properties ?? {}) as Record<string, unknown>;
    const joinedAt =
      (prop ? parseJoinDate(props[prop]) : undefined) ?? (c.createdAt instanceof Date ? c.createdAt : now);
    const due = firstDue({ surveyId: id, contactId: String(contactId), joinedAt, now, initial, startedAt }, settings);
    if (due === 'spread') toSpread.push({ contactId: String(contactId), id: contactId, joinedAt });
    else docs.push({ surveyId, contactId, cycle: 0, joinedAt, dueAt: due.dueAt, firstDueBasis: due.basis });
    await flush(false);
  }
  for (const s of spreadOverPeriod(toSpread, id, startedAt, settings.everyDays)) {
    docs.push({ surveyId, contactId: s.id, cycle: 0, joinedAt: s.joinedAt, dueAt: s.dueAt, firstDueBasis: 'spread' });
    await flush(false);
  }
  await flush(true);
  await deps.surveys.markAutopilotSynced(surveyId, now);
  return added;
}
