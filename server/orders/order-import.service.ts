import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import mongoose from 'mongoose';
import { z } from 'zod';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { ValidationError } from '../lib/errors.js';
import type { OrderStore, OrderUpsert } from './order.store.js';
import { messages } from './orders.messages.js';

const BATCH = 1000;
const MAX_PROBLEMS = 1000;

const orderRowSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: 'bad email' })),
  reference: z
    .string()
    .trim()
    .min(1, { error: 'reference is empty' })
    .max(200, { error: 'reference is longer than 200 characters' }),
  ordered_at: z
    .string()
    .trim()
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
      error: 'ordered_at is not a date like 2026-01-31 or 2026-01-31T10:00:00Z',
    }),
  amount: z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d+(\.\d+)?$/.test(v), { error: 'amount is not a number like 49.90' })
    .optional(),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => v === '' || /^[A-Z]{3}$/.test(v), { error: 'currency is not a 3-letter code like EUR' })
    .optional(),
});

/** An order as the API sends it: its contact by id or by email. */
export interface OrderInput {
  contactId?: string | undefined;
  contactEmail?: string | undefined;
  reference: string;
  orderedAt: string;
  amount?: number | undefined;
  currency?: string | undefined;
}

export interface OrderImportReport {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  problems: { line: number; reason: string }[];
}

/**
 * Orders from a CSV file (header: email, reference, ordered_at, amount, currency), streamed. Keyed by
 * reference, so importing the same file again updates and never duplicates. Rows whose email is not a
 * contact, or whose values are wrong, are skipped and reported by line; the others are kept.
 */
export class OrderImportService {
  constructor(private readonly deps: { orders: OrderStore; contacts: ContactStore; clock: Clock }) {}

  /**
   * Orders given as objects (the API's bulk call), contacts by id or email; orders whose contact is
   * unknown are skipped and reported by index. The same upsert by reference as the CSV import.
   */
  async upsertMany(orders: readonly OrderInput[]) {
    const emails = [...new Set(orders.flatMap((o) => (o.contactEmail ? [o.contactEmail.trim().toLowerCase()] : [])))];
    const byEmail = await this.deps.contacts.idsByEmail(emails);
    const ids = [...new Set(orders.flatMap((o) => (o.contactId ? [o.contactId] : [])))];
    const known = await this.deps.contacts.byIds(
      ids.map((id) => new mongoose.Types.ObjectId(id)),
      '_id',
    );
    const problems: { index: number; reason: string }[] = [];
    const rows: OrderUpsert[] = [];
    orders.forEach((o, index) => {
      const contactId = o.contactId ? known.get(o.contactId)?._id : byEmail.get(o.contactEmail!.trim().toLowerCase());
      if (!contactId)
        problems.push({
          index,
          reason: o.contactId ? `no contact with id ${o.contactId}` : `no contact with email ${o.contactEmail}`,
        });
      else
        rows.push({
          contactId,
          reference: o.reference,
          orderedAt: new Date(o.orderedAt),
          amount: o.amount,
          currency: o.currency,
        });
    });
    const counts = await this.deps.orders.upsertMany(rows, this.deps.clock.now());
    return { ...counts, skipped: problems.length, problems };
  }

  async importCsv(input: Readable): Promise<OrderImportReport> {
    const report: OrderImportReport = { rows: 0, created: 0, updated: 0, skipped: 0, problems: [] };
    const problem = (line: number, reason: string) => {
      report.skipped++;
      if (report.problems.length < MAX_PROBLEMS) report.problems.push({ line, reason });
    };
    let batch: { line: number; row: z.infer<typeof orderRowSchema> }[] = [];
    const flush = async () => {
      const byEmail = await this.deps.contacts.idsByEmail([...new Set(batch.map((b) => b.row.email))]);
      const rows: OrderUpsert[] = [];
      for (const { line, row } of batch) {
        const contactId = byEmail.get(row.email);
        if (!contactId) problem(line, `no contact with email ${row.email}`);
        else
          rows.push({
            contactId,
            reference: row.reference,
            orderedAt: new Date(row.ordered_at),
            amount: row.amount ? Number(row.amount) : undefined,
            currency: row.currency || undefined,
          });
      }
      const counts = await this.deps.orders.upsertMany(rows, this.deps.clock.now());
      report.created += counts.created;
      report.updated += counts.updated;
      batch = [];
    };
    try {
      for await (const { record, info } of parserOf(input)) {
        report.rows++;
        const parsed = orderRowSchema.safeParse(record);
        if (!parsed.success) {
          problem(info.lines, parsed.error.issues.map((i) => i.message).join('; '));
          continue;
        }
        batch.push({ line: info.lines, row: parsed.data });
        if (batch.length >= BATCH) await flush();
      }
    } catch (err) {
      const csvErr = err as Partial<CsvError>;
      if (typeof csvErr.code === 'string' && csvErr.code.startsWith('CSV_')) {
        throw new ValidationError(messages.csvMalformed(csvErr.message ?? csvErr.code), {}, 'CSV_MALFORMED');
      }
      throw err;
    }
    await flush();
    if (report.rows === 0) {
      throw new ValidationError(messages.csvEmpty, { file: messages.csvEmptyField }, 'CSV_EMPTY');
    }
    return report;
  }
}

function parserOf(input: Readable): AsyncIterable<{ record: Record<string, string>; info: { lines: number } }> {
  return input.pipe(
    parse({
      bom: true,
      columns: (h: string[]) =>
        h.map((c) =>
          c
            .trim()
            .toLowerCase()
            .replace(/^contact_email$/, 'email'),
        ),
      skip_empty_lines: true,
      info: true,
      trim: true,
      relax_column_count: true,
    }),
  );
}
