import { z } from 'zod';

import { idParamsSchema, isoDate, MAX_BULK, objectId, propertyKey } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import {
  PROPERTIES_PER_CONTACT_MAX,
  PROPERTY_NAME_MAX,
  PROPERTY_VALUE_MAX,
  rawPropertiesSchema,
} from '../vocabulary/properties.js';
import type { ContactImportService } from './contact-import.service.js';
import { contactEmailSchema } from './contacts.schemas.js';
import type { ContactDetail, ContactsService } from './contacts.service.js';

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

export const contactsListQuerySchema = z
  .strictObject({
    email: contactEmailSchema.optional().describe('only the contact with this email (normalised as stored)'),
    property: propertyKey.optional().describe('with `value`: only contacts whose property has that value'),
    value: z.string().max(PROPERTY_VALUE_MAX).optional(),
    since: isoDate.optional().describe('only contacts created or changed at or after this time'),
    cursor: objectId.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((q) => (q.property === undefined) === (q.value === undefined), {
    error: 'give `property` and `value` together',
    path: ['value'],
  });

const contactJson = (c: ContactDetail) => ({
  id: c.id,
  email: c.email,
  name: c.name,
  locale: c.locale,
  properties: Object.fromEntries(c.properties.map((p) => [p.key, p.value])),
  unsubscribed: c.unsubscribed,
});

/** /contacts: bulk upsert with the CSV import's rules, a paged list, get, and delete with the person's data. */
export function contactsApi(deps: { contacts: ContactsService; contactImports: ContactImportService }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'post',
      path: '/contacts/bulk',
      summary: `Create or update up to 10,000 contacts by email; \`contacts\` gives each row's id (or why it was skipped) in input order`,
      scope: 'read_write',
      body: contactsBulkSchema,
      handle: async ({ body }) => ({ data: await deps.contactImports.upsertMany(body.contacts) }),
    }),
    defineEndpoint({
      method: 'get',
      path: '/contacts',
      summary: 'List contacts in creation order with cursor paging, by email, property value or changed since a time',
      scope: 'read',
      query: contactsListQuerySchema,
      handle: async ({ query }) => {
        const { contacts, nextCursor } = await deps.contacts.listAfter({
          cursor: query.cursor,
          email: query.email,
          property: query.property !== undefined ? { name: query.property, value: query.value ?? '' } : undefined,
          since: query.since ? new Date(query.since) : undefined,
          limit: query.limit,
        });
        return {
          data: contacts.map((c) => ({ ...contactJson(c), updatedAt: c.updatedAt?.toISOString() ?? null })),
          nextCursor,
        };
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/contacts/:id',
      summary: 'Get a contact',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => ({ data: contactJson(await deps.contacts.get(params.id)) }),
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
