import { z } from 'zod';

import { idParamsSchema, MAX_BULK } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import {
  PROPERTIES_PER_CONTACT_MAX,
  PROPERTY_NAME_MAX,
  PROPERTY_VALUE_MAX,
  rawPropertiesSchema,
} from '../vocabulary/properties.js';
import type { ContactImportService } from './contact-import.service.js';
import type { ContactsService } from './contacts.service.js';

export const contactsBulkSchema = z.strictObject({
  contacts: z
    .array(
      z.strictObject({
        email: z.string().max(254),
        name: z.string().max(200).optional(),
        locale: z.string().max(35).optional(),
        // Checked per contact with the CSV import's rules (contact-rows.ts): a contact with a bad
        // property is reported in `skipped` and the others are saved.
        properties: rawPropertiesSchema
          .optional()
          .describe(
            `at most ${PROPERTIES_PER_CONTACT_MAX} per contact; names up to ${PROPERTY_NAME_MAX} characters, no "." or leading "$"; values up to ${PROPERTY_VALUE_MAX}`,
          ),
      }),
    )
    .min(1)
    .max(MAX_BULK, { error: `send at most ${MAX_BULK} contacts per call` }),
});

/** /contacts: bulk upsert with the CSV import's rules, get, and delete with the person's data. */
export function contactsApi(deps: { contacts: ContactsService; contactImports: ContactImportService }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'post',
      path: '/contacts/bulk',
      summary: `Create or update up to 10,000 contacts by email`,
      scope: 'read_write',
      body: contactsBulkSchema,
      handle: async ({ body }) => ({ data: await deps.contactImports.upsertMany(body.contacts) }),
    }),
    defineEndpoint({
      method: 'get',
      path: '/contacts/:id',
      summary: 'Get a contact',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => {
        const c = await deps.contacts.get(params.id);
        const properties = Object.fromEntries(c.properties.map((p) => [p.key, p.value]));
        return {
          data: { id: c.id, email: c.email, name: c.name, locale: c.locale, properties, unsubscribed: c.unsubscribed },
        };
      },
    }),
    defineEndpoint({
      method: 'delete',
      path: '/contacts/:id',
      summary: 'Delete a contact and their personal data',
      scope: 'read_write',
      params: idParamsSchema,
      handle: async ({ params, res }) => {
        await deps.contacts.remove(params.id);
        res.status(204).end();
        return undefined;
      },
    }),
  ];
}
