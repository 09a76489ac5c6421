import { z } from 'zod';

import { PROPERTY_VALUE_MAX, propertyNameInput } from '../vocabulary/properties.js';
import { checkbox, wholeNumberField } from '../web/form-fields.js';
import { CHAT_KINDS, RULE_KINDS } from './chat-destination.model.js';

const blank = (v: unknown) => (v === '' ? undefined : v);

/** A new chat destination, from the form (and only from it). */
export const destinationInputSchema = z
  .object({
    kind: z.enum(CHAT_KINDS, { error: 'Choose Slack, Microsoft Teams or Google Chat.' }),
    name: z
      .string()
      .trim()
      .min(1, { error: 'Name the destination, for example "#cs-alerts".' })
      .max(100, { error: 'Use at most 100 characters for the name.' }),
    url: z
      .string()
      .trim()
      .min(1, { error: 'Paste the webhook address the chat service gave you.' })
      .max(2000, { error: 'That address is too long (at most 2000 characters).' }),
    when: z.enum(RULE_KINDS, { error: 'Choose which answers to post from the list.' }),
    maxScore: z.preprocess(blank, wholeNumberField(0, 10, 'Enter a score from 0 to 10.').optional()),
    segmentKey: z.preprocess(blank, propertyNameInput('Segment: the ').optional()),
    segmentValue: z.preprocess(blank, z.string().trim().max(PROPERTY_VALUE_MAX).optional()),
    includeIdentity: checkbox,
  })
  .superRefine((v, ctx) => {
    if (v.when === 'maxScore' && v.maxScore === undefined)
      ctx.addIssue({ code: 'custom', path: ['maxScore'], message: 'Enter the highest score to post (0 to 10).' });
    if (v.segmentKey && v.segmentValue === undefined)
      ctx.addIssue({ code: 'custom', path: ['segmentValue'], message: 'Enter the property value (for example Pro).' });
    if (!v.segmentKey && v.segmentValue !== undefined)
      ctx.addIssue({ code: 'custom', path: ['segmentKey'], message: 'Enter the property the value belongs to.' });
  });
export type DestinationInput = z.infer<typeof destinationInputSchema>;
