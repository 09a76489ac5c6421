import { AutopilotEntryStore } from '../autopilot/autopilot-entry.store.js';
import { ContactStore } from '../contacts/contact.store.js';
import { FollowUpStore } from '../followups/followup.store.js';
import { OrderStore } from '../orders/order.store.js';
import { ResponseStore } from '../responses/response.store.js';
import { DayCountStore } from '../results/aggregates.js';
import { DeliveredValueStore } from '../results/delivered-values.store.js';
import { InvitationCounts } from '../sending/invitation-counts.js';
import { InvitationStore } from '../sending/invitation.store.js';
import { SendSkipStore } from '../sending/send-skip.store.js';
import { SurveyStore } from '../surveys/survey.store.js';
import type { Models } from './models.js';

/**
 * The stores: for each collection that several domains change, the one module that writes it. Other
 * domains get the store, never the model, so every change goes through a named method.
 */
export function createStores(models: Models, timeZone: string) {
  const surveys = new SurveyStore(models.surveys);
  const deliveredValues = new DeliveredValueStore({
    values: models.deliveredValues,
    invitations: models.invitations.collection,
    contacts: models.contacts.collection.collectionName,
  });
  const counts = new DayCountStore({
    deliveredValues,
    days: models.responseDays,
    meta: models.aggregateMeta,
    responses: models.responses,
    invitations: models.invitations,
    surveys,
    timeZone,
  });
  return {
    surveys,
    counts,
    deliveredValues,
    contacts: new ContactStore(models.contacts, models.propertyNames),
    invitations: new InvitationStore(
      models.invitations,
      new InvitationCounts(models.invitationCounts, models.invitations.collection),
    ),
    skips: new SendSkipStore(models.sendSkips),
    responses: new ResponseStore(models.responses, counts),
    cases: new FollowUpStore(models.followUps),
    orders: new OrderStore(models.orders),
    autopilotEntries: new AutopilotEntryStore(models.autopilotEntries),
  };
}

export type Stores = ReturnType<typeof createStores>;
