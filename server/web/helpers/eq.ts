/** {{#if (eq a b)}}: strict equality, for selected options and active navigation. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}

/** {{#if (includes list value)}}: a ticked checkbox among several of one name (a lone value or a list). */
export function includes(list: unknown, value: unknown): boolean {
  return Array.isArray(list) ? list.includes(value) : list === value;
}

/** {{concat a b}}: joined strings, for field names built from a key ("promoter" + "_body"). */
export function concat(...parts: unknown[]): string {
  return parts
    .slice(0, -1) // Handlebars passes its options object last
    .map(String)
    .join('');
}
