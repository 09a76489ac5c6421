import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { AppError, ValidationError } from '../lib/errors.js';
import { describeCsvError, LineCounter, normaliseHeader, sniff, type CsvEncoding } from './contact-csv.js';
import type { ContactImportModel } from './contact-import.model.js';
import { contactUpsertOf, emailOf, type ContactUpsert } from './contact-rows.js';
import type { ContactStore } from './contact.store.js';
import { messages } from './contacts.messages.js';

/** One row of a bulk upsert's answer, in input order. */
export type BulkRowResult =
  | { index: number; email: string; id: string; status: 'created' | 'updated' }
  | { index: number; email: string | null; id: null; status: 'skipped'; reason: string };

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
  /** How the bytes were read: UTF-8, or Windows-1252 when the file was not UTF-8. */
  encoding: CsvEncoding;
}

export interface ContactRowInput {
  email: string;
  name?: string | undefined;
  locale?: string | undefined;
  properties?: Record<string, string> | undefined;
}

interface ParsedRecord {
  record: Record<string, string>;
  info: Info;
}

/** What the parser's stream yields: a record, or a record it skipped (in file order with the others). */
type ParsedItem = ParsedRecord | { skipped: CsvError & { lines?: number } };

/** Contacts in bulk: CSV files (page and CLI), the API's bulk upsert and event triggers. */
export class ContactImportService {
  constructor(private readonly deps: { contacts: ContactStore; imports: ContactImportModel; clock: Clock }) {}

  /** Part of deleting a contact: import reports stop naming their address. */
  async eraseContact(_contactId: mongoose.Types.ObjectId, person: { email: string }): Promise<void> {
    await this.deps.imports.updateMany(
      { 'problems.email': person.email },
      { $pull: { problems: { email: person.email } } },
    );
  }

  /**
   * Upserts contacts given as objects (the API's bulk call, triggers), with the CSV import's rules:
   * keyed by normalised email, empty values leave stored ones alone, bad rows skipped and reported by
   * index. `contacts` has one entry per row, in input order: its id and whether it was created or
   * updated, or why it was skipped.
   */
  async upsertMany(rows: readonly ContactRowInput[]) {
    const problems: { index: number; reason: string; email?: string }[] = [];
    const seen = new Map<string, number>();
    const valid: { index: number; upsert: ContactUpsert }[] = [];
    rows.forEach((row, index) => {
      const parsed = emailOf(row.email);
      if ('reason' in parsed) return problems.push({ index, reason: parsed.reason });
      const { email } = parsed;
      const first = seen.get(email);
      if (first !== undefined) {
        return problems.push({ index, reason: `duplicate in request: ${email} is already at index ${first}`, email });
      }
      seen.set(email, index);
      const upsert = contactUpsertOf(email, row.name ?? '', row.locale ?? '', row.properties ?? {});
      if ('reason' in upsert) return problems.push({ index, reason: upsert.reason, email });
      valid.push({ index, upsert });
    });
    const contacts: BulkRowResult[] = problems.map((p) => ({
      index: p.index,
      email: p.email ?? null,
      id: null,
      status: 'skipped',
      reason: p.reason,
    }));
    let created = 0;
    let updated = 0;
    for (let i = 0; i < valid.length; i += BATCH_SIZE) {
      const batch = valid.slice(i, i + BATCH_SIZE);
      const result = await this.deps.contacts.upsertMany(
        batch.map((v) => v.upsert),
        this.deps.clock.now(),
        { withIds: true },
      );
      created += result.created;
      updated += result.updated;
      batch.forEach(({ index, upsert }, k) => {
        const { id, created: isNew } = result.ids![k]!;
        contacts.push({ index, email: upsert.email, id: String(id), status: isNew ? 'created' : 'updated' });
      });
    }
    contacts.sort((a, b) => a.index - b.index);
    return { created, updated, skipped: problems.length, problems, contacts };
  }

  /**
   * Imports contacts from a CSV byte stream. Throws ValidationError when the whole file is unusable
   * (no header, no email column, broken quoting); rows already written by then stay written.
   */
  async importCsv(input: Readable, options: { onProgress?: (rows: number) => void } = {}): Promise<ImportReport> {
    const run = new CsvImportRun(this.deps.contacts, this.deps.clock, options.onProgress);
    const { delimiter, encoding, source } = await sniff(input);
    run.report.encoding = encoding;
    try {
      await pipeline(source, run.parser(delimiter), (records: AsyncIterable<ParsedItem>) => run.consume(records));
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      const csvErr = err as Partial<CsvError> & { lines?: number };
      if (typeof csvErr.code === 'string' && csvErr.code.startsWith('CSV_')) {
        throw new ValidationError(
          messages.csvMalformed(csvErr.lines ?? '?', csvErr.message ?? csvErr.code),
          {},
          'CSV_MALFORMED',
        );
      }
      throw err;
    }
    await run.finish();
    if (run.report.columns.length === 0) throw new ValidationError(messages.csvEmpty, {}, 'CSV_EMPTY');
    return run.report;
  }

  /**
   * Runs an import and keeps its report (who, when, counts, skipped rows) in contactImports.
   * Returns the stored import's id; a refused file is stored with its reason and rethrown.
   */
  async runImport(
    input: Readable,
    meta: { source: 'upload' | 'cli' | 'api'; fileName?: string; userId?: string; onProgress?: (rows: number) => void },
  ): Promise<{ id: string; report: ImportReport }> {
    const { imports, clock } = this.deps;
    const run = await imports.create({
      source: meta.source,
      fileName: meta.fileName ?? '',
      createdBy: meta.userId,
      startedAt: clock.now(),
    });
    try {
      const report = await this.importCsv(input, meta.onProgress ? { onProgress: meta.onProgress } : {});
      await imports.updateOne({ _id: run._id }, { $set: { ...report, finishedAt: clock.now() } });
      return { id: String(run._id), report };
    } catch (err) {
      const reason = err instanceof AppError ? err.message : messages.importFailed;
      await imports.updateOne({ _id: run._id }, { $set: { failure: reason, finishedAt: clock.now() } });
      throw err;
    }
  }

  async getImport(id: string) {
    if (!mongoose.isValidObjectId(id)) return null;
    return this.deps.imports.findById(id).lean();
  }
}

/** One CSV import in progress: its report, the batch being filled and the batch being written. */
class CsvImportRun {
  readonly report: ImportReport = {
    columns: [],
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    problems: [],
    problemsTruncated: false,
    encoding: 'utf-8',
  };
  private readonly firstLineOfEmail = new Map<string, number>();
  private readonly lines = new LineCounter();
  private batch: ContactUpsert[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly contacts: ContactStore,
    private readonly clock: Clock,
    private readonly onProgress?: (rows: number) => void,
  ) {}

  parser(delimiter: ',' | ';') {
    const parser = parse({
      bom: true,
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      columns: (header: string[]) => (this.report.columns = normaliseHeader(header)),
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: false,
    });
    // A skipped record is reported in the parser's output stream, in order with the good records, so
    // line numbers are counted in file order even though records are written asynchronously.
    parser.on('skip', (err: CsvError) => parser.push({ skipped: err }));
    return parser;
  }

  async consume(records: AsyncIterable<ParsedItem>): Promise<void> {
    for await (const item of records) {
      if ('skipped' in item) this.skip(item.skipped);
      else await this.handle(item);
    }
  }

  /** Writes what is left and waits for every write. */
  async finish(): Promise<void> {
    await this.flush();
    await this.writing;
  }

  private problem(line: number, reason: string, email?: string): void {
    this.report.skipped++;
    if (this.report.problems.length < MAX_REPORTED_PROBLEMS)
      this.report.problems.push({ line, reason, ...(email ? { email } : {}) });
    else this.report.problemsTruncated = true;
  }

  private skip(err: CsvError & { lines?: number; empty_lines?: number }): void {
    this.report.rows++;
    this.problem(this.lines.startOf(err), describeCsvError(err, this.report.columns.length));
  }

  private async handle(parsed: ParsedRecord): Promise<void> {
    const line = this.lines.startOf(parsed.info);
    this.report.rows++;
    const { email: rawEmail = '', name = '', locale = '', ...rest } = parsed.record;
    const checked = emailOf(rawEmail);
    if ('reason' in checked) return this.problem(line, checked.reason);
    const { email } = checked;
    const firstSeen = this.firstLineOfEmail.get(email);
    if (firstSeen !== undefined)
      return this.problem(line, `duplicate in file: ${email} is already on line ${firstSeen}`, email);
    this.firstLineOfEmail.set(email, line);
    const upsert = contactUpsertOf(email, name, locale, rest);
    if ('reason' in upsert) return this.problem(line, upsert.reason, email);
    this.batch.push(upsert);
    if (this.batch.length >= BATCH_SIZE) await this.flush();
  }

  /** One batch is written while the next is being parsed; at most two batches are in memory. */
  private async flush(): Promise<void> {
    await this.writing;
    if (this.batch.length === 0) return;
    const rows = this.batch;
    this.batch = [];
    const write = this.contacts.upsertMany(rows, this.clock.now()).then((counts) => {
      this.report.created += counts.created;
      this.report.updated += counts.updated;
      this.onProgress?.(this.report.rows);
    });
    write.catch(() => undefined); // a failure surfaces at the next await of `writing`
    this.writing = write;
  }
}
