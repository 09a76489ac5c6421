import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import type { CsvError } from 'csv-parse';

import { ValidationError } from '../lib/errors.js';
import { propertyNameProblem } from '../vocabulary/properties.js';
import { messages } from './contacts.messages.js';

/** The columns that are contact fields; every other column becomes a property. */
const RESERVED = new Set(['email', 'name', 'locale']);

/** Picks ';' when the header line has more semicolons than commas outside quotes, else ','. */
export function sniffDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Header names: trimmed; email/name/locale matched case-insensitively; property names made safe for MongoDB paths. */
export function normaliseHeader(raw: string[]): string[] {
  const names = raw.map((h, i) => {
    const name = h.trim();
    if (name === '') throw new ValidationError(messages.csvUnnamedColumn(i + 1), {}, 'CSV_BAD_HEADER');
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) return lower;
    // Dots and a leading $ cannot be stored; they become "_" as people expect. Anything else the
    // property rule refuses (too long, control characters, __proto__) stops the import, named.
    const safe = name.replace(/\./g, '_').replace(/^\$/, '_');
    const problem = propertyNameProblem(safe);
    if (problem) throw new ValidationError(messages.csvBadColumn(i + 1, safe, problem), {}, 'CSV_BAD_HEADER');
    return safe;
  });
  // Property names are compared without case: "Plan" and "plan" in one file would split one segment in two.
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase())) throw new ValidationError(messages.csvRepeatedColumn(name), {}, 'CSV_BAD_HEADER');
    seen.add(name.toLowerCase());
  }
  if (!seen.has('email')) throw new ValidationError(messages.csvNoEmail, {}, 'CSV_NO_EMAIL_COLUMN');
  return names;
}

/** Why csv-parse skipped a record, in words a person can act on. */
export function describeCsvError(err: CsvError, headerFields: number): string {
  switch (err.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return `has ${(err.record as unknown[] | undefined)?.length ?? 'a different number of'} fields; the header has ${headerFields}`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed, so this row and every line after it were skipped; check the quotes';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote inside a field is not doubled ("") or the field is not quoted';
    default:
      return err.message;
  }
}

/**
 * Line numbers as people count them: csv-parse reports the line a record ends on, and a quoted field
 * with newlines starts it earlier. Feed it every record (good or skipped) in file order.
 */
export class LineCounter {
  private previousEnd = 1;
  private previousEmpty = 0;

  /** The line the record starts on, given where it ends and how many empty lines came so far. */
  startOf(info: { lines?: number | undefined; empty_lines?: number | undefined }): number {
    const lines = info.lines ?? this.previousEnd + 1;
    const empty = info.empty_lines ?? this.previousEmpty;
    const start = this.previousEnd + 1 + (empty - this.previousEmpty);
    this.previousEnd = lines;
    this.previousEmpty = empty;
    return start;
  }
}

/** Whether bytes are UTF-8, allowing the last character to be cut off by the end of the sample. */
function looksUtf8(head: Buffer, complete: boolean): boolean {
  for (let cut = 0; cut <= (complete ? 0 : 3) && cut < head.length + 1; cut++)
    if (isUtf8(head.subarray(0, head.length - cut))) return true;
  return false;
}

export type CsvEncoding = 'utf-8' | 'windows-1252';

/**
 * Reads the start of the file (the first line, and at least 64 KB) to choose the delimiter and the
 * encoding: UTF-8 when those bytes are UTF-8, else Windows-1252 (Latin-1 as Excel saves it on Western
 * European Windows), so "Müller" is read as Müller, not "M\uFFFDller". Returns the whole input as text.
 * In a file judged UTF-8, bytes that are not UTF-8 further on stop the import with the byte offset.
 */
export async function sniff(
  input: Readable,
): Promise<{ delimiter: ',' | ';'; encoding: CsvEncoding; source: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head = Buffer.alloc(0);
  let finished = false;
  while ((!head.includes(10) && !head.includes(13)) || head.length < 65_536) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    head = Buffer.concat([head, Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)]);
    if (head.length > 1_048_576) break;
  }
  const encoding: CsvEncoding = looksUtf8(head, finished) ? 'utf-8' : 'windows-1252';
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  const delimiter = sniffDelimiter(new TextDecoder(encoding).decode(head).split(/\r\n|\n|\r/)[0] ?? '');
  let offset = 0;
  const decode = (chunk: Buffer, last: boolean) => {
    try {
      const text = decoder.decode(chunk, { stream: !last });
      offset += chunk.length;
      return text;
    } catch {
      throw new ValidationError(messages.csvNotUtf8(offset), {}, 'CSV_NOT_UTF8');
    }
  };
  const source = Readable.from(
    (async function* () {
      if (head.length > 0) yield decode(head, false);
      while (!finished) {
        const next = await iterator.next();
        if (next.done) break;
        yield decode(Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value), false);
      }
      const rest = decode(Buffer.alloc(0), true);
      if (rest) yield rest;
    })(),
    { objectMode: false },
  );
  return { delimiter, encoding, source };
}
