import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import { ttlCache } from '../lib/ttl-cache.js';
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

  // The tag list is read by every results view (its filter) and changes rarely: remembered for 10 s,
  // forgotten at once when this process changes it (another instance's change shows within 10 s).
  private readonly names;

  constructor(private readonly deps: { tags: TagModel; responses: ResponseStore; clock: Clock }) {
    this.names = ttlCache({ ttlMs: 10_000, clock: deps.clock }, async (_all: 'all') =>
      (await deps.tags.find({}).sort({ name: 1 }).lean()).map((t) => t.name),
    );
  }

  list(): Promise<string[]> {
    return this.names.get('all');
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
      this.names.forget('all');
    }
    return { surveyId: String(surveyId) };
  }

  async remove(raw: string): Promise<number> {
    const name = normaliseTag(raw);
    await this.deps.tags.deleteOne({ name });
    this.names.forget('all');
    return this.deps.responses.untagAll(name);
  }
}
