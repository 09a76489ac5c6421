import { expect } from 'chai';
import mongoose from 'mongoose';

import { createModels } from '../../server/boot/models.js';
import { answers, indexFor, type IndexKeys, type QueryShape } from '../helpers/index-rule.js';
import { recordedShapes } from '../helpers/query-shapes.js';

/** The collections that grow with customers and answers: every query on them needs an index. */
const GROWING = [
  'responses',
  'invitations',
  'contacts',
  'responsedays',
  'followups',
  'triggers',
  'orders',
  'sessions',
  'webhookdeliveries',
];

/**
 * Shapes that are fine without an index, each with its reason: "collection: fields sort fields <- the
 * function that issues it" (or the shape alone, from anywhere).
 */
const ALLOWED: Record<string, string> = {
  // An admin deleting a contact: rare, and an index on the payload would cost every delivery written.
  'webhookdeliveries: payload.data.contactId': 'contact deletion',
  // An admin deleting a tag everywhere: rare; a tags index would cost every tagged response.
  'responses: tags': 'tag deletion',
  // The contacts page searching part of a name: no B-tree index answers "contains" (the email branch
  // of the same $or is a prefix on the unique email index). Paged, 50 rows; a word index ($text)
  // would answer it on MongoDB but not on the embedded engine. Noted in the README.
  'contacts: name(range)': 'contact search by part of a name',
  // Signing a user out everywhere (password change, account disabled): sessions are staff sessions
  // only (no session is stored for respondents or anonymous visitors), a few per user.
  'sessions: session.userId': 'sign out everywhere',
  // The property names offered as filters: a sample of 2,000 contacts (a limit, not a scan of all).
  'contacts: {} <- ContactStore.sampledPropertyKeys': 'sample of property names',
  // npm run results:rebuild and the start-up rebuild after a time-zone change: a recount of
  // everything, an admin's repair.
  'responses: {} <- (a stream or timer)': 'full recount (the recount pipelines, streamed)',
  'responsedays: {} <- DayCountStore.rebuild': 'full recount',
  // ... whose one plain pass over the responses adds the additional questions' answer totals.
  'responses: {} <- addAnswerTotals': 'full recount (answer totals, streamed)',
  // The same rebuild recounts every survey's delivery counts by status (one survey's uses surveyId).
  'invitations: {} <- InvitationCounts.rebuild': 'full recount',
  // The newest comments across a report's (or the dashboard's) surveys: surveyId $in a few ids, then
  // the sort. MongoDB merges each survey's slice of { surveyId, submittedAt, _id } (SORT_MERGE) and
  // stops after `limit` per survey; the guard counts $in as a range, so it cannot see that.
  'responses: surveyId(range),submittedAt(range),review(range),comment(range),category sort -submittedAt,-_id <- ResponseQueries.comments':
    'newest comments across surveys (SORT_MERGE over $in)',
  // The same, for both ends at once (category $in detractor, promoter).
  'responses: surveyId(range),submittedAt(range),review(range),comment(range),category(range) sort -submittedAt,-_id <- ResponseQueries.comments':
    'newest comments of both ends across surveys (SORT_MERGE over $in)',
  // ... and with the dashboard's channel filter (an all-surveys report's link).
  'responses: surveyId(range),submittedAt(range),channel,review(range),comment(range),category(range) sort -submittedAt,-_id <- ResponseQueries.comments':
    'newest comments across surveys, one channel (SORT_MERGE over $in)',
};

function describeShape(s: QueryShape): string {
  const fields = Object.entries(s.fields)
    .map(([f, k]) => (k === 'eq' ? f : `${f}(range)`))
    .join(',');
  const sort = s.sort.length ? ` sort ${s.sort.map(([f, d]) => (d < 0 ? `-${f}` : f)).join(',')}` : '';
  return `${s.collection}: ${fields || '{}'}${sort}`;
}

/** The indexes the models declare (emulator-only ones are not declared there), by collection. */
function declaredIndexes(): Map<string, Array<{ keys: IndexKeys; unique: boolean }>> {
  const declared = new Map<string, Array<{ keys: IndexKeys; unique: boolean }>>();
  for (const model of Object.values(createModels(mongoose.createConnection())))
    declared.set(
      model.collection.collectionName,
      model.schema.indexes().map(([keys, options]) => ({
        keys: Object.entries(keys) as IndexKeys,
        unique: (options as { unique?: boolean }).unique === true,
      })),
    );
  return declared;
}

describe('index guard (runs last in the integration suite)', () => {
  it('finds a declared index for every query shape the suite issued on a growing collection', function () {
    const shapes = recordedShapes();
    // Run alone (one test file), there is nothing to judge.
    if (shapes.length === 0) this.skip();
    const declared = new Map([...declaredIndexes()].map(([c, list]) => [c, list.map((i) => i.keys)]));
    const missing = new Map<string, string>();
    for (const r of shapes) {
      if (!GROWING.includes(r.shape.collection)) continue;
      const text = describeShape(r.shape);
      const fn = r.where.startsWith('(') ? r.where : r.where.split(' ')[0];
      if (ALLOWED[text] || ALLOWED[`${text} <- ${fn}`] || indexFor(declared.get(r.shape.collection) ?? [], r.shape))
        continue;
      missing.set(text, `${r.command} from ${r.where} (x${r.count})`);
    }
    const report = [...missing].map(([shape, where]) => `${shape}   <- ${where}`).join('\n');
    expect(missing.size, `query shapes without an index:\n${report}\n`).to.equal(0);
  });

  it('finds a query for every declared index on a growing collection that enforces no constraint', function () {
    const shapes = recordedShapes().filter((r) => GROWING.includes(r.shape.collection));
    if (shapes.length === 0) this.skip();
    const unused: string[] = [];
    for (const [collection, list] of declaredIndexes()) {
      if (!GROWING.includes(collection)) continue;
      for (const { keys, unique } of list) {
        if (unique) continue; // a constraint (one response per invitation, one contact per email...)
        const used = shapes.some((r) => r.shape.collection === collection && answers(keys, r.shape));
        if (!used) unused.push(`${collection}: ${JSON.stringify(Object.fromEntries(keys))}`);
      }
    }
    expect(unused, `indexes no query of the suite uses:\n${unused.join('\n')}\n`).to.deep.equal([]);
  });
});
