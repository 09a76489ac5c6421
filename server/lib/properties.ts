/** Contact properties as a plain object, from a Mongoose Map (documents) or an object (lean reads). */
export function plainProperties(raw: unknown): Record<string, string> {
  if (raw instanceof Map) return Object.fromEntries(raw) as Record<string, string>;
  return (raw ?? {}) as Record<string, string>;
}
