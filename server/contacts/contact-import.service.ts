import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { AnyBulkWriteOperation } from 'mongodb';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { AppError, ValidationError } from '../lib/errors.js';
import { contactEmailSchema, localeSchema } from './contacts.schemas.js';

/**
 * CSV contact import, streamed: the file is parsed as it arrives and written in batches of upserts
 * keyed by the normalised email, so memory stays flat whatever the size and a re-import updates
 * contacts instead of duplicating them. Rows that cannot be imported are skipped and reported with
 * their line number; every other row is kept.
 *
 * Rules (README "Contacts"): header row required, `email` required; `name` and `locale` are fields;
 * every other column becomes a property. UTF-8 with or without BOM, comma or semicolon (detected from
 * the header), quoted fields with commas, quotes and newlines, CRLF or LF. An empty cell leaves the
 * stored value as it is, so a partial file never wipes data.
 */

export const MAX_REPORTED_PROBLEMS = 1000;
const BATCH_SIZE = 1000;
const RESERVED = new Set(['email', 'name', 'locale']);
const MAX_PROPERTY_LENGTH = 500;

export interface ImportProblem {
  line: number;
  email?: string;
  reason: string;
}

export interface ImportReport {
  columns: string[];
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  problems: ImportProblem[];
  problemsTruncated: boolean;
}

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
    if (name === '')
      throw new ValidationError(
        `Column ${i + 1} of the header row has no name. Name every column, e.g. email,name,plan.`,
        {},
        'CSV_BAD_HEADER',
      );
    const lower = name.toLowerCase();
    if (RESERVED.has(lower)) return lower;
    return name.replace(/\./g, '_').replace(/^\$/, '_').slice(0, 100);
  });
  // Property names are compared without case: "Plan" and "plan" in one file would split one segment in two.
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name.toLowerCase()))
      throw new ValidationError(
        `The header row names the column "${name}" twice. Give each column its own name.`,
        {},
        'CSV_BAD_HEADER',
      );
    seen.add(name.toLowerCase());
  }
  if (!seen.has('email')) {
    throw new ValidationError(
      'The file has no email column. The first row must name the columns, e.g. email,name,plan.',
      {},
      'CSV_NO_EMAIL_COLUMN',
    );
  }
  return names;
}

function describeCsvError(err: CsvError, headerFields: number): string {
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

interface ParsedRecord {
  record: Record<string, string>;
  info: Info;
}

export function createContactImportService(deps: {
  contacts: Models['contacts'];
  contactImports: Models['contactImports'];
  clock: Clock;
}) {
  const { contacts, contactImports, clock } = deps;

  /**
   * Upserts one batch; retried once if a concurrent import inserted the same email first. Rows are
   * validated with Zod before they get here, and the update sets timestamps and defaults itself, so it
   * goes through the driver directly: Mongoose's per-operation casting made imports three times slower.
   */
  async function writeBatch(ops: AnyBulkWriteOperation[]): Promise<{ created: number; updated: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await contacts.collection.bulkWrite(ops, { ordered: false });
        return { created: result.upsertedCount, updated: result.matchedCount };
      } catch (err) {
        const writeErrors = (err as { writeErrors?: { code?: number }[] }).writeErrors;
        if (attempt === 0 && writeErrors?.every((e) => e.code === 11000)) continue;
        throw err;
      }
    }
  }

  /** The upsert for one validated email, or why the rest of the row is refused. Shared by CSV and API. */
  function upsertOpOf(
    email: string,
    name: string,
    locale: string,
    rest: Record<string, string>,
  ): { op: AnyBulkWriteOperation } | { reason: string } {
    const parsedLocale = localeSchema.safeParse(locale);
    if (!parsedLocale.success)
      return { reason: `${parsedLocale.error.issues[0]?.message ?? 'bad locale'}: "${locale.slice(0, 40)}"` };
    if (name.trim().length > 200) return { reason: 'name is longer than 200 characters' };
    const tooLong = Object.entries(rest).find(([, v]) => v.length > MAX_PROPERTY_LENGTH);
    if (tooLong) return { reason: `${tooLong[0]} is longer than ${MAX_PROPERTY_LENGTH} characters` };
    const now = clock.now();
    const set: Record<string, unknown> = { updatedAt: now };
    const onInsert: Record<string, unknown> = { createdAt: now, __v: 0 };
    if (name.trim()) set.name = name.trim();
    else onInsert.name = '';
    if (parsedLocale.data) set.locale = parsedLocale.data;
    else onInsert.locale = '';
    const properties = Object.entries(rest).filter(([, value]) => value.trim() !== '');
    for (const [key, value] of properties) set[`properties.${key}`] = value.trim();
    if (properties.length === 0) onInsert.properties = {};
    return { op: { updateOne: { filter: { email }, update: { $set: set, $setOnInsert: onInsert }, upsert: true } } };
  }

  const service = {
    /**
     * Upserts contacts given as objects (the API's bulk call), with the CSV import's rules: keyed by
     * normalised email, empty values leave stored ones alone, bad rows are skipped and reported by index.
     */
    async upsertMany(
      rows: {
        email: string;
        name?: string | undefined;
        locale?: string | undefined;
        properties?: Record<string, string> | undefined;
      }[],
    ) {
      const problems: { index: number; reason: string; email?: string }[] = [];
      const seen = new Map<string, number>();
      const ops: AnyBulkWriteOperation[] = [];
      rows.forEach((row, index) => {
        const email = contactEmailSchema.safeParse(row.email);
        if (!email.success)
          return problems.push({
            index,
            reason: `${email.error.issues[0]?.message ?? 'bad email'}: "${String(row.email).slice(0, 100)}"`,
          });
        const first = seen.get(email.data);
        if (first !== undefined)
          return problems.push({
            index,
            reason: `duplicate in request: ${email.data} is already at index ${first}`,
            email: email.data,
          });
        seen.set(email.data, index);
        // Property names were checked by the caller's schema (no dots, no leading $).
        const op = upsertOpOf(email.data, row.name ?? '', row.locale ?? '', row.properties ?? {});
        if ('reason' in op) return problems.push({ index, reason: op.reason, email: email.data });
        ops.push(op.op);
      });
      let created = 0;
      let updated = 0;
      for (let i = 0; i < ops.length; i += BATCH_SIZE) {
        const counts = await writeBatch(ops.slice(i, i + BATCH_SIZE));
        created += counts.created;
        updated += counts.updated;
      }
      return { created, updated, skipped: problems.length, problems };
    },

    /**
     * Imports contacts from a CSV byte stream. Throws ValidationError when the whole file is unusable
     * (no header, no email column, broken quoting); rows already written by then stay written.
     */
    async importCsv(input: Readable, options: { onProgress?: (rows: number) => void } = {}): Promise<ImportReport> {
      const report: ImportReport = {
        columns: [],
        rows: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        problems: [],
        problemsTruncated: false,
      };
      const firstLineOfEmail = new Map<string, number>();
      let batch: AnyBulkWriteOperation[] = [];
      let writing: Promise<void> = Promise.resolve();
      let previousEndLine = 1;
      let previousEmptyLines = 0;

      const problem = (line: number, reason: string, email?: string) => {
        report.skipped++;
        if (report.problems.length < MAX_REPORTED_PROBLEMS)
          report.problems.push({ line, reason, ...(email ? { email } : {}) });
        else report.problemsTruncated = true;
      };
      // csv-parse reports the line a record ends on; a quoted field with newlines starts it earlier.
      const startLine = (info: { lines: number; empty_lines: number }) => {
        const start = previousEndLine + 1 + (info.empty_lines - previousEmptyLines);
        previousEndLine = info.lines;
        previousEmptyLines = info.empty_lines;
        return start;
      };
      // One batch is written while the next is being parsed; at most two batches are in memory.
      const flush = async () => {
        await writing;
        if (batch.length === 0) return;
        const ops = batch;
        batch = [];
        const write = writeBatch(ops).then((counts) => {
          report.created += counts.created;
          report.updated += counts.updated;
          options.onProgress?.(report.rows);
        });
        write.catch(() => undefined); // a failure surfaces at the next await of `writing`
        writing = write;
      };

      const handle = async (parsed: ParsedRecord) => {
        const line = startLine(parsed.info);
        report.rows++;
        const { email: rawEmail = '', name = '', locale = '', ...rest } = parsed.record;
        const email = contactEmailSchema.safeParse(rawEmail);
        if (!email.success)
          return problem(line, `${email.error.issues[0]?.message ?? 'bad email'}: "${rawEmail.slice(0, 100)}"`);
        const firstSeen = firstLineOfEmail.get(email.data);
        if (firstSeen !== undefined)
          return problem(line, `duplicate in file: ${email.data} is already on line ${firstSeen}`, email.data);
        firstLineOfEmail.set(email.data, line);
        const op = upsertOpOf(email.data, name, locale, rest);
        if ('reason' in op) return problem(line, op.reason, email.data);
        batch.push(op.op);
        if (batch.length >= BATCH_SIZE) await flush();
      };

      const { delimiter, source } = await sniff(input);
      const parser = parse({
        bom: true,
        delimiter,
        record_delimiter: ['\r\n', '\n', '\r'],
        columns: (header: string[]) => {
          report.columns = normaliseHeader(header);
          return report.columns;
        },
        info: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        trim: false,
      });
      // A skipped record is reported in the parser's output stream, in order with the good records, so
      // line numbers are counted in file order even though records are written asynchronously.
      parser.on('skip', (err: CsvError) => {
        parser.push({ skipped: err });
      });
      const handleSkip = (err: CsvError & { lines?: number; empty_lines?: number }) => {
        report.rows++;
        problem(
          startLine({ lines: err.lines ?? previousEndLine + 1, empty_lines: err.empty_lines ?? previousEmptyLines }),
          describeCsvError(err, report.columns.length),
        );
      };

      try {
        await pipeline(source, parser, async (records: AsyncIterable<ParsedRecord | { skipped: CsvError }>) => {
          for await (const item of records) {
            if ('skipped' in item) handleSkip(item.skipped);
            else await handle(item);
          }
        });
      } catch (err) {
        if (err instanceof ValidationError) throw err;
        const csvErr = err as Partial<CsvError> & { lines?: number };
        if (typeof csvErr.code === 'string' && csvErr.code.startsWith('CSV_')) {
          throw new ValidationError(
            `The file is not valid CSV near line ${csvErr.lines ?? '?'}: ${csvErr.message ?? csvErr.code}. Rows before it were imported.`,
            {},
            'CSV_MALFORMED',
          );
        }
        throw err;
      }
      await flush();
      await writing;
      if (report.columns.length === 0)
        throw new ValidationError(
          'The file is empty. It needs a header row (e.g. email,name,plan) and one row per contact.',
          {},
          'CSV_EMPTY',
        );
      return report;
    },

    /**
     * Runs an import and keeps its report (who, when, counts, skipped rows) in contactImports.
     * Returns the stored import's id; a refused file is stored with its reason and rethrown.
     */
    async runImport(
      input: Readable,
      meta: {
        source: 'upload' | 'cli' | 'api';
        fileName?: string;
        userId?: string;
        onProgress?: (rows: number) => void;
      },
    ): Promise<{ id: string; report: ImportReport }> {
      const run = await contactImports.create({
        source: meta.source,
        fileName: meta.fileName ?? '',
        createdBy: meta.userId,
        startedAt: clock.now(),
      });
      try {
        const report = await service.importCsv(input, meta.onProgress ? { onProgress: meta.onProgress } : {});
        await contactImports.updateOne({ _id: run._id }, { $set: { ...report, finishedAt: clock.now() } });
        return { id: String(run._id), report };
      } catch (err) {
        const reason = err instanceof AppError ? err.message : 'The import stopped because of an error on our side.';
        await contactImports.updateOne({ _id: run._id }, { $set: { failure: reason, finishedAt: clock.now() } });
        throw err;
      }
    },

    async getImport(id: string) {
      if (!mongoose.isValidObjectId(id)) return null;
      return contactImports.findById(id).lean();
    },
  };
  return service;
}

/**
 * Reads up to the end of the first line to choose the delimiter, and returns a stream that yields
 * every byte of the input unchanged (the part read first included).
 */
async function sniff(input: Readable): Promise<{ delimiter: ',' | ';'; source: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let head = Buffer.alloc(0);
  let finished = false;
  while (!head.includes(10) && !head.includes(13) && head.length <= 65_536) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    head = Buffer.concat([head, Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)]);
  }
  const delimiter = sniffDelimiter(head.toString('utf8').split(/\r\n|\n|\r/)[0] ?? '');
  const source = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      while (!finished) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  return { delimiter, source };
}

export type ContactImportService = ReturnType<typeof createContactImportService>;
