import type mongoose from 'mongoose';

/**
 * What a deleted contact's delivered invitation keeps: survey, status and dates - the response rate
 * counts it - and nothing (not even the contact's properties) that leads back to the person. The token hash becomes a unique placeholder
 * (the index is unique), and a tombstone is never reminded: nobody is left to remind.
 */
export function tombstoneOf(invitation: { _id: mongoose.Types.ObjectId; reminderStatus?: string | null }) {
  return {
    $set: { tokenHash: `erased:${String(invitation._id)}`, reminderStatus: invitation.reminderStatus ?? 'skipped' },
    $unset: {
      contactId: 1,
      tokenSealed: 1,
      messageId: 1,
      lastError: 1,
      honeypotClients: 1,
      dedupeKey: 1,
      claimedBy: 1,
      firstClickedAt: 1,
      contactSnapshot: 1,
    },
  };
}
