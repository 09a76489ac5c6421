import mongoose from 'mongoose';

import { CONTACT_STATE_FIELDS, type ContactState, type ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import type { SendSkipStore } from '../sending/send-skip.store.js';
import { autopilotSettingsOf, type AutopilotSettings } from '../surveys/autopilot-settings.js';
import type { AutopilotSettingsInput } from '../surveys/autopilot.schemas.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyDoc } from '../surveys/survey.model.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import type { AutopilotEntryStore } from './autopilot-entry.store.js';
import { planForecast } from './autopilot-forecast.js';
import { queueDue, type RunTotals } from './autopilot-run.js';
import { enrolNewContacts } from './autopilot-sync.js';
import { messages } from './autopilot.messages.js';
import { explainDue } from './contact-schedule.js';

/** One worker at a time runs a survey's schedule: the lease it holds on the survey. */
const LEASE_MS = 5 * 60_000;
/** How often the schedule looks for contacts it does not know yet (new imports, API upserts). */
const SYNC_EVERY_MS = 10 * 60_000;

export interface AutopilotDeps {
  entries: AutopilotEntryStore;
  surveys: SurveyStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  skips: SendSkipStore;
  clock: Clock;
  sealer: Sealer;
  timeZone: string;
}

/**
 * Autopilot: relationship NPS on a schedule. Every eligible contact is surveyed once every N days,
 * spread evenly over the period; new contacts join after a delay. One worker at a time runs a survey's
 * schedule (a lease on the survey), and each cycle's invitation has a unique key, so however many
 * workers run, nobody is invited twice for one cycle. See server/autopilot/README.md.
 */
export class AutopilotService {
  constructor(private readonly deps: AutopilotDeps) {}

  /**
   * Runs every active survey's schedule once: enrols new contacts (every 10 minutes) and queues what
   * is due. Safe to call from any number of workers at once.
   */
  async runDue(): Promise<RunTotals> {
    const { surveys, clock } = this.deps;
    const totals: RunTotals = { queued: 0, skipped: 0, held: 0 };
    for (const id of await surveys.autopilotSurveyIds()) {
      const now = clock.now();
      const survey = await surveys.acquireAutopilot(id, now, new Date(now.getTime() + LEASE_MS));
      if (!survey) continue; // another worker holds it
      try {
        const r = await this.runSurvey(survey, now);
        totals.queued += r.queued;
        totals.skipped += r.skipped;
        totals.held += r.held;
      } finally {
        await surveys.releaseAutopilot(id);
      }
    }
    return totals;
  }

  async settings(surveyId: string): Promise<AutopilotSettings> {
    return autopilotSettingsOf(await this.survey(surveyId));
  }

  /**
   * Saves the schedule. Turning autopilot on starts a fresh schedule (contacts spread over the first
   * period from now); the throttle still keeps anyone surveyed recently waiting. Changing settings
   * while it runs applies from each contact's next cycle.
   */
  async update(surveyId: string, input: AutopilotSettingsInput): Promise<void> {
    const { surveys, entries, clock } = this.deps;
    const before = await this.survey(surveyId);
    if (before.status === 'closed') throw new ConflictError(messages.closed, 'SURVEY_CLOSED');
    const starting = input.enabled && !before.autopilot?.enabled;
    const settings = settingsChange(input);
    if (!starting) {
      await surveys.saveAutopilot(before._id, settings);
      return;
    }
    // Only the request that actually turns it on (enabled false -> true) starts the fresh schedule.
    const fresh = {
      set: { ...settings.set, 'autopilot.startedAt': clock.now(), 'autopilot.initialSyncDone': false },
      unset: { ...settings.unset, 'autopilot.syncedAt': 1 as const },
    };
    if (await surveys.saveAutopilot(before._id, fresh, { onlyIfOff: true })) await entries.resetSurvey(before._id);
    // Someone else turned it on a moment ago: keep their fresh schedule, save these settings.
    else await surveys.saveAutopilot(before._id, settings);
  }

  /**
   * What the schedule will do in the next `days` days (in REPORT_TIME_ZONE), from today's data:
   * per day, invitations it will queue, skips by reason, and entries carried to the next day by the cap.
   */
  async forecast(surveyId: string, days = 7) {
    const { entries, contacts, clock, timeZone } = this.deps;
    const survey = await this.survey(surveyId);
    const settings = autopilotSettingsOf(survey);
    const now = clock.now();
    const today = dayIn(now, timeZone);
    const end = startOfDay(addDays(today, days), timeZone);
    const due = await entries.dueBefore(survey._id, end);
    const states = new Map<string, ContactState>();
    for (let i = 0; i < due.length; i += 5000) {
      const batch = await contacts.byIds<ContactState>(
        due.slice(i, i + 5000).map((e) => e.contactId),
        CONTACT_STATE_FIELDS,
      );
      for (const [id, c] of batch) states.set(id, c);
    }
    const queuedToday = survey.autopilot?.capDay === today ? (survey.autopilot.queuedOnCapDay ?? 0) : 0;
    const plan = planForecast(
      { surveyId: String(survey._id), settings, now, end, timeZone, days, queuedToday },
      due.map((e) => ({ contactId: String(e.contactId), cycle: e.cycle, dueAt: e.dueAt })),
      states,
    );
    return { settings, status: survey.status, ...plan };
  }

  /**
   * When each autopilot survey will next survey this contact, and why then: the answer to "when is
   * this person due?" on the contact page.
   */
  async contactSchedule(
    contactId: string,
  ): Promise<{ surveyId: string; surveyName: string; dueAt: Date; why: string; active: boolean }[]> {
    const { entries, contacts, surveys, clock, timeZone } = this.deps;
    if (!mongoose.isValidObjectId(contactId)) return [];
    const _id = new mongoose.Types.ObjectId(contactId);
    const [mine, contact] = await Promise.all([
      entries.forContact(_id),
      contacts.byIds<ContactState>([_id], CONTACT_STATE_FIELDS).then((m) => m.get(contactId)),
    ]);
    if (mine.length === 0 || !contact) return [];
    const byId = new Map((await surveys.byIds(mine.map((e) => e.surveyId))).map((s) => [String(s._id), s]));
    const now = clock.now();
    const out = [];
    for (const e of mine) {
      const survey = byId.get(String(e.surveyId));
      if (!survey?.autopilot?.enabled) continue;
      const input = {
        surveyId: String(survey._id),
        status: survey.status,
        settings: autopilotSettingsOf(survey),
        now,
        timeZone,
      };
      const { dueAt, why } = explainDue(input, e, contact);
      out.push({
        surveyId: String(survey._id),
        surveyName: survey.name,
        dueAt,
        why,
        active: survey.status === 'active',
      });
    }
    return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  private async runSurvey(survey: SurveyDoc, now: Date): Promise<RunTotals> {
    const settings = autopilotSettingsOf(survey);
    const syncedAt = survey.autopilot?.syncedAt;
    if (!survey.autopilot?.initialSyncDone || !syncedAt || now.getTime() - syncedAt.getTime() >= SYNC_EVERY_MS) {
      await enrolNewContacts(this.deps, survey, settings, now);
    }
    return queueDue(this.deps, survey, settings, now);
  }

  private async survey(surveyId: string): Promise<SurveyDoc> {
    const survey = await this.deps.surveys.findById(surveyIdOf(surveyId));
    if (!survey) throw surveyNotFound();
    return survey;
  }
}

/** The form's settings as the survey document stores them (an empty daily cap: none). */
function settingsChange(input: AutopilotSettingsInput): { set: Record<string, unknown>; unset: Record<string, 1> } {
  const set: Record<string, unknown> = {
    'autopilot.enabled': input.enabled,
    'autopilot.everyDays': input.everyDays,
    'autopilot.newContactDelayDays': input.newContactDelayDays,
    'autopilot.joinDateProperty': input.joinDateProperty,
    'autopilot.samplePercent': input.samplePercent,
    'autopilot.throttleDays': input.throttleDays,
  };
  const unset: Record<string, 1> = {};
  if (input.dailyCap === undefined) unset['autopilot.dailyCap'] = 1;
  else set['autopilot.dailyCap'] = input.dailyCap;
  return { set, unset };
}
