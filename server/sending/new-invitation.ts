import type mongoose from 'mongoose';

import type { Sealer } from '../lib/seal.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import type { InvitationSource } from './invitation.model.js';

export type NewInvitation = ReturnType<typeof newInvitationDoc>;

/**
 * A new invitation document, ready to store: a fresh 256-bit link token, stored as its SHA-256 for
 * lookup and sealed for the worker that writes the email. Every way of inviting (the send page, the
 * API, autopilot, triggers) uses this.
 */
export function newInvitationDoc(
  sealer: Sealer,
  fields: {
    surveyId: mongoose.Types.ObjectId;
    contactId: mongoose.Types.ObjectId;
    now: Date;
    sendAt?: Date;
    source?: InvitationSource;
    dedupeKey?: string;
  },
) {
  const token = generateToken();
  const { surveyId, contactId, now } = fields;
  return {
    surveyId,
    contactId,
    tokenHash: hashToken(token),
    tokenSealed: sealer.seal(token),
    status: 'queued' as const,
    attempts: 0,
    queuedAt: now,
    nextAttemptAt: fields.sendAt ?? now,
    source: fields.source ?? 'send',
    ...(fields.dedupeKey ? { dedupeKey: fields.dedupeKey } : {}),
    createdAt: now,
    updatedAt: now,
    __v: 0,
  };
}
