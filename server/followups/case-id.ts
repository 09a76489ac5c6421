import mongoose from 'mongoose';

import { NotFoundError } from '../lib/errors.js';
import { messages } from './followups.messages.js';

/** A case id from a URL, or the case's "not found". */
export function caseIdOf(id: string): mongoose.Types.ObjectId {
  if (!mongoose.isValidObjectId(id)) throw new NotFoundError(messages.notFound, 'FOLLOWUP_NOT_FOUND');
  return new mongoose.Types.ObjectId(id);
}
