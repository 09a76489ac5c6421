import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { isDuplicateKeyError, NotFoundError } from '../lib/errors.js';

/** Tags are free-form: tagging a response adds the tag to the managed list; removing it from the list untags every response. */
export function createTagsService(deps: { models: Models; clock: Clock }) {
  const { models, clock } = deps;
  const normalise = (tag: string) => tag.trim().toLowerCase().replace(/\s+/g, ' ');

  return {
    normalise,
    async list(): Promise<string[]> {
      return (await models.tags.find({}).sort({ name: 1 }).lean()).map((t) => t.name);
    },
    async tag(responseId: string, raw: string, add: boolean): Promise<{ surveyId: string }> {
      if (!mongoose.isValidObjectId(responseId))
        throw new NotFoundError('That response does not exist.', 'RESPONSE_NOT_FOUND');
      const name = normalise(raw);
      const doc = await models.responses
        .findOneAndUpdate({ _id: responseId }, add ? { $addToSet: { tags: name } } : { $pull: { tags: name } })
        .select('surveyId')
        .lean();
      if (!doc) throw new NotFoundError('That response does not exist.', 'RESPONSE_NOT_FOUND');
      if (add) {
        try {
          await models.tags.updateOne({ name }, { $setOnInsert: { name, createdAt: clock.now() } }, { upsert: true });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      return { surveyId: String(doc.surveyId) };
    },
    async remove(raw: string): Promise<number> {
      const name = normalise(raw);
      await models.tags.deleteOne({ name });
      return (await models.responses.updateMany({ tags: name }, { $pull: { tags: name } })).modifiedCount;
    },
  };
}

export type TagsService = ReturnType<typeof createTagsService>;
