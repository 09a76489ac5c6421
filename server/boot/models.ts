import type { Connection } from 'mongoose';

import { userModel } from '../accounts/user.model.js';
import { apiKeyModel } from '../api/api-key.model.js';
import { autopilotEntryModel } from '../autopilot/autopilot-entry.model.js';
import { autoReplyModel } from '../autoreplies/auto-reply.model.js';
import { brandLogoModel } from '../branding/brand-logo.model.js';
import { contactImportModel } from '../contacts/contact-import.model.js';
import { contactModel } from '../contacts/contact.model.js';
import { propertyNameModel } from '../contacts/property-name.model.js';
import { exportLogModel } from '../exports/export-log.model.js';
import { followUpModel } from '../followups/followup.model.js';
import { chatDeliveryModel, chatDestinationModel } from '../notifications/chat-destination.model.js';
import { orderModel } from '../orders/order.model.js';
import { reportModel, reportRunModel } from '../reports/report.model.js';
import { responseModel } from '../responses/response.model.js';
import { tagModel } from '../responses/tag.model.js';
import { deliveredValueModel } from '../results/delivered-value.model.js';
import { aggregateMetaModel, responseDayModel } from '../results/response-day.model.js';
import { invitationCountModel } from '../sending/invitation-count.model.js';
import { INVITATION_EMULATOR_INDEXES, invitationModel } from '../sending/invitation.model.js';
import { outboxMessageModel } from '../sending/outbox.model.js';
import { sendRunModel } from '../sending/send-run.model.js';
import { sendSkipModel } from '../sending/send-skip.model.js';
import { surveyModel } from '../surveys/survey.model.js';
import { triggerModel } from '../triggers/trigger.model.js';
import { rateLimitModel } from '../web/rate-limit.model.js';
import { webhookDeliveryModel, webhookModel } from '../webhooks/webhook.model.js';

/** Every model, bound to one connection: the registry only boot/ sees. Services receive the models they own. */
export function createModels(connection: Connection) {
  return {
    users: userModel(connection),
    surveys: surveyModel(connection),
    contacts: contactModel(connection),
    contactImports: contactImportModel(connection),
    propertyNames: propertyNameModel(connection),
    invitations: invitationModel(connection),
    invitationCounts: invitationCountModel(connection),
    outboxMessages: outboxMessageModel(connection),
    sendSkips: sendSkipModel(connection),
    sendRuns: sendRunModel(connection),
    responses: responseModel(connection),
    followUps: followUpModel(connection),
    orders: orderModel(connection),
    rateLimits: rateLimitModel(connection),
    responseDays: responseDayModel(connection),
    aggregateMeta: aggregateMetaModel(connection),
    deliveredValues: deliveredValueModel(connection),
    exportLogs: exportLogModel(connection),
    apiKeys: apiKeyModel(connection),
    tags: tagModel(connection),
    webhooks: webhookModel(connection),
    webhookDeliveries: webhookDeliveryModel(connection),
    chatDestinations: chatDestinationModel(connection),
    chatDeliveries: chatDeliveryModel(connection),
    reports: reportModel(connection),
    reportRuns: reportRunModel(connection),
    autoReplies: autoReplyModel(connection),
    autopilotEntries: autopilotEntryModel(connection),
    triggers: triggerModel(connection),
    brandLogos: brandLogoModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;

/**
 * Creates every index the flows rely on. Run at start-up; idempotent. On mongo-java-server (`emulator`,
 * decided where the database is opened) also the indexes only it needs, so MongoDB never pays for them.
 */
export async function ensureIndexes(models: Models, options: { emulator: boolean }): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
  if (options.emulator)
    for (const keys of INVITATION_EMULATOR_INDEXES)
      await models.invitations.collection.createIndex(keys, { unique: true });
}
