import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import type { ResponseStore } from './response.store.js';
import { messages } from './responses.messages.js';
import type { TagModel } from './tag.model.js';

/** Tag names are compared trimmed, lower-case, with single spaces. */
export const normaliseTag = (tag: string) => tag.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Tags are free-form: tagging a response adds the tag to the managed list (`tags`, written only here);
 * removing it from the list untags every response.
 */
export class TagsService {
  readonly normalise = normaliseTag;

  constructor(private readonly deps: { tags: TagModel; responses: ResponseStore; clock: Clock }) {}

  async list(): Promise<string[]> {
    return (await this.deps.tags.find({}).sort({ name: 1 }).lean()).map((t) => t.name);
  }

  async tag(responseId: string, raw: string, add: boolean): Promise<{ surveyId: string }> {
    if (!mongoose.isValidObjectId(responseId)) throw new NotFoundError(messages.notFound, 'RESPONSE_NOT_FOUND');
    const name = normaliseTag(raw);
    const surveyId = await this.deps.responses.tag(new mongoose.Types.ObjectId(responseId), name, add);
    if (!surveyId) throw new NotFoundError(messages.notFound, 'RESPONSE_NOT_FOUND');
    if (add) {
      try {
        await this.deps.tags.updateOne(
          { name },
          { $setOnInsert: { name, createdAt: this.deps.clock.now() } },
          { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    return { surveyId: String(surveyId) };
  }

  async remove(raw: string): Promise<number> {
    const name = normaliseTag(raw);
    await this.deps.tags.deleteOne({ name });
    return this.deps.responses.untagAll(name);
  }
}
