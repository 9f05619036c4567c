// The claim packet: one PDF a programme can file or forward. A cover sheet (the claim, each
// expense with the document that backs it and why it was matched, the checks' verdict, open
// flags, what is missing, an index of the evidence) and then every piece of evidence: PDF pages
// copied as they are, images placed on pages, each page labelled with its file name. Evidence
// that cannot be included (damaged, password-protected, not an image) gets a page saying so;
// one bad file never costs the packet.
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PDFDocument, rgb, type PDFImage } from 'pdf-lib';
import sharp from 'sharp';
import type { ClaimReport } from '../../pipeline/checks.ts';
import { daysBetween, isIsoDate } from '../../pipeline/dates.ts';
import { detectFileType } from '../../pipeline/detect.ts';
import { MAX_INPUT_PIXELS } from '../../pipeline/image.ts';
import { formatMoney } from '../../pipeline/money.ts';
import type { Claim, ClaimStatus, DocKind, ExpenseType, FileType, Flag } from '../../pipeline/types.ts';
import { embedFonts, type PdfFontOptions, type TextFonts } from './fonts.ts';
import { describeMissing, documentsOfReport, type MissingDocument, type MissingExpense } from './missing.ts';
import { A4, A4_LANDSCAPE, PdfFlow, stampEdge, stampPageNumbers, type TableRow } from './pdf-layout.ts';
import { formatTimestamp } from './render-pdf.ts';

export interface PacketExpense extends MissingExpense {
  description?: string | null;
  /** The document matched to it, if any. */
  documentId?: string | null;
  file?: string | null;
  matchScore?: number | null;
  matchReasons?: readonly string[];
}

export interface PacketClaim extends Omit<Claim, 'expenses'> {
  deadline: string;
  status: ClaimStatus;
  completeness: 'complete' | 'incomplete';
  expenses: readonly PacketExpense[];
  /** The open flags. */
  flags: readonly Flag[];
  /** What was read from the documents, so the missing list can quote it. */
  documents?: readonly MissingDocument[];
}

/** The bytes of one piece of evidence: in memory, a file path, or a loader (storage streams). */
export type EvidenceSource = Uint8Array | { path: string } | (() => Promise<Uint8Array>);

export interface PacketEvidence {
  documentId?: string;
  file: string;
  /** The detected type; null or absent: detected here from the bytes. */
  fileType?: FileType | null;
  kind?: DocKind | null;
  source: EvidenceSource;
}

export interface PacketInput {
  claim: PacketClaim;
  evidence: readonly PacketEvidence[];
  generatedAt: Date | string;
  /** Days to the deadline are counted from it when given. */
  asOf?: string;
  fonts?: PdfFontOptions;
  /** Images are scaled down to at most this many pixels on their longest side (default 2480: A4 at 300 dpi). */
  maxImageSide?: number;
}

export interface PacketSection {
  file: string;
  documentId?: string;
  /** 1-based page of the packet where the section starts. */
  firstPage: number;
  pages: number;
  included: boolean;
  /** Why the file is not in the packet, when it is not. */
  problem?: string;
}

export interface ClaimPacket {
  bytes: Uint8Array;
  coverPages: number;
  pageCount: number;
  sections: PacketSection[];
}

// ---------------------------------------------------------------------------------------------
// Evidence → pages

interface RasterPage {
  bytes: Uint8Array;
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

type Loaded =
  | { kind: 'pdf'; doc: PDFDocument; pages: number }
  | { kind: 'images'; images: RasterPage[]; pages: number }
  | { kind: 'placeholder'; problem: string; pages: 1 };

function placeholder(problem: string): Loaded {
  return { kind: 'placeholder', problem, pages: 1 };
}

async function bytesOf(source: EvidenceSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (typeof source === 'function') return source();
  return new Uint8Array(await readFile(source.path));
}

function reason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}

async function loadPdf(bytes: Uint8Array): Promise<Loaded> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch (err) {
    return placeholder(`the PDF cannot be parsed (${reason(err)})`);
  }
  // Copied pages of an encrypted file would carry still-encrypted streams: garbage in the packet.
  // (pdf-lib's EncryptedPDFError is not an instanceof-able class, so load and ask instead.)
  if (doc.isEncrypted) return placeholder('the PDF is encrypted (password- or copy-protected)');
  // pdf-lib recovers what it can from a damaged file, down to a document without a catalog
  // (asking for its pages then throws); one with no page left is not evidence.
  let pages = 0;
  try {
    pages = doc.getPageCount();
  } catch {
    pages = 0;
  }
  if (pages === 0) return placeholder('the PDF is damaged: no page could be read from it');
  return { kind: 'pdf', doc, pages };
}

/**
 * Every page of an image as PNG or JPEG that pdf-lib embeds: upright (EXIF orientation
 * applied), in sRGB, at most `maxSide` pixels on its longest side. A JPEG that needs none of
 * that is kept byte for byte; TIFF and WebP are converted (every page of a multi-page TIFF).
 */
async function rasterPages(bytes: Uint8Array, type: Exclude<FileType, 'pdf'>, maxSide: number): Promise<RasterPage[]> {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  const count = type === 'tiff' ? (meta.pages ?? 1) : 1;
  const out: RasterPage[] = [];
  for (let page = 0; page < count; page++) {
    const img = sharp(input, { page, limitInputPixels: MAX_INPUT_PIXELS });
    const m = page === 0 ? meta : await img.metadata();
    const w = m.width ?? 0;
    const h = m.height ?? 0;
    const keep = (type === 'jpeg' || type === 'png') && (m.orientation ?? 1) === 1 && (m.space === 'srgb' || m.space === 'b-w') && Math.max(w, h) <= maxSide && (m.depth ?? 'uchar') === 'uchar';
    if (keep) {
      out.push({ bytes, format: type, width: w, height: h });
      continue;
    }
    // Photos stay JPEG (a PNG of a photo is several times larger); scans and screenshots PNG.
    const photo = type === 'jpeg' || (type === 'webp' && !m.hasAlpha);
    const pipeline = img.rotate().resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true }).toColourspace('srgb');
    const { data, info } = photo
      ? await pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 88 }).toBuffer({ resolveWithObject: true })
      : await pipeline.png().toBuffer({ resolveWithObject: true });
    out.push({ bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), format: photo ? 'jpeg' : 'png', width: info.width, height: info.height });
  }
  return out;
}

async function loadEvidence(e: PacketEvidence, maxSide: number): Promise<Loaded> {
  let bytes: Uint8Array;
  try {
    bytes = await bytesOf(e.source);
  } catch (err) {
    return placeholder(`the file could not be loaded (${reason(err)})`);
  }
  const type = e.fileType ?? detectFileType(bytes);
  if (!type) return placeholder('the file is not a PDF, PNG, JPEG, TIFF or WebP');
  if (type === 'pdf') return loadPdf(bytes);
  try {
    const images = await rasterPages(bytes, type, maxSide);
    return images.length === 0 ? placeholder('the image has no pages') : { kind: 'images', images, pages: images.length };
  } catch (err) {
    return placeholder(`the image cannot be decoded (${reason(err)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// The cover sheet

function typeName(t: ExpenseType): string {
  return t === 'third_party' ? 'third party (invoice)' : 'in house (CSR)';
}

function verdict(claim: PacketClaim): string {
  const blocking = claim.flags.filter((f) => f.severity === 'blocking').length;
  const review = claim.flags.length - blocking;
  const others = review > 0 ? `; ${review} other open flag${review === 1 ? '' : 's'} to review` : '';
  if (claim.completeness === 'complete' && blocking === 0) return `Complete: no blocking flag open${others}`;
  return `Incomplete: ${blocking} blocking flag${blocking === 1 ? '' : 's'} open${others}`;
}

function deadlineText(claim: PacketClaim, asOf: string | undefined): string {
  if (!asOf || !isIsoDate(asOf)) return claim.deadline;
  const left = daysBetween(asOf, claim.deadline);
  const when = left < 0 ? `${-left} day${left === -1 ? '' : 's'} ago` : left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`;
  return `${claim.deadline} (${when}, as of ${asOf})`;
}

/** The matcher's reasons (they end with the score); the score alone when none were kept. */
function matchWhy(e: PacketExpense): string {
  if (e.matchReasons && e.matchReasons.length > 0) return e.matchReasons.join('; ');
  return e.matchScore !== null && e.matchScore !== undefined ? `score ${e.matchScore.toFixed(2)}` : '';
}

function pageRange(s: PacketSection): string {
  return s.pages === 1 ? String(s.firstPage) : `${s.firstPage}–${s.firstPage + s.pages - 1}`;
}

interface CoverParts {
  facts: Array<[string, string]>;
  expenses: TableRow[];
  flags: TableRow[];
  missing: string[];
}

function coverParts(input: PacketInput): CoverParts {
  const c = input.claim;
  const facts: Array<[string, string]> = [
    ['Partner', c.partner],
    ['Programme', c.program],
    ['Activity', c.activity],
    ['Usage period', `${c.usageStart} – ${c.usageEnd}`],
    ['Deadline', deadlineText(c, input.asOf)],
    ['Workflow status', c.status],
    ['Verdict', verdict(c)],
    ['Generated', formatTimestamp(new Date(input.generatedAt).toISOString())],
  ];
  const expenses = c.expenses.map((e) => ({
    cells: [
      e.expenseId,
      typeName(e.type),
      e.vendor + (e.description ? `\n${e.description}` : ''),
      e.date,
      formatMoney(e.amountMinor, e.currency),
      e.file ?? 'nothing matched',
      e.file ? matchWhy(e) : '',
    ],
    ...(e.file ? {} : { color: rgb(0.7, 0.05, 0.05) }),
  }));
  const flags = c.flags.map((f) => ({ cells: [f.severity, f.code, f.expenseId ?? '', f.file ?? '', f.message], ...(f.severity === 'blocking' ? { color: rgb(0.7, 0.05, 0.05) } : {}) }));
  const missing = describeMissing({
    usageStart: c.usageStart,
    usageEnd: c.usageEnd,
    deadline: c.deadline,
    ...(input.asOf ? { asOf: input.asOf } : {}),
    expenses: c.expenses,
    ...(c.documents ? { documents: c.documents } : {}),
    flags: c.flags,
  }).map((m) => m.text);
  return { facts, expenses, flags, missing };
}

function drawCover(flow: PdfFlow, input: PacketInput, parts: CoverParts, sections: PacketSection[]): void {
  flow.text(`Claim packet: ${input.claim.claimId}`, { size: 18, bold: true, after: 8 });
  flow.keyValues(parts.facts);
  flow.heading('Expenses and the evidence that backs them', 12);
  flow.table(
    [
      { header: 'Expense', width: 9 },
      { header: 'Type', width: 11 },
      { header: 'Vendor', width: 15 },
      { header: 'Date', width: 11 },
      { header: 'Amount', width: 12, align: 'right' },
      { header: 'Backed by', width: 17 },
      { header: 'Why it was matched', width: 25 },
    ],
    parts.expenses,
  );
  flow.heading('Open flags', 12);
  if (parts.flags.length === 0) flow.text('None.');
  else
    flow.table(
      [
        { header: 'Severity', width: 9 },
        { header: 'Code', width: 25 },
        { header: 'Expense', width: 9 },
        { header: 'File', width: 18 },
        { header: 'Message', width: 39 },
      ],
      parts.flags,
    );
  if (parts.missing.length > 0) {
    flow.heading('What is missing', 12);
    for (const m of parts.missing) flow.text(`• ${m}`, { indent: 6, hang: 8, after: 2 });
    flow.space(6);
  }
  flow.heading('Evidence in this packet', 12);
  if (sections.length === 0) flow.text('No evidence has been uploaded for this claim.');
  else
    flow.table(
      [
        { header: '#', width: 4, align: 'right' },
        { header: 'File', width: 44 },
        { header: 'Pages', width: 10 },
        { header: 'Note', width: 42 },
      ],
      sections.map((s, i) => ({
        cells: [String(i + 1), s.file, pageRange(s), s.included ? '' : `not included: ${s.problem ?? ''}`],
        ...(s.included ? {} : { color: rgb(0.7, 0.05, 0.05) }),
      })),
    );
}

function allCoverText(input: PacketInput, parts: CoverParts): string[] {
  return [
    input.claim.claimId,
    ...parts.facts.flat(),
    ...parts.expenses.flatMap((r) => r.cells),
    ...parts.flags.flatMap((r) => r.cells),
    ...parts.missing,
    ...input.evidence.map((e) => e.file),
  ];
}

// ---------------------------------------------------------------------------------------------
// Assembly

const IMAGE_MARGIN = 36;
const LABEL_BAND = 22;

/**
 * pdf-lib's own PNG and JPEG readers accept less than sharp does (some bit depths, progressive
 * or odd JPEGs): what they refuse is handed to them again as a plain 8-bit PNG.
 */
async function embedImage(out: PDFDocument, img: RasterPage): Promise<PDFImage> {
  try {
    return img.format === 'jpeg' ? await out.embedJpg(img.bytes) : await out.embedPng(img.bytes);
  } catch {
    const png = await sharp(img.bytes, { limitInputPixels: MAX_INPUT_PIXELS }).toColourspace('srgb').png().toBuffer();
    return out.embedPng(png);
  }
}

async function appendImages(out: PDFDocument, images: RasterPage[]): Promise<void> {
  // Every image embedded before any page is added, so a failure leaves no half section behind.
  const embedded: PDFImage[] = [];
  for (const img of images) embedded.push(await embedImage(out, img));
  images.forEach((img, i) => {
    const [pw, ph] = img.width > img.height ? A4_LANDSCAPE : A4;
    const page = out.addPage([pw, ph]);
    const boxW = pw - 2 * IMAGE_MARGIN;
    const boxH = ph - 2 * IMAGE_MARGIN - LABEL_BAND;
    const scale = Math.min(boxW / img.width, boxH / img.height);
    const w = img.width * scale;
    const h = img.height * scale;
    page.drawImage(embedded[i]!, { x: (pw - w) / 2, y: IMAGE_MARGIN + (boxH - h) / 2, width: w, height: h });
  });
}

function appendPlaceholder(out: PDFDocument, fonts: TextFonts, file: string, problem: string): void {
  const flow = new PdfFlow(out, fonts);
  flow.space(120);
  flow.text('This evidence could not be included', { size: 16, bold: true, after: 10 });
  flow.keyValues([
    ['File', file],
    ['Why', problem],
  ]);
  flow.text('The original is kept as uploaded; open it from the claim to see it.', { size: 10 });
}

/** Appends the pages of one piece of evidence to `out`; returns how many, or why it could not. */
async function appendEvidence(out: PDFDocument, fonts: TextFonts, e: PacketEvidence, maxSide: number): Promise<{ pages: number; problem?: string }> {
  const l = await loadEvidence(e, maxSide);
  if (l.kind === 'pdf') {
    try {
      const copied = await out.copyPages(l.doc, l.doc.getPageIndices());
      for (const p of copied) out.addPage(p);
      return { pages: copied.length };
    } catch (err) {
      // Pages that parse but cannot be copied (broken object references).
      const problem = `the PDF's pages cannot be copied (${reason(err)})`;
      appendPlaceholder(out, fonts, e.file, problem);
      return { pages: 1, problem };
    }
  }
  if (l.kind === 'images') {
    try {
      await appendImages(out, l.images);
      return { pages: l.pages };
    } catch (err) {
      const problem = `the image cannot be placed in a PDF (${reason(err)})`;
      appendPlaceholder(out, fonts, e.file, problem);
      return { pages: 1, problem };
    }
  }
  appendPlaceholder(out, fonts, e.file, l.problem);
  return { pages: 1, problem: l.problem };
}

/** The packet and where each file landed in it. */
export async function assembleClaimPacket(input: PacketInput): Promise<ClaimPacket> {
  const maxSide = input.maxImageSide ?? 2480;
  const out = await PDFDocument.create();
  out.setTitle(`Claim packet ${input.claim.claimId}`);
  out.setProducer('claimproof');
  out.setCreator('claimproof');
  out.setCreationDate(new Date(input.generatedAt));
  out.setModificationDate(new Date(input.generatedAt));
  const fonts = await embedFonts(out, input.fonts);
  const parts = coverParts(input);
  await fonts.prepare(allCoverText(input, parts));

  // Evidence first, one file at a time (a claim's evidence can be large), so that each file's
  // real page count is known; the cover is then drawn after it and moved to the front.
  const placed: Array<{ pages: number; problem?: string }> = [];
  for (const e of input.evidence) placed.push(await appendEvidence(out, fonts, e, maxSide));
  const evidencePages = out.getPageCount();

  const sectionsFrom = (coverPages: number): PacketSection[] => {
    let next = coverPages + 1;
    return input.evidence.map((e, i) => {
      const p = placed[i]!;
      const s: PacketSection = { file: e.file, firstPage: next, pages: p.pages, included: p.problem === undefined };
      if (e.documentId !== undefined) s.documentId = e.documentId;
      if (p.problem !== undefined) s.problem = p.problem;
      next += p.pages;
      return s;
    });
  };

  // The cover's index gives the page each file starts on, which depends on how long the cover
  // is: lay it out once to count its pages, then for real (same text widths, same length).
  const trial = await PdfFlow.create({ ...(input.fonts ? { fonts: input.fonts } : {}) });
  await trial.fonts.prepare(allCoverText(input, parts));
  drawCover(trial, input, parts, sectionsFrom(1));
  const coverPages = trial.doc.getPageCount();
  const sections = sectionsFrom(coverPages);
  drawCover(new PdfFlow(out, fonts), input, parts, sections);
  const drawn = out.getPageCount() - evidencePages;
  if (drawn !== coverPages) throw new Error(`claim packet cover laid out to ${drawn} pages, expected ${coverPages}`);
  for (let i = 0; i < coverPages; i++) {
    const page = out.getPage(evidencePages + i);
    out.removePage(evidencePages + i);
    out.insertPage(i, page);
  }

  const pages = out.getPages();
  sections.forEach((s, n) => {
    for (let k = 0; k < s.pages; k++) {
      const label = `Evidence ${n + 1} of ${sections.length}: ${s.file}${s.pages > 1 ? ` (page ${k + 1} of ${s.pages})` : ''}`;
      stampEdge(pages[s.firstPage - 1 + k]!, fonts.regular, label, 'top');
    }
  });
  stampPageNumbers(out, fonts.regular, `Claim packet ${input.claim.claimId} · `);
  const bytes = await out.save();
  return { bytes, coverPages, pageCount: out.getPageCount(), sections };
}

export async function buildClaimPacket(input: PacketInput): Promise<Uint8Array> {
  return (await assembleClaimPacket(input)).bytes;
}

// ---------------------------------------------------------------------------------------------
// From the checks' report (the CLI and tests; the service maps its rows the same way)

export function packetClaimFromReport(claim: Claim, report: ClaimReport, meta: { status: ClaimStatus; flags?: readonly Flag[] }): PacketClaim {
  const matchByExpense = new Map(report.matches.map((m) => [m.expenseId, m]));
  return {
    claimId: claim.claimId,
    partner: claim.partner,
    program: claim.program,
    activity: claim.activity,
    usageStart: claim.usageStart,
    usageEnd: claim.usageEnd,
    deadline: report.deadline,
    status: meta.status,
    completeness: report.status,
    expenses: claim.expenses.map((e) => {
      const m = matchByExpense.get(e.expenseId);
      return { ...e, documentId: m?.documentId ?? null, file: m?.file ?? null, matchScore: m?.score ?? null, matchReasons: m?.reasons ?? [] };
    }),
    flags: meta.flags ?? report.flags,
    documents: documentsOfReport(report),
  };
}

// ---------------------------------------------------------------------------------------------
// For the HTTP layer

const CHUNK = 64 * 1024;

/** Bytes as a web stream in 64 KB chunks (Hono's `c.body(stream)`). */
export function bytesToWebStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(at, at + CHUNK));
      at += CHUNK;
    },
  });
}

/** Bytes as a Node stream in 64 KB chunks. */
export function bytesToNodeReadable(bytes: Uint8Array): Readable {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
  return Readable.from(chunks, { objectMode: false });
}

/**
 * The packet as a web stream; building starts when the stream is first read and a failure
 * errors the stream. pdf-lib writes a document whole, so this streams the response, not the build.
 */
export function claimPacketStream(input: PacketInput): ReadableStream<Uint8Array> {
  let inner: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      inner ??= bytesToWebStream(await buildClaimPacket(input)).getReader();
      const { done, value } = await inner.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
}
