import mongoose from 'mongoose';

import { NotFoundError } from '../lib/errors.js';
import { messages } from './surveys.messages.js';

/**
 * A survey id from a URL or a request, as an ObjectId. Anything that cannot be an id is the same
 * "not found" as an id nobody has, so callers need no second check.
 */
export function surveyIdOf(raw: string): mongoose.Types.ObjectId {
  if (!mongoose.isValidObjectId(raw)) throw new NotFoundError(messages.notFound, 'SURVEY_NOT_FOUND');
  return new mongoose.Types.ObjectId(raw);
}

export function surveyNotFound(): NotFoundError {
  return new NotFoundError(messages.notFound, 'SURVEY_NOT_FOUND');
}
