/** {{#if (eq a b)}}: strict equality, for selected options and active navigation. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}
