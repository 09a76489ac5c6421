/** {{fixed value 1}}: a number with that many decimals ("29.3"); empty for a missing value. */
export function fixed(value: unknown, digits: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  return value.toFixed(typeof digits === 'number' ? digits : 0);
}
