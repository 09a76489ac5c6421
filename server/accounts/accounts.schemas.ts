import { z } from 'zod';

import { ROLES } from '../vocabulary/roles.js';
import { messages } from './accounts.messages.js';
import { passwordWeakness } from './password-strength.js';

const email = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'That email address is too long.' })
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }));

const password = z
  .string({ error: 'Enter a password.' })
  .min(12, { error: messages.passwordLength })
  .max(256, { error: 'Use at most 256 characters.' })
  .superRefine((value, ctx) => {
    const weakness = passwordWeakness(value);
    if (weakness) ctx.addIssue({ code: 'custom', message: weakness });
  });

const name = z.string().trim().max(200, { error: 'Use at most 200 characters.' }).default('');

export const loginInputSchema = z.object({
  email,
  password: z.string({ error: 'Enter your password.' }).min(1, { error: 'Enter your password.' }).max(256),
  next: z.string().optional(),
});
export type LoginInput = z.infer<typeof loginInputSchema>;

export const setupInputSchema = z
  .object({ email, name, password, passwordConfirm: z.string({ error: 'Repeat the password.' }) })
  .refine((v) => v.password === v.passwordConfirm, { path: ['passwordConfirm'], error: messages.passwordMismatch });
export type SetupInput = z.infer<typeof setupInputSchema>;

export const roleSchema = z.enum(ROLES, { error: 'Choose admin, manager or viewer.' });

export const userInputSchema = z.object({ email, name, password, role: roleSchema });
export type UserInput = z.infer<typeof userInputSchema>;

export const roleChangeSchema = z.object({ role: roleSchema });

export const passwordChangeSchema = z
  .object({
    currentPassword: z
      .string({ error: 'Enter your current password.' })
      .min(1, { error: 'Enter your current password.' })
      .max(256),
    password,
    passwordConfirm: z.string({ error: 'Repeat the new password.' }),
  })
  .refine((v) => v.password === v.passwordConfirm, { path: ['passwordConfirm'], error: messages.passwordMismatch });

export const disableSchema = z.object({
  disabled: z.enum(['true', 'false'], { error: 'disabled must be true or false' }).transform((v) => v === 'true'),
});

/** A path on this site to return to after sign-in; anything else (other hosts, //evil) becomes "/". */
export function safeNextPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
