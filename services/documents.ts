// Evidence documents: storing an upload, ingesting it (read → extract → store → re-check), and a
// reviewer's corrections. The upload path never reads or OCRs a file: it stores, records and
// queues, so a bulk upload is answered before any OCR runs.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  correctFields,
  getClaimRecord,
  getDocument,
  insertDocument,
  saveProcessedDocument,
  updateDocumentStatus,
  type DocumentDetail,
  type FieldChanges,
} from '../db/queries.ts';
import { ArchiveBudget, ArchiveError, extractZip, isZip } from '../pipeline/archive.ts';
import { detectFileType } from '../pipeline/detect.ts';
import type { FileType } from '../pipeline/enums.ts';
import { failedDocument, processBytes } from '../pipeline/process.ts';
import { formatSize as formatBytes } from '../pipeline/file-input.ts';
import { DEFAULT_MAX_BYTES } from '../pipeline/read.ts';
import { auditName, requirePermission, requireVisible } from './access.ts';
import { enqueueRecheck } from './claims.ts';
import { recheckClaim, type RecheckResult } from './checks.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { ServiceError } from './errors.ts';
import { PermanentJobError, type JobContext } from './jobs.ts';
import { HashingCounter, StorageError } from './storage.ts';
import { isUnavailable } from './unavailable.ts';

export interface UploadLimits {
  /** Bytes of one file (or one ZIP entry); the reader's own limit. */
  maxFileBytes: number;
  /** Files in one request, ZIP entries included. */
  maxFiles: number;
  /** Bytes of a whole request, ZIP entries counted unpacked. */
  maxRequestBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: DEFAULT_MAX_BYTES,
  maxFiles: 1000,
  maxRequestBytes: 2 * 1024 * 1024 * 1024,
};

export const MIME_TYPES: Record<FileType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
  webp: 'image/webp',
};

/** Claims in these statuses take no more evidence (the decision is made). */
const CLOSED = new Set(['approved', 'rejected']);

/**
 * A file name as it is kept and shown: the last path segment, no control characters or
 * bidirectional overrides, at most 200 characters (the extension kept).
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (clean === '' || clean === '.' || clean === '..') clean = 'unnamed';
  if (clean.length > 200) {
    const ext = path.extname(clean).slice(0, 12);
    clean = clean.slice(0, 200 - ext.length - 1) + '…' + ext;
  }
  return clean;
}

export interface UploadedFile {
  id: string;
  file: string;
  status: string;
  /** Set when these bytes were already known: this claim's document with them, or another claim's. */
  duplicateOf?: string;
  /** Whether a new document was created (false: the claim already had these bytes). */
  created: boolean;
}

export interface IncomingFile {
  fileName: string;
  stream: Readable;
}

/** Tracks one request's budget across its files and the entries of its ZIPs. */
class UploadBudget {
  files = 0;
  bytes = 0;
  readonly archive: ArchiveBudget;
  constructor(readonly limits: UploadLimits) {
    this.archive = new ArchiveBudget({ maxEntries: limits.maxFiles, maxTotalBytes: limits.maxRequestBytes, maxEntryBytes: limits.maxFileBytes });
  }
  addFile(name: string): void {
    this.files += 1;
    if (this.files > this.limits.maxFiles) throw new ServiceError('TOO_LARGE', `more than ${this.limits.maxFiles} files in one upload (at ${name})`);
  }
  addBytes(name: string, n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxRequestBytes) {
      throw new ServiceError('TOO_LARGE', `the upload is larger than ${formatBytes(this.limits.maxRequestBytes)} (at ${name})`);
    }
  }
}

/** Streams a part to a temporary file, hashing as it goes; returns the path, hash, size and first bytes. */
async function spool(tempDir: string, source: Readable, maxBytes: number): Promise<{ path: string; sha256: string; size: number; head: Buffer }> {
  await mkdir(tempDir, { recursive: true });
  const tempPath = path.join(tempDir, `${randomUUID()}.upload`);
  const counter = new HashingCounter(maxBytes);
  try {
    await pipeline(source, counter, createWriteStream(tempPath, { flags: 'wx' }));
  } catch (error) {
    await rm(tempPath, { force: true });
    if (error instanceof StorageError && error.code === 'TOO_LARGE') throw new ServiceError('TOO_LARGE', error.message);
    throw error;
  }
  const handle = await open(tempPath, 'r');
  const head = Buffer.alloc(Math.min(counter.bytes, 64));
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  return { path: tempPath, sha256: counter.digest(), size: counter.bytes, head };
}

/**
 * Stores uploaded evidence for a claim: each file (ZIPs unpacked) is streamed into the content-
 * addressed store, recorded (the same bytes twice in one claim are one document) and queued for
 * ingest. Returns once rows are committed and jobs queued; a queue outage does not lose a file,
 * since the sweeper queues every document left `queued`.
 */
export async function storeUploads(
  deps: Pick<ServiceDeps, 'db' | 'storage' | 'queue' | 'log' | 'uploadLimiter'>,
  actor: Actor,
  claimId: string,
  files: AsyncIterable<IncomingFile> | Iterable<IncomingFile>,
  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
): Promise<UploadedFile[]> {
  requirePermission(actor, 'document.upload');
  const claim = requireVisible(actor, await getClaimRecord(deps.db, claimId), `claim ${claimId}`);
  if (deps.uploadLimiter) {
    const decision = await deps.uploadLimiter.hit(`upload:${actor.name}`);
    if (!decision.allowed) {
      throw new ServiceError('RATE_LIMITED', `too many uploads from this token; try again in ${decision.retryAfterS} s`, { retryAfterS: decision.retryAfterS });
    }
  }
  if (CLOSED.has(claim.status)) throw new ServiceError('CONFLICT', `claim ${claimId} is ${claim.status}; it takes no more evidence`);
  const budget = new UploadBudget(limits);
  const results: UploadedFile[] = [];
  const record = async (fileName: string, sha256: string, size: number, key: string, fileType: FileType | null) => {
    const inserted = await insertDocument(deps.db, {
      claimId,
      fileName,
      sha256,
      size,
      storageKey: key,
      fileType,
      mime: fileType ? MIME_TYPES[fileType] : null,
      uploadedBy: auditName(actor),
    });
    const result: UploadedFile = { id: inserted.id, file: fileName, status: inserted.status, created: inserted.created };
    if (inserted.duplicateOf) result.duplicateOf = inserted.duplicateOf;
    results.push(result);
    if (inserted.created) {
      try {
        await deps.queue.enqueue('ingest', { documentId: inserted.id });
      } catch (error) {
        deps.log.warn({ documentId: inserted.id, err: error }, 'could not queue the ingest job; the sweeper will');
      }
    }
  };

  for await (const part of files) {
    const name = safeFileName(part.fileName);
    budget.addFile(name);
    const spooled = await spool(deps.storage.tempDir(), part.stream, Math.max(limits.maxFileBytes, Math.min(limits.maxRequestBytes, 512 * 1024 * 1024)));
    try {
      budget.addBytes(name, spooled.size);
      if (isZip(spooled.head)) {
        await storeZipEntries(deps, name, spooled.path, budget, record);
        continue;
      }
      if (spooled.size > limits.maxFileBytes) throw new ServiceError('TOO_LARGE', `${name}: ${formatBytes(spooled.size)} is over the ${formatBytes(limits.maxFileBytes)} limit for one file`);
      const stored = await deps.storage.putFile(spooled.path, spooled.sha256);
      await record(name, stored.sha256, stored.size, stored.key, detectFileType(spooled.head));
    } finally {
      await rm(spooled.path, { force: true });
    }
  }
  if (results.length === 0) throw new ServiceError('INVALID_INPUT', 'the upload holds no file (send them in the multipart field "files")');
  return results;
}

async function storeZipEntries(
  deps: Pick<ServiceDeps, 'storage'>,
  zipName: string,
  zipPath: string,
  budget: UploadBudget,
  record: (fileName: string, sha256: string, size: number, key: string, fileType: FileType | null) => Promise<void>,
): Promise<void> {
  // Entries are inflated one at a time straight to files beside the store, each hashed while it
  // is written, under the request's one archive budget (entries, bytes, ratio, nesting, names).
  const dest = await mkdtemp(path.join(deps.storage.tempDir(), 'zip-'));
  try {
    let entries;
    try {
      entries = await extractZip(zipPath, dest, budget.archive);
    } catch (error) {
      if (error instanceof ArchiveError) throw new ServiceError(error.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'INVALID_INPUT', `${zipName}: ${error.message}`);
      throw error;
    }
    const refused = entries.find((e) => 'error' in e);
    if (refused && 'error' in refused) {
      // All or nothing for one archive: a partner re-sends a fixed ZIP rather than guessing what was kept.
      throw new ServiceError(refused.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'INVALID_INPUT', `${zipName}/${safeFileName(refused.name)}: ${refused.error}`);
    }
    budget.files -= 1; // the archive itself is not a document; its entries are
    for (const entry of entries) {
      if ('error' in entry) continue;
      const name = safeFileName(entry.name);
      budget.addFile(`${zipName}/${name}`);
      budget.addBytes(`${zipName}/${name}`, entry.size);
      if (entry.size > budget.limits.maxFileBytes) {
        throw new ServiceError('TOO_LARGE', `${zipName}/${name}: ${formatBytes(entry.size)} is over the ${formatBytes(budget.limits.maxFileBytes)} limit for one file`);
      }
      const head = Buffer.alloc(Math.min(64, entry.size));
      const handle = await open(entry.path, 'r');
      try {
        await handle.read(head, 0, head.length, 0);
      } finally {
        await handle.close();
      }
      const stored = await deps.storage.putFile(entry.path, entry.sha256);
      await record(name, stored.sha256, stored.size, stored.key, detectFileType(head));
    }
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
}

export interface IngestOutcome {
  documentId: string;
  status: 'done' | 'failed' | 'skipped';
}

/**
 * The ingest job's body. Idempotent: a document already done or failed is not read again (a
 * duplicated or retried job adds no rows), and one left `processing` by a dead worker is read
 * again from the start. A file that can never be read is stored as failed, its claim re-checked
 * (UNREADABLE_DOCUMENT), and the job ends with a permanent error so it is not retried.
 */
export async function ingestDocument(deps: ServiceDeps, documentId: string, ctx?: JobContext): Promise<IngestOutcome> {
  const doc = await getDocument(deps.db, documentId);
  if (!doc) throw new PermanentJobError(`document ${documentId} does not exist`);
  if (doc.status === 'done' || doc.status === 'failed') {
    await enqueueRecheck(deps, doc.claimId);
    return { documentId, status: 'skipped' };
  }
  await updateDocumentStatus(deps.db, documentId, 'processing');
  let bytes: Buffer;
  try {
    bytes = await deps.storage.readBytes(doc.storageKey);
  } catch (error) {
    if (!(error instanceof StorageError && error.code === 'NOT_FOUND')) throw error;
    await saveProcessedDocument(deps.db, documentId, failedDocument(doc.fileName, 'READ_ERROR', 'the stored original is missing', { sha256: doc.sha256, size: doc.size }));
    await enqueueRecheck(deps, doc.claimId);
    throw new PermanentJobError(`document ${documentId}: the stored original is missing`);
  }
  const started = Date.now();
  const processed = await processBytes(doc.fileName, bytes, {
    ocr: deps.ocr,
    ...(deps.secondOcr ? { secondOcr: deps.secondOcr, pageScansFirst: true } : {}),
    timeBudgetS: deps.config.documentTimeout,
  });
  await saveProcessedDocument(deps.db, documentId, processed);
  deps.log.info(
    { documentId, claimId: doc.claimId, jobId: ctx?.jobId, attempt: ctx?.attempt, status: processed.status, method: processed.method, pages: processed.pages, ms: Date.now() - started },
    'document ingested',
  );
  await enqueueRecheck(deps, doc.claimId);
  if (processed.status === 'failed') {
    throw new PermanentJobError(`${doc.fileName}: ${processed.error?.message ?? 'could not be read'}`);
  }
  return { documentId, status: 'done' };
}

/** When an ingest job has failed for good on a fault (every retry used): the document is failed, never stuck. */
export async function markIngestFailed(deps: Pick<ServiceDeps, 'db' | 'queue' | 'log'>, documentId: string, error: Error): Promise<void> {
  if (isUnavailable(error)) {
    // The database or the store was down for every retry: the document is not at fault, so it stays
    // queued or processing and the sweeper runs it again once they are back.
    deps.log.warn({ documentId, err: error.message }, 'ingest ran out of retries on an outage; left for the sweeper');
    return;
  }
  const doc = await getDocument(deps.db, documentId);
  if (!doc || doc.status === 'done' || doc.status === 'failed') return;
  await updateDocumentStatus(deps.db, documentId, 'failed', {
    error: { code: 'READ_ERROR', message: `processing failed after every retry: ${error.message.split('\n')[0]}` },
  });
  await enqueueRecheck(deps, doc.claimId);
}

export async function getDocumentForActor(deps: Pick<ServiceDeps, 'db'>, actor: Actor, documentId: string): Promise<DocumentDetail> {
  requirePermission(actor, 'claim.read');
  const doc = await getDocument(deps.db, documentId);
  const claim = doc ? await getClaimRecord(deps.db, doc.claimId) : null;
  requireVisible(actor, claim, `document ${documentId}`);
  return doc!;
}

/** A reviewer's corrections; the claim (and any claim sharing evidence) is re-checked at once. */
export async function correctDocument(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  documentId: string,
  changes: FieldChanges,
  note: string | null,
): Promise<{ document: DocumentDetail; checks: RecheckResult[] }> {
  requirePermission(actor, 'document.correct');
  const doc = await getDocumentForActor(deps, actor, documentId);
  await correctFields(deps.db, documentId, changes, auditName(actor), note);
  const checks = await recheckClaim(deps, doc.claimId);
  return { document: (await getDocument(deps.db, documentId))!, checks };
}
