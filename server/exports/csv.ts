import { stringify, type Stringifier } from 'csv-stringify';

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"): = + - @, and
 * tab, carriage return and line feed, which some spreadsheets skip before looking for those.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r\n]/;
/** A plain number ("-5", "3.25", "-0.5e3") is read as a number, never as a formula, so it is left as is. */
const PLAIN_NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * One text cell made safe to open in a spreadsheet: a value that would start a formula gets a
 * leading single quote, as OWASP's CSV injection guidance says (the writer then quotes the field
 * and doubles embedded quotes). Numbers, and text that is a plain number, are written as they are.
 */
export function safeCell(value: string | number | boolean | Date | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_TRIGGER.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/**
 * An RFC 4180 writer (csv-stringify): comma, CRLF line ends, fields quoted when they contain a comma,
 * quote or line break, embedded quotes doubled, neutralised formula cells always quoted. With `bom`,
 * a UTF-8 byte order mark first, so Excel reads accents right.
 */
export function csvWriter(options: { bom?: boolean } = {}): Stringifier {
  return stringify({
    bom: options.bom === true,
    record_delimiter: '\r\n',
    quoted_match: [/^'/, /[\r\n]/],
    cast: { number: (n) => String(n) },
  });
}
