/**
 * MongoDB's equality-sort-range rule, as the index guard applies it (test/integration/zz-index-guard).
 * A query shape is its filter's fields, each an equality (a value, $eq, a one-value $in) or a range
 * (anything else: $gt/$lt, $in of several values, $ne, $exists, $regex), and its sort. An index answers
 * it when the index's leading keys are equality fields of the query (at least one, or the query is
 * served from the sort or a range on the first key), followed by the sort keys in order, all in their
 * direction or all reversed; a sort that is not served that way means a blocking in-memory sort.
 * Equality or range fields the index lacks are filtered after the index scan, which is fine.
 */
export type FieldKind = 'eq' | 'range';

export interface QueryShape {
  collection: string;
  /** Field -> kind; an $or is several shapes, each of which must be answered. */
  fields: Record<string, FieldKind>;
  sort: Array<[string, 1 | -1]>;
}

export type IndexKeys = Array<[string, 1 | -1]>;

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte', '$ne', '$nin', '$exists', '$regex', '$not', '$in']);

/** The shapes of a filter: one, or one per $or branch (each with the filter's other fields). */
export function shapesOf(collection: string, filter: unknown, sort: unknown): QueryShape[] {
  // The driver hands the sort over as a Map.
  const sortEntries = sort instanceof Map ? [...(sort as Map<string, number>)] : Object.entries(sort ?? {});
  const sortKeys = (sortEntries as Array<[string, number]>).map(([k, d]) => [k, d < 0 ? -1 : 1] as [string, 1 | -1]);
  const base: Record<string, FieldKind> = {};
  const branches: Array<Record<string, FieldKind>> = [];
  for (const [key, value] of Object.entries((filter ?? {}) as Record<string, unknown>)) {
    if (key === '$or') {
      for (const branch of value as unknown[])
        for (const s of shapesOf(collection, branch, sort)) branches.push(s.fields);
    } else if (key === '$and') {
      for (const part of value as unknown[]) Object.assign(base, shapesOf(collection, part, sort)[0]?.fields ?? {});
    } else if (!key.startsWith('$')) base[key] = kindOf(value);
  }
  const all = branches.length > 0 ? branches.map((b) => ({ ...base, ...b })) : [base];
  return all.map((fields) => ({ collection, fields, sort: sortKeys }));
}

function kindOf(value: unknown): FieldKind {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return 'eq';
  if (value instanceof RegExp) return 'range';
  const ops = Object.keys(value);
  if (ops.length === 0 || !ops[0]!.startsWith('$')) return 'eq'; // an ObjectId or a subdocument
  if (ops.length === 1 && ops[0] === '$eq') return 'eq';
  if (ops.length === 1 && ops[0] === '$in' && (value as { $in: unknown[] }).$in.length === 1) return 'eq';
  return ops.some((op) => RANGE_OPERATORS.has(op)) ? 'range' : 'eq';
}

/** Whether the index answers the shape by the rule above. */
export function answers(index: IndexKeys, shape: QueryShape): boolean {
  const keys = index.map(([k]) => k);
  if (keys[0]!.endsWith('$**')) return wildcardAnswers(index, shape);
  let i = 0;
  while (i < keys.length && shape.fields[keys[i]!] === 'eq') i++;
  // A sort key the query fixes by equality is constant: nothing to sort on.
  const sort = shape.sort.filter(([field]) => shape.fields[field] !== 'eq');
  if (sort.length > 0) {
    // The sort keys next (equality keys may be skipped over: they are constant), one direction.
    let flip: number | undefined;
    for (const [field, dir] of sort) {
      while (i < keys.length && shape.fields[keys[i]!] === 'eq' && keys[i] !== field) i++;
      if (keys[i] !== field) return false;
      const f = index[i]![1] === dir ? 1 : -1;
      if (flip !== undefined && f !== flip) return false;
      flip = f;
      i++;
    }
    return true;
  }
  if (i > 0) return true;
  // No equality prefix: the first key must at least be a range of the query.
  return shape.fields[keys[0]!] === 'range';
}

/** A wildcard index ({'properties.$**': 1}) answers one equality or range on a field under it, unsorted. */
function wildcardAnswers(index: IndexKeys, shape: QueryShape): boolean {
  const prefix = index[0]![0].replace(/\$\*\*$/, '');
  return shape.sort.length === 0 && Object.keys(shape.fields).some((f) => f.startsWith(prefix));
}

/** The first index that answers the shape, or undefined. `_id` is always there. */
export function indexFor(indexes: readonly IndexKeys[], shape: QueryShape): IndexKeys | undefined {
  return [[['_id', 1]] as IndexKeys, ...indexes].find((index) => answers(index, shape));
}
