import type { NextFunction, Request, Response } from 'express';

export type FlashKind = 'success' | 'error' | 'info';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

declare module 'express-session' {
  interface SessionData {
    flash?: FlashMessage[];
  }
}

/** Queues a message for the next page this browser renders (post/redirect/get). */
export function flash(req: Request, kind: FlashKind, text: string): void {
  if (!req.session) return;
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** Moves queued messages into res.locals.flash for the layout, once. */
export function flashMiddleware(req: Request, res: Response, next: NextFunction): void {
  const messages = req.session?.flash;
  if (messages && messages.length > 0) {
    res.locals.flash = messages;
    delete req.session.flash;
  }
  next();
}
