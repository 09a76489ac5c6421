import { Readable } from 'node:stream';
import { expect } from 'chai';
import mongoose from 'mongoose';

import { sniffDelimiter } from '../../server/contacts/contact-csv.js';
import { ValidationError } from '../../server/lib/errors.js';
import { useTestContext } from '../helpers/context.js';

/** A byte stream of `text`, cut into chunks of `size` bytes (so multi-byte characters get split). */
function csv(text: string, size = 64 * 1024): Readable {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

describe('contact CSV import', () => {
  const ctx = useTestContext();
  const service = () => ctx.services.contactImports;
  const contact = async (email: string) => ctx.models.contacts.findOne({ email }).lean();

  it('reads UTF-8 with a BOM, keeps accents, and turns other columns into properties', async () => {
    const report = await service().importCsv(
      csv('\uFEFFEmail,Name,Locale,plan,region\nJose@Example.com,José Müller,de-CH,Pro,EU\n'),
    );
    expect(report).to.deep.include({ rows: 1, created: 1, updated: 0, skipped: 0 });
    expect(report.columns).to.deep.equal(['email', 'name', 'locale', 'plan', 'region']);
    const jose = await contact('jose@example.com');
    expect(jose).to.include({ name: 'José Müller', locale: 'de-CH' });
    expect(jose!.properties).to.deep.equal({ plan: 'Pro', region: 'EU' });
  });

  it('detects semicolons, so unquoted commas stay inside a field', async () => {
    expect(sniffDelimiter('email;name;city')).to.equal(';');
    expect(sniffDelimiter('email,name,"a;b;c"')).to.equal(',');
    await service().importCsv(csv('email;name;city\nana@example.com;Ana;Köln, Germany\n'));
    expect((await contact('ana@example.com'))!.properties).to.deep.equal({ city: 'Köln, Germany' });
  });

  it('reads quoted fields with commas, doubled quotes and newlines, and CRLF line ends', async () => {
    const text =
      'email,name,note\r\n"bo@example.com","Bo, Jr.","said ""hi""\r\nthen left"\r\ncy@example.com,Cy,plain\r\n';
    const report = await service().importCsv(csv(text));
    expect(report).to.deep.include({ rows: 2, created: 2, skipped: 0 });
    const bo = await contact('bo@example.com');
    expect(bo!.name).to.equal('Bo, Jr.');
    expect(bo!.properties).to.deep.equal({ note: 'said "hi"\r\nthen left' });
    expect((await contact('cy@example.com'))!.properties).to.deep.equal({ note: 'plain' });
  });

  it('gives the same result when the bytes arrive in tiny chunks that split characters', async () => {
    const text = '\uFEFFemail;name;city\r\nzoe@example.com;Zoë;"Zürich\nCH"\r\nyu@example.com;雨;東京\r\n';
    const report = await service().importCsv(csv(text, 3));
    expect(report).to.deep.include({ rows: 2, created: 2, skipped: 0 });
    expect((await contact('zoe@example.com'))!.name).to.equal('Zoë');
    expect((await contact('zoe@example.com'))!.properties).to.deep.equal({ city: 'Zürich\nCH' });
    expect((await contact('yu@example.com'))!.name).to.equal('雨');
  });

  it('updates on re-import by normalised email, never duplicates, and leaves blank cells alone', async () => {
    await service().importCsv(csv('email,name,plan,region\nana@example.com,Ana,Free,EU\n'));
    const report = await service().importCsv(
      csv('email,name,plan,seats\n  ANA@Example.COM ,,Pro,5\nnew@example.com,New,,\n'),
    );
    expect(report).to.deep.include({ rows: 2, created: 1, updated: 1, skipped: 0 });
    expect(await ctx.models.contacts.countDocuments({})).to.equal(2);
    const ana = await contact('ana@example.com');
    expect(ana!.name).to.equal('Ana');
    expect(ana!.properties).to.deep.equal({ plan: 'Pro', region: 'EU', seats: '5' });
    expect((await contact('new@example.com'))!.properties).to.deep.equal({});
  });

  it('skips bad rows with their line number and reason, and keeps every good row', async () => {
    const text = [
      'email,name,locale',
      'good1@example.com,One,en', // line 2
      'not-an-email,Two,en', // line 3
      '"multi@example.com","Multi', // line 4-5: a quoted newline
      'Line",en',
      'good1@example.com,Again,en', // line 6: duplicate of line 2
      ',Nobody,en', // line 7: empty email
      'loc@example.com,Loc,english please', // line 8: bad locale
      '',
      'extra@example.com,Extra,en,surplus', // line 10: one field too many
      'good2@example.com,Two,pt_BR', // line 11
    ].join('\n');
    const report = await service().importCsv(csv(text));
    expect(report).to.deep.include({ rows: 8, created: 3, updated: 0, skipped: 5 });
    expect(report.problems.map((p) => [p.line, p.reason])).to.deep.equal([
      [3, 'not a valid email address: "not-an-email"'],
      [6, 'duplicate in file: good1@example.com is already on line 2'],
      [7, 'email is empty: ""'],
      [8, 'locale should look like en, de or pt-BR: "english please"'],
      [10, 'has 4 fields; the header has 3'],
    ]);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(3);
    expect((await contact('multi@example.com'))!.name).to.equal('Multi\nLine');
    expect((await contact('good2@example.com'))!.locale).to.equal('pt-BR');
    expect((await contact('good1@example.com'))!.name).to.equal('One');
  });

  it('refuses a file without an email column, or with an unnamed or repeated column, and stores nothing', async () => {
    for (const [text, message] of [
      ['name,plan\nAna,Pro\n', 'The file has no email column'],
      ['email,,plan\na@example.com,x,Pro\n', 'Column 2 of the header row has no name'],
      ['email,plan,Plan\na@example.com,x,y\n', 'names the column "Plan" twice'],
      ['EMAIL,name,Email\na@example.com,x,y\n', 'names the column "email" twice'],
      ['', 'The file is empty'],
    ] as const) {
      const err = await service()
        .importCsv(csv(text))
        .catch((e: unknown) => e);
      expect(err, text).to.be.instanceOf(ValidationError);
      expect((err as Error).message).to.contain(message);
    }
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
  });

  it('makes property names safe for the database', async () => {
    await service().importCsv(csv('email,plan.tier,$where\na@example.com,gold,x\n'));
    expect((await contact('a@example.com'))!.properties).to.deep.equal({ plan_tier: 'gold', _where: 'x' });
  });

  it('reports a quote that is never closed on the line where it starts', async () => {
    const report = await service().importCsv(
      csv('email,name\nok@example.com,OK\na@example.com,"unterminated\nb@example.com,B\n'),
    );
    expect(report).to.deep.include({ created: 1, skipped: 1 });
    expect(report.problems).to.deep.equal([
      {
        line: 3,
        reason: 'a quoted field is never closed, so this row and every line after it were skipped; check the quotes',
      },
    ]);
  });

  it('never duplicates a contact when two imports of the same file run at once', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `p${i}@example.com,P${i}`).join('\n');
    const reports = await Promise.all([
      service().importCsv(csv(`email,name\n${rows}\n`)),
      service().importCsv(csv(`email,name\n${rows}\n`)),
    ]);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(300);
    expect(reports.every((r) => r.skipped === 0 && r.rows === 300)).to.be.true;
  });

  it('keeps a report of each run, including a refused one', async () => {
    const ok = await service().runImport(csv('email\nx@example.com\nbad\n'), { source: 'cli', fileName: 'people.csv' });
    const stored = await service().getImport(ok.id);
    expect(stored).to.deep.include({ fileName: 'people.csv', source: 'cli', rows: 2, created: 1, skipped: 1 });
    expect(stored!.problems).to.deep.equal([{ line: 3, reason: 'not a valid email address: "bad"' }]);
    expect(stored!.finishedAt).to.be.instanceOf(Date);
    await service()
      .runImport(csv('name\nA\n'), { source: 'cli' })
      .catch(() => undefined);
    const failed = await ctx.models.contactImports.findOne({ failure: mongoose.trusted({ $exists: true }) }).lean();
    expect(failed!.failure).to.contain('no email column');
  });
});
