import type { Connection } from 'mongoose';

import { userSchema } from '../accounts/user.model.js';
import { apiKeySchema } from '../api/api-key.model.js';
import { autopilotEntrySchema } from '../autopilot/autopilot-entry.model.js';
import { brandLogoSchema } from '../branding/brand-logo.model.js';
import { contactImportSchema } from '../contacts/contact-import.model.js';
import { contactSchema } from '../contacts/contact.model.js';
import { exportLogSchema } from '../exports/export-log.model.js';
import { followUpSchema } from '../followups/followup.model.js';
import { orderSchema } from '../orders/order.model.js';
import { responseSchema } from '../responses/response.model.js';
import { tagSchema } from '../responses/tag.model.js';
import { aggregateMetaSchema, responseDaySchema, responseSegmentDaySchema } from '../results/response-day.model.js';
import { invitationSchema } from '../sending/invitation.model.js';
import { outboxMessageSchema } from '../sending/outbox.model.js';
import { sendRunSchema } from '../sending/send-run.model.js';
import { sendSkipSchema } from '../sending/send-skip.model.js';
import { surveySchema } from '../surveys/survey.model.js';
import { triggerSchema } from '../triggers/trigger.model.js';
import { rateLimitSchema } from '../web/rate-limit.model.js';
import { webhookDeliverySchema, webhookSchema } from '../webhooks/webhook.model.js';

/** Every model, bound to one connection. Services receive the ones they touch. */
export function createModels(connection: Connection) {
  return {
    users: connection.model('User', userSchema),
    surveys: connection.model('Survey', surveySchema),
    contacts: connection.model('Contact', contactSchema),
    contactImports: connection.model('ContactImport', contactImportSchema),
    invitations: connection.model('Invitation', invitationSchema),
    outboxMessages: connection.model('OutboxMessage', outboxMessageSchema),
    sendSkips: connection.model('SendSkip', sendSkipSchema),
    sendRuns: connection.model('SendRun', sendRunSchema),
    responses: connection.model('Response', responseSchema),
    followUps: connection.model('FollowUp', followUpSchema),
    orders: connection.model('Order', orderSchema),
    rateLimits: connection.model('RateLimit', rateLimitSchema),
    responseDays: connection.model('ResponseDay', responseDaySchema),
    responseSegmentDays: connection.model('ResponseSegmentDay', responseSegmentDaySchema),
    aggregateMeta: connection.model('AggregateMeta', aggregateMetaSchema),
    exportLogs: connection.model('ExportLog', exportLogSchema),
    apiKeys: connection.model('ApiKey', apiKeySchema),
    tags: connection.model('Tag', tagSchema),
    webhooks: connection.model('Webhook', webhookSchema),
    webhookDeliveries: connection.model('WebhookDelivery', webhookDeliverySchema),
    autopilotEntries: connection.model('AutopilotEntry', autopilotEntrySchema),
    triggers: connection.model('Trigger', triggerSchema),
    brandLogos: connection.model('BrandLogo', brandLogoSchema),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Creates every index the flows rely on. Run at start-up; idempotent. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
