import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';

import { csvWriter, safeCell } from '../../../server/exports/csv.js';

/** Writes rows through the app's writer and returns the file text. */
async function write(rows: (string | number)[][], bom = false): Promise<string> {
  const writer = csvWriter({ bom });
  const chunks: Buffer[] = [];
  writer.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
  const done = new Promise<void>((resolve, reject) => {
    writer.on('end', resolve);
    writer.on('error', reject);
  });
  for (const row of rows) writer.write(row.map(safeCell));
  writer.end();
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n'];

describe('CSV cells (RFC 4180, formula injection)', () => {
  it('neutralises formulas but keeps negative numbers numbers', async () => {
    const text = await write([
      ['=HYPERLINK("http://evil.example","click")', -5, '-5', '-12.5', '+1 555 0100', '@SUM(A1)', 'fine'],
    ]);
    const [row]: string[][] = parse(text);
    expect(row).to.deep.equal([
      '\'=HYPERLINK("http://evil.example","click")',
      '-5',
      '-5',
      '-12.5',
      "'+1 555 0100",
      "'@SUM(A1)",
      'fine',
    ]);
    expect(text).to.match(/\r\n$/);
    expect(text.startsWith('"\'=HYPERLINK(""http://evil.example"",""click"")"')).to.be.true;
  });

  it('keeps commas, quotes and line breaks inside fields, and adds a BOM on request', async () => {
    const text = await write([['a, b', 'say "hi"', 'line 1\nline 2', 'Zürich']], true);
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const [row]: string[][] = parse(text, { bom: true });
    expect(row).to.deep.equal(['a, b', 'say "hi"', 'line 1\nline 2', 'Zürich']);
  });

  it('neutralises a formula behind a comma or semicolon, and quotes cells with either', async () => {
    const text = await write([["hello;=cmd|' /C calc'!A0;", 'x,@SUM(A1)', 'price; -12.5', 'a;b']]);
    expect(text).to.equal('"hello;\'=cmd|\' /C calc\'!A0;","x,\'@SUM(A1)","price; -12.5","a;b"\r\n');
    // Split on ';' as a German-locale spreadsheet might, even ignoring the quotes: no part is a formula.
    for (const part of text.trim().split(';')) expect(part.replace(/^"/, ''), part).not.to.match(/^[=+@]/);
  });

  it('round-trips every cell through a real CSV parser, and no text cell starts a formula (property test)', async function () {
    this.timeout(20_000);
    const triggered = fc.constantFrom(...TRIGGERS).chain((t) => fc.string({ maxLength: 20 }).map((s) => t + s));
    const cell = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      triggered,
      // Text, a separator of either kind, then something that would start a formula.
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(',', ';', ', ', '; '), triggered)
        .map(([a, sep, b]) => a + sep + b),
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const parsed: string[][] = parse(await write(rows), { relax_column_count: true });
          expect(parsed).to.have.length(rows.length);
          rows.forEach((row, i) => {
            row.forEach((value, j) => {
              const out = parsed[i]![j]!;
              const expected = safeCell(value);
              expect(out).to.equal(String(expected));
              if (typeof value === 'number') expect(Number(out)).to.equal(value);
              else
                // Whole, or split at any comma or semicolon: no part starts a formula unless it is a number.
                for (const part of out.split(/[,;]\s*/).slice(1))
                  if (/^[=+\-@]/.test(part))
                    expect(part.split(/[,;]/)[0]!.trim()).to.match(/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i);
              if (typeof value !== 'number' && TRIGGERS.some((t) => out.startsWith(t)))
                expect(out).to.match(/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i);
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
