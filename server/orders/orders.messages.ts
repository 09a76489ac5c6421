/** What the orders domain tells people, in one place (ready for translation). */
export const messages = {
  csvMalformed: (detail: string) => `The file is not valid CSV: ${detail}. Rows before it were imported.`,
  csvEmpty:
    'The file has no orders. It needs a header row (email,reference,ordered_at,amount,currency) and one row per order.',
  csvEmptyField: 'The file has no orders.',
};
