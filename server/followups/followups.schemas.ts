import { z } from 'zod';

import { FOLLOWUP_OUTCOMES } from './followup.model.js';

export const listQuerySchema = z.object({
  status: z
    .enum(['active', 'open', 'in_progress', 'closed'], { error: 'Choose a status from the list.' })
    .default('active'),
  survey: z.string().max(24).optional(),
  owner: z.string().max(24).optional(),
});

export const actionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('assign'), ownerId: z.string().max(24) }),
    z.object({
      action: z.literal('note'),
      text: z
        .string()
        .trim()
        .min(1, { error: 'Write the note first.' })
        .max(5000, { error: 'Use at most 5,000 characters.' }),
    }),
    z.object({ action: z.literal('start') }),
    z.object({
      action: z.literal('close'),
      outcome: z.enum(FOLLOWUP_OUTCOMES, { error: 'Choose how the case ended.' }),
    }),
    z.object({ action: z.literal('reopen') }),
  ],
  { error: 'Unknown action.' },
);

export const replySchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, { error: 'Write a subject.' })
    .max(200, { error: 'Use at most 200 characters in the subject.' }),
  message: z
    .string()
    .trim()
    .min(1, { error: 'Write the message.' })
    .max(10_000, { error: 'Use at most 10,000 characters.' }),
});
