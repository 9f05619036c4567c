// Request bodies: a size limit for the buffered ones (JSON, CSV) that answers with the API's own
// 413, and a byte counter for the streamed upload body that does not buffer it.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { formatSize as formatBytes } from '../pipeline/file-input.ts';
import { ApiError } from './errors.ts';

export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('TOO_LARGE', `the request body is larger than ${formatBytes(maxBytes)}`);
    },
  });
}

/** The same stream, reporting each chunk's size as it passes. */
export function countingBody(body: ReadableStream<Uint8Array> | null, count: (bytes: number) => void): ReadableStream<Uint8Array> | null {
  if (!body) return null;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        count(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}
