// The upload parser against what a client can send: random and mutated multipart bodies give
// either the files or a ServiceError, never another exception, and never hang.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../services/errors.ts';
import { parseMultipart } from './multipart.ts';

const LIMITS = { fileBytes: 4096, files: 5, fields: 5, fieldBytes: 256 };
const BOUNDARY = 'XyZbOuNdArY';

function body(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return Readable.toWeb(Readable.from([Buffer.from(bytes)])) as ReadableStream<Uint8Array>;
}

async function consume(bytes: Uint8Array, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Promise<'ok' | ServiceError> {
  try {
    const parsed = parseMultipart(new Headers({ 'content-type': contentType }), body(bytes), 'files', LIMITS);
    for await (const f of parsed.files) {
      for await (const _chunk of f.stream) {
        // read every file to its end, as storeUploads does
      }
    }
    return 'ok';
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
}

function wellFormed(parts: Array<{ name: string; file: string; data: Uint8Array }>): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

describe('parseMultipart under fuzzing', () => {
  it('reads a well-formed body and refuses over-limit files with TOO_LARGE', async () => {
    expect(await consume(wellFormed([{ name: 'files', file: 'a.pdf', data: new Uint8Array(100) }]))).toBe('ok');
    const big = await consume(wellFormed([{ name: 'files', file: 'a.pdf', data: new Uint8Array(LIMITS.fileBytes + 10) }]));
    expect(big).toBeInstanceOf(ServiceError);
    expect((big as ServiceError).code).toBe('TOO_LARGE');
    const wrongField = await consume(wellFormed([{ name: 'file', file: 'a.pdf', data: new Uint8Array(10) }]));
    expect((wrongField as ServiceError).code).toBe('INVALID_INPUT');
  });

  it('gives only files or ServiceErrors for random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const r = await consume(bytes);
        expect(r === 'ok' || r instanceof ServiceError).toBe(true);
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('gives only files or ServiceErrors for mutated and truncated well-formed bodies', async () => {
    const part = fc.record({
      name: fc.constantFrom('files', 'files', 'other'),
      file: fc.string({ maxLength: 40 }).map((s) => s.replace(/["\r\n]/g, '')),
      data: fc.uint8Array({ maxLength: 6000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 8 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), async (parts, cut, at, value) => {
        const bytes = Buffer.from(wellFormed(parts));
        if (bytes.length > 0) bytes[at % bytes.length] = value;
        const r = await consume(bytes.subarray(0, bytes.length - (cut % Math.max(1, bytes.length))));
        expect(r === 'ok' || r instanceof ServiceError).toBe(true);
      }),
      { numRuns: 150, seed: 20261202 },
    );
  });

  it('refuses a request that is not multipart with UNSUPPORTED_MEDIA_TYPE', async () => {
    expect(() => parseMultipart(new Headers({ 'content-type': 'application/json' }), body(new Uint8Array(1)), 'files', LIMITS)).toThrow(ServiceError);
  });
});
