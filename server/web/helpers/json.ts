import Handlebars from 'handlebars';

/**
 * {{json value}} inside <script type="application/json">: JSON with <, > and & escaped as \u003c etc.,
 * so no value can close the script element. Chart data reaches public/js this way, with no inline script.
 */
export function json(value: unknown): Handlebars.SafeString {
  const text = JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Handlebars.SafeString(text);
}
