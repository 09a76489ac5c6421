import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';

import { AppError, ValidationError } from '../lib/errors.js';
import type { Csrf } from './csrf.js';

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/**
 * Streams one uploaded file from a multipart form to `consume`, never holding the file in memory.
 * The form's `_csrf` field must come before the file and is verified before a byte is consumed.
 * A file over `maxBytes` makes the stream fail with PayloadTooLargeError.
 */
export async function withUploadedFile<T>(
  req: Request,
  options: { csrf: Csrf; field: string; maxBytes: number; noFileMessage?: string; tooLargeMessage?: string },
  consume: (file: Readable, fileName: string) => Promise<T>,
): Promise<T> {
  if (!req.is('multipart/form-data'))
    throw new ValidationError('Send the file from the upload form (multipart/form-data).', {}, 'NOT_MULTIPART');
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: options.maxBytes, fields: 10 } });
    } catch {
      reject(
        new ValidationError(
          'The upload could not be read. Choose the file again and resend the form.',
          {},
          'BAD_MULTIPART',
        ),
      );
      return;
    }
    let token: string | undefined;
    let handled = false;
    parser.on('field', (name, value) => {
      if (name === '_csrf') token = value;
    });
    parser.on('file', (name, file, info) => {
      if (handled || name !== options.field) {
        file.resume();
        return;
      }
      handled = true;
      try {
        options.csrf.verify(req, token);
      } catch (err) {
        file.resume();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      file.on('limit', () => {
        file.destroy(
          new PayloadTooLargeError(
            options.tooLargeMessage ??
              `The file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB. Split it into smaller files and import each.`,
          ),
        );
      });
      consume(file, info.filename ?? '').then(resolve, reject);
    });
    parser.on('close', () => {
      if (!handled) {
        try {
          options.csrf.verify(req, token);
          const message = options.noFileMessage ?? 'Choose a CSV file to import.';
          reject(new ValidationError(message, { [options.field]: message }, 'NO_FILE'));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
    parser.on('error', (err) =>
      reject(new ValidationError(`The upload could not be read: ${(err as Error).message}.`, {}, 'BAD_MULTIPART')),
    );
    req.pipe(parser);
  });
}
