import { stringify, type Stringifier } from 'csv-stringify';

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"): = + - @, and
 * tab, carriage return and line feed, which some spreadsheets skip before looking for those.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r\n]/;
/** A plain number ("-5", "3.25", "-0.5e3") is read as a number, never as a formula, so it is left as is. */
const PLAIN_NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A list separator of either kind (comma, or the semicolon of German and other locales), any
 * whitespace (which spreadsheets skip), then what starts a formula: a spreadsheet that splits the cell
 * there would read a formula.
 */
const SEPARATED_TRIGGER = /([,;])(\s*)(?=[=+\-@])/g;

/** Whether the text after a separator would be read as a formula (plain numbers such as "-5" are not). */
const startsFormula = (rest: string) => /^[=+\-@]/.test(rest) && !PLAIN_NUMBER.test(rest.trim());

/**
 * One text cell made safe to open in a spreadsheet: a value that would start a formula gets a
 * leading single quote, as OWASP's CSV injection guidance says, and so does every part after a `,`
 * or `;` that would start one if a spreadsheet split the cell there ("hello;=cmd|..." becomes
 * "hello;'=cmd|..."); the writer quotes every cell that contains a separator. Numbers, and text that
 * is a plain number, are written as they are.
 */
export function safeCell(value: string | number | boolean | Date | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const inner = text.replace(SEPARATED_TRIGGER, (all: string, sep: string, space: string, offset: number) => {
    const part = text.slice(offset + all.length).split(/[,;]/)[0] ?? '';
    return startsFormula(part) ? `${sep}${space}'` : all;
  });
  if (FORMULA_TRIGGER.test(inner) && !PLAIN_NUMBER.test(inner)) return `'${inner}`;
  return inner;
}

/**
 * An RFC 4180 writer (csv-stringify): comma, CRLF line ends, fields quoted when they contain a comma,
 * semicolon, quote or line break, embedded quotes doubled, neutralised formula cells always quoted. With `bom`,
 * a UTF-8 byte order mark first, so Excel reads accents right.
 */
export function csvWriter(options: { bom?: boolean } = {}): Stringifier {
  return stringify({
    bom: options.bom === true,
    record_delimiter: '\r\n',
    // Quoted: neutralised cells, line breaks, and both list separators (a ';' locale splits on ';').
    quoted_match: [/^'/, /[\r\n]/, /;/],
    cast: { number: (n) => String(n) },
  });
}
