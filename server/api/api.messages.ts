/** What the API tells callers when a request cannot be handled, in one place (ready for translation). */
export const messages = {
  invalidKey: 'This API key is not valid or was revoked.',
  sendKey: 'Send an API key: Authorization: Bearer <key>.',
  rateLimited: (perMinute: number) =>
    `More than ${perMinute} requests in a minute with this key. Wait a minute, then retry.`,
  notUtf8: 'The request body is not valid UTF-8.',
  readOnlyKey: 'This API key may only read. Use a key with the read_write scope.',
  sendJson: 'Send the body as JSON (Content-Type: application/json).',
  noEndpoint: (method: string, path: string) => `No API endpoint ${method} ${path}. See /api/openapi.json.`,
  keyNotFound: 'That API key does not exist.',
  keyRevoked: 'API key revoked: requests with it now get 401.',
};
