// Streamed multipart: each file part is handed on as a stream while the request is still arriving,
// so the body is never held whole in memory (Hono's parseBody buffers it). One part is consumed at
// a time: busboy waits (backpressure) until the consumer has stored the previous one.
import { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import type { IncomingFile } from '../services/documents.ts';
import { ServiceError } from '../services/errors.ts';

export interface MultipartLimits {
  /** Bytes of one file part. */
  fileBytes: number;
  /** File parts in one request. */
  files: number;
  /** Non-file fields, and their size. */
  fields: number;
  fieldBytes: number;
}

export interface MultipartBody {
  files: AsyncIterable<IncomingFile>;
  /** The plain fields seen so far (complete once `files` has been iterated to its end). */
  fields: Record<string, string>;
}

/**
 * Parses a multipart/form-data request body. File parts named `field` are yielded in order; other
 * file fields are refused (a typo in the field name would otherwise drop files silently).
 */
export function parseMultipart(headers: Headers, body: ReadableStream<Uint8Array> | null, field: string, limits: MultipartLimits): MultipartBody {
  const contentType = headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', `send the files as multipart/form-data in the field "${field}" (got ${contentType || 'no content type'})`);
  }
  if (!body) throw new ServiceError('INVALID_INPUT', 'the request has no body');
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { 'content-type': contentType },
      limits: { fileSize: limits.fileBytes, files: limits.files, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.files + limits.fields },
      defParamCharset: 'utf8',
    });
  } catch (error) {
    throw new ServiceError('INVALID_INPUT', `malformed multipart request: ${(error as Error).message}`);
  }
  const fields: Record<string, string> = {};
  const queue: Array<IncomingFile | Error | null> = [];
  let wake: (() => void) | null = null;
  const push = (item: IncomingFile | Error | null) => {
    queue.push(item);
    wake?.();
    wake = null;
  };

  bb.on('file', (name, stream, info) => {
    if (name !== field) {
      stream.on('error', () => {});
      stream.resume();
      push(new ServiceError('INVALID_INPUT', `files go in the multipart field "${field}", not "${name}"`));
      return;
    }
    // The limit can be reached while the part still waits in the queue, before its consumer has
    // attached: without a listener the destroy's error would crash the process. The consumer still
    // sees the error (a destroyed stream fails the pipeline it is put in).
    // The consumer reads `part`: whatever goes wrong with the client's bytes (a limit, a body cut
    // off mid-part) reaches it as a ServiceError, not as busboy's own error.
    const part = new PassThrough();
    part.on('error', () => {});
    stream.on('error', (error: Error) => {
      part.destroy(error instanceof ServiceError ? error : new ServiceError('INVALID_INPUT', `malformed multipart request: ${error.message}`));
    });
    stream.on('limit', () => {
      stream.destroy(new ServiceError('TOO_LARGE', `${info.filename ?? 'a file'} is larger than the limit of ${limits.fileBytes} bytes for one file`));
    });
    stream.pipe(part);
    push({ fileName: info.filename || 'unnamed', stream: part });
  });
  bb.on('field', (name, value, info) => {
    if (info.valueTruncated) push(new ServiceError('TOO_LARGE', `the field "${name}" is too long`));
    else fields[name] = value;
  });
  bb.on('filesLimit', () => push(new ServiceError('TOO_LARGE', `more than ${limits.files} files in one request`)));
  bb.on('fieldsLimit', () => push(new ServiceError('TOO_LARGE', `more than ${limits.fields} fields in one request`)));
  bb.on('partsLimit', () => push(new ServiceError('TOO_LARGE', 'too many parts in one request')));
  bb.on('error', (error) => push(new ServiceError('INVALID_INPUT', `malformed multipart request: ${(error as Error).message}`)));
  bb.on('close', () => push(null));

  const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  source.on('error', (error) => push(new ServiceError('INVALID_INPUT', `the upload was interrupted: ${error.message}`)));
  source.pipe(bb);

  async function* files(): AsyncGenerator<IncomingFile> {
    try {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const item = queue.shift()!;
        if (item === null) return;
        if (item instanceof Error) throw item;
        yield item;
        // A consumer that did not read a part to its end must not stall the parser.
        if (!item.stream.readableEnded) item.stream.resume();
      }
    } finally {
      source.unpipe(bb);
      source.resume();
    }
  }
  return { files: files(), fields };
}
