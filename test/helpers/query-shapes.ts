import path from 'node:path';
import type { Connection } from 'mongoose';

import { shapesOf, type QueryShape } from './index-rule.js';

export interface RecordedShape {
  shape: QueryShape;
  command: string;
  /** Where the query came from: the first frame of the app's code in the command's (async) stack. */
  where: string;
  count: number;
}

const recorded = new Map<string, RecordedShape>();
const root = path.resolve(import.meta.dirname, '../..');

/** Every query shape the test contexts' connections issued (command monitoring), by shape. */
export function recordedShapes(): RecordedShape[] {
  return [...recorded.values()];
}

/** Records the find / aggregate / update / delete / count / distinct shapes a connection issues. */
export function recordQueryShapes(connection: Connection): void {
  connection.getClient().on('commandStarted', (event) => {
    const queries = queriesOf(event.commandName, event.command);
    if (queries.length === 0) return;
    const where = callerOf(new Error().stack ?? '');
    if (!where) return; // a test looking at the database itself
    for (const { collection, filter, sort } of queries)
      for (const shape of shapesOf(collection, filter, sort)) {
        const key = `${event.commandName} ${JSON.stringify(shape)}`;
        const entry = recorded.get(key);
        if (entry) entry.count++;
        else recorded.set(key, { shape, command: event.commandName, where, count: 1 });
      }
  });
}

function queriesOf(name: string, command: Record<string, unknown>) {
  const collection = String(command[name]);
  switch (name) {
    case 'find':
      return [{ collection, filter: command.filter, sort: command.sort }];
    case 'findAndModify':
      return [{ collection, filter: command.query, sort: command.sort }];
    case 'count':
      // estimatedDocumentCount: MongoDB answers it from the collection's metadata.
      if (Object.keys(command.query ?? {}).length === 0) return [];
      return [{ collection, filter: command.query, sort: undefined }];
    case 'distinct':
      return [{ collection, filter: command.query, sort: undefined }];
    case 'update':
      return (command.updates as Array<{ q: unknown }>).map((u) => ({ collection, filter: u.q, sort: undefined }));
    case 'delete':
      return (command.deletes as Array<{ q: unknown }>).map((d) => ({ collection, filter: d.q, sort: undefined }));
    case 'aggregate': {
      const pipeline = command.pipeline as Array<Record<string, unknown>>;
      const match = pipeline[0]?.$match;
      if (match === undefined) return [{ collection, filter: {}, sort: pipeline[0]?.$sort }];
      return [{ collection, filter: match, sort: pipeline[1]?.$sort }];
    }
    default:
      return [];
  }
}

/**
 * The first frame of the app's code (server/, scripts/); undefined for the tests' own queries; for a
 * query with neither in its stack (started from a stream or a timer), a placeholder.
 */
function callerOf(stack: string): string | undefined {
  const frames = stack.split('\n').filter((l) => l.includes(root) && !l.includes('node_modules'));
  const ours = frames.find((l) => l.includes(`${root}/server/`) || l.includes(`${root}/scripts/`));
  if (ours)
    return ours
      .trim()
      .replace(/^at (async )?/, '')
      .replace(`${root}/`, '');
  return frames.some((l) => l.includes(`${root}/test/`) && !l.includes('query-shapes'))
    ? undefined
    : '(a stream or timer)';
}
