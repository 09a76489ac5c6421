import type { Response } from 'express';

/**
 * Sends an email's own HTML for a sandboxed frame (preview and outbox): it needs inline styles, so only
 * this response relaxes style-src; it still allows no script at all, and only our frames may show it.
 */
export function sendEmailHtml(res: Response, html: string): void {
  res.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  );
  res.set('X-Frame-Options', 'SAMEORIGIN');
  res.type('html').send(html);
}
