import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPageCount } from '../../pipeline/pdf.ts';
import { makeCorruptPdf, makeMultiPageTiff, makeScannedPdf, makeTextPdf, renderTextImage } from '../../test/fixtures/make.ts';
import { assembleClaimPacket, buildClaimPacket, bytesToNodeReadable, claimPacketStream, packetClaimFromReport, type ClaimPacket, type PacketEvidence } from './packet.ts';
import { checkedSample, IMAGE_MARKER, pdfPagesText } from './testing.ts';

const AS_OF = '2026-05-10';
const GENERATED = '2026-05-10T02:00:00Z';

/** A PDF that says it is encrypted: pdf-lib cannot write real encryption, but the trailer entry is what readers go by. */
async function encryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage();
  doc.context.trailerInfo.Encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, P: -44, O: PDFString.of('owner'), U: PDFString.of('user') });
  return doc.save({ useObjectStreams: false });
}

function cl1002() {
  const s = checkedSample(AS_OF);
  return packetClaimFromReport(s.claims[1]!, s.reports[1]!, { status: 'submitted' });
}

describe('the claim packet', () => {
  let dir: string;
  let packet: ClaimPacket;
  let pages: string[];
  let evidence: PacketEvidence[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'claimproof-packet-'));
    const scanPath = path.join(dir, 'scan.pdf');
    await writeFile(scanPath, await makeScannedPdf([await renderTextImage(['Scanned CSR', 'Contoso GmbH'], { dpi: 100, format: 'jpeg' })]));
    const tiff = await makeMultiPageTiff([await renderTextImage(['TIFF page one'], { dpi: 60 }), await renderTextImage(['TIFF page two'], { dpi: 60 })]);
    evidence = [
      { file: 'CL-1002/fabrikam-invoice.pdf', fileType: 'pdf', source: await makeTextPdf([['Fabrikam Print GmbH', 'Invoice F-77', 'Total 2,450.00 EUR'], ['Terms and conditions']]) },
      // Stored sideways with an EXIF orientation, as phones do.
      { file: 'CL-1002/booth.jpg', source: await renderTextImage(['Booth photo'], { dpi: 60, format: 'jpeg', rotate: 90 }) },
      { file: 'CL-1002/agenda.png', fileType: 'png', source: async () => renderTextImage(['Agenda'], { dpi: 60 }) },
      { file: 'CL-1002/attendees.tiff', fileType: 'tiff', source: tiff },
      { file: 'CL-1002/screenshot.webp', source: await renderTextImage(['Screenshot'], { dpi: 60, format: 'webp' }) },
      { file: 'CL-1002/scan.pdf', source: { path: scanPath } },
      { file: 'CL-1002/locked.pdf', fileType: 'pdf', source: await encryptedPdf() },
      { file: 'CL-1002/booth-photo.pdf', fileType: 'pdf', source: await makeCorruptPdf('garbage') },
      { file: 'CL-1002/truncated.pdf', source: await makeCorruptPdf('truncated') },
      { file: 'CL-1002/gone.pdf', source: { path: path.join(dir, 'not-there.pdf') } },
      { file: 'CL-1002/notes.txt', source: new TextEncoder().encode('just some notes') },
    ];
    packet = await assembleClaimPacket({ claim: cl1002(), evidence, generatedAt: GENERATED, asOf: AS_OF });
    pages = await pdfPagesText(packet.bytes);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has the cover, then every evidence page, and a page for each file that could not be included', async () => {
    // 2 (text PDF) + 1 (JPEG) + 1 (PNG) + 2 (TIFF) + 1 (WebP) + 1 (scan) + 5 placeholders.
    expect(packet.pageCount).toBe(packet.coverPages + 13);
    expect(await pdfPageCount(packet.bytes)).toBe(packet.pageCount);
    expect(packet.sections.map((s) => [s.pages, s.included])).toEqual([
      [2, true],
      [1, true],
      [1, true],
      [2, true],
      [1, true],
      [1, true],
      [1, false],
      [1, false],
      [1, false],
      [1, false],
      [1, false],
    ]);
    expect(packet.sections[0]!.firstPage).toBe(packet.coverPages + 1);
    expect(packet.sections[3]!.firstPage).toBe(packet.coverPages + 5);
  });

  it('puts the claim, its expenses and their evidence, the verdict, the open flags and an evidence index on the cover', () => {
    const cover = pages.slice(0, packet.coverPages).join('\n');
    for (const s of [
      'Claim packet: CL-1002',
      'Contoso GmbH',
      'MDF 2026',
      'Trade fair booth',
      '2026-02-01 – 2026-04-30',
      '2026-06-14 (in 35 days, as of 2026-05-10)',
      'submitted',
      'Incomplete: 4 blocking flags open',
      'Fabrikam Print',
      '2,400.00 EUR',
      'AMOUNT_MISMATCH',
      'UNREADABLE_DOCUMENT',
      'What is missing',
      'Upload proof of execution',
      'Evidence in this packet',
      'CL-1002/attendees.tiff',
      'encrypted',
    ]) {
      expect(cover, s).toContain(s);
    }
    // The index gives the page each file starts on.
    const first = packet.coverPages + 1;
    expect(cover).toContain(`CL-1002/fabrikam-invoice.pdf ${first}–${first + 1}`);
    // The matcher's reasons (wrapped in their column), ending with its score.
    expect(cover).toMatch(/score \d\.\d{2}/);
    expect(cover).toContain('equals the claimed');
  });

  it('copies PDF pages as they are and labels every evidence page with its file', () => {
    const first = packet.coverPages;
    expect(pages[first]).toContain('Fabrikam Print GmbH');
    expect(pages[first]).toContain('Total 2,450.00 EUR');
    expect(pages[first]).toContain('Evidence 1 of 11: CL-1002/fabrikam-invoice.pdf (page 1 of 2)');
    expect(pages[first + 1]).toContain('Terms and conditions');
    expect(pages[first + 1]).toContain('(page 2 of 2)');
  });

  it('places images on pages of their own, every page of a multi-page TIFF', () => {
    const images = packet.sections.slice(1, 6);
    for (const s of images) {
      for (let k = 0; k < s.pages; k++) expect(pages[s.firstPage - 1 + k], s.file).toContain(IMAGE_MARKER);
    }
  });

  it('turns a sideways phone photo upright before placing it', async () => {
    const doc = await PDFDocument.load(packet.bytes);
    const page = doc.getPage(packet.sections[1]!.firstPage - 1);
    // The photo is a portrait page once its EXIF orientation is applied.
    expect(page.getWidth()).toBeLessThan(page.getHeight());
  });

  it('says which files could not be included and why, never failing', () => {
    const text = (file: string) => pages[packet.sections.find((s) => s.file === file)!.firstPage - 1]!;
    expect(text('CL-1002/locked.pdf')).toContain('This evidence could not be included');
    expect(text('CL-1002/locked.pdf')).toContain('encrypted');
    expect(text('CL-1002/booth-photo.pdf')).toMatch(/damaged|cannot be parsed/);
    expect(text('CL-1002/truncated.pdf')).toMatch(/damaged|cannot be parsed/);
    expect(text('CL-1002/gone.pdf')).toContain('could not be loaded');
    expect(text('CL-1002/notes.txt')).toContain('not a PDF, PNG, JPEG, TIFF or WebP');
    expect(packet.sections.find((s) => s.file === 'CL-1002/locked.pdf')!.problem).toMatch(/encrypted/);
  });

  it('numbers every page "page n of N"', () => {
    // Image pages read back as OCR (the marker), so their stamps are not in the text layer reading.
    const imagePages = new Set(packet.sections.slice(1, 6).flatMap((s) => Array.from({ length: s.pages }, (_, k) => s.firstPage - 1 + k)));
    expect(imagePages.size).toBe(6);
    pages.forEach((t, i) => {
      if (!imagePages.has(i)) expect(t).toContain(`page ${i + 1} of ${pages.length}`);
    });
  });
});

describe('packet details', () => {
  it('labels and numbers rotated pages so they read upright', async () => {
    const rotated = await makeTextPdf([['Landscape agenda', 'Day one keynote']], { rotate: 90 });
    const bytes = await buildClaimPacket({ claim: cl1002(), evidence: [{ file: 'sideways.pdf', source: rotated }], generatedAt: GENERATED });
    const pages = await pdfPagesText(bytes);
    const last = pages.at(-1)!;
    // The page's own text stays as it was drawn (vertical on this page); the stamps read as
    // horizontal lines of words, so they are upright as the page is displayed.
    expect(last).toMatch(/Landscape\s?agenda/);
    expect(last).toContain('Evidence 1 of 1: sideways.pdf');
    expect(last).toContain(`page ${pages.length} of ${pages.length}`);
  });

  it('places images in any common encoding: grey, palette, 16-bit, CMYK, progressive, with alpha', async () => {
    const base = await renderTextImage(['Encoded image'], { dpi: 50 });
    const variants: Array<[string, Buffer]> = [
      ['grey.png', await sharp(base).greyscale().png().toBuffer()],
      ['palette.png', await sharp(base).png({ palette: true, colours: 2 }).toBuffer()],
      ['deep.png', await sharp(base).toColourspace('rgb16').png().toBuffer()],
      ['alpha.png', await sharp(base).ensureAlpha(0.5).png().toBuffer()],
      ['cmyk.jpg', await sharp(base).toColourspace('cmyk').jpeg().toBuffer()],
      ['progressive.jpg', await sharp(base).jpeg({ progressive: true }).toBuffer()],
      ['grey.jpg', await sharp(base).greyscale().jpeg().toBuffer()],
    ];
    const p = await assembleClaimPacket({ claim: cl1002(), evidence: variants.map(([file, source]) => ({ file, source })), generatedAt: GENERATED });
    expect(p.sections.map((s) => [s.file, s.included, s.problem])).toEqual(variants.map(([file]) => [file, true, undefined]));
    expect(p.pageCount).toBe(p.coverPages + variants.length);
    const pages = await pdfPagesText(p.bytes);
    for (let i = p.coverPages; i < pages.length; i++) expect(pages[i]).toContain(IMAGE_MARKER);
  });

  it('builds a cover alone for a claim with no evidence', async () => {
    const bytes = await buildClaimPacket({ claim: cl1002(), evidence: [], generatedAt: GENERATED });
    const pages = await pdfPagesText(bytes);
    expect(pages.join('\n')).toContain('No evidence has been uploaded for this claim.');
  });

  it('a complete claim says so, and the cover runs over pages when it must', async () => {
    const s = checkedSample(AS_OF);
    const complete = packetClaimFromReport(s.claims[0]!, s.reports[0]!, { status: 'approved' });
    const many = Array.from({ length: 60 }, (_, i) => ({ file: `CL-1001/receipt-${i}.txt`, source: new TextEncoder().encode('x') }));
    const p = await assembleClaimPacket({ claim: complete, evidence: many, generatedAt: GENERATED });
    expect(p.coverPages).toBeGreaterThan(1);
    expect(p.pageCount).toBe(p.coverPages + 60);
    const pages = await pdfPagesText(p.bytes);
    expect(pages[0]).toContain('Complete: no blocking flag open');
    // The index on the cover points at the right pages although the cover is longer than one page.
    expect(pages.slice(0, p.coverPages).join('\n')).toContain(`CL-1001/receipt-59.txt ${p.coverPages + 60}`);
    expect(pages[p.coverPages + 59]).toContain('Evidence 60 of 60: CL-1001/receipt-59.txt');
  });

  it('streams the same bytes to the HTTP layer, web and Node', async () => {
    const input = { claim: cl1002(), evidence: [{ file: 'a.pdf', source: await makeTextPdf([['Invoice']]) }], generatedAt: GENERATED };
    const expected = await buildClaimPacket(input);
    const chunks: Uint8Array[] = [];
    const reader = claimPacketStream(input).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    const web = Buffer.concat(chunks);
    expect(web.subarray(0, 5).toString()).toBe('%PDF-');
    // pdf-lib writes a fresh document id each time; the length and page count are what must agree.
    expect(web.length).toBe(expected.length);
    expect(await pdfPageCount(new Uint8Array(web))).toBe(await pdfPageCount(expected));
    const node: Buffer[] = [];
    for await (const c of bytesToNodeReadable(expected)) node.push(Buffer.from(c as Uint8Array));
    expect(Buffer.concat(node).equals(Buffer.from(expected))).toBe(true);
  });
});
