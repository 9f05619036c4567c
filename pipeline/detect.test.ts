import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { describeContent, detectFileType } from './detect.ts';
import { makeCorruptPdf, makeMultiPageTiff, makeTextPdf, renderTextImage } from '../test/fixtures/make.ts';

const small = { page: { width: 200, height: 100 }, dpi: 72 } as const;

describe('detectFileType', () => {
  it('recognises every supported type by its content', async () => {
    expect(detectFileType(await makeTextPdf([['Invoice 1']]))).toBe('pdf');
    expect(detectFileType(await renderTextImage(['x'], { ...small, format: 'png' }))).toBe('png');
    expect(detectFileType(await renderTextImage(['x'], { ...small, format: 'jpeg' }))).toBe('jpeg');
    expect(detectFileType(await renderTextImage(['x'], { ...small, format: 'webp' }))).toBe('webp');
    expect(detectFileType(await renderTextImage(['x'], { ...small, format: 'tiff' }))).toBe('tiff');
    const page = await renderTextImage(['x'], small);
    expect(detectFileType(await makeMultiPageTiff([page, page]))).toBe('tiff');
    // Big-endian TIFF, as some scanners write.
    expect(detectFileType(Uint8Array.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('tiff');
  });

  it('finds a PDF header after leading junk, as readers do', async () => {
    const pdf = await makeTextPdf([['Invoice 1']]);
    const junk = new TextEncoder().encode('\r\n\r\nsome mail header junk\n');
    const withJunk = new Uint8Array(junk.length + pdf.length);
    withJunk.set(junk);
    withJunk.set(pdf, junk.length);
    expect(detectFileType(withJunk)).toBe('pdf');
  });

  it('ignores the extension: a text file, a ZIP, a HEIC, a GIF are not supported', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer();
    const heic = Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0, 0x6d, 0x69, 0x66, 0x31]);
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /empty/],
      [new TextEncoder().encode('Invoice total: 12.00\nThis is plain text saved as .pdf\n'), /plain text/],
      [zipSync({ 'invoice.pdf': new TextEncoder().encode('%PDF-1.4') }), /ZIP/],
      [heic, /HEIC/],
      [gif, /GIF/],
      [new TextEncoder().encode('<!DOCTYPE html><html><body>hi</body></html>'), /HTML/],
      [Uint8Array.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x00, 0x10]), /unrecognised/],
    ];
    for (const [bytes, description] of cases) {
      expect(detectFileType(bytes)).toBeNull();
      expect(describeContent(bytes)).toMatch(description);
    }
  });

  it('still calls a broken PDF a PDF (the reader reports it as corrupt, not unsupported)', async () => {
    expect(detectFileType(await makeCorruptPdf('garbage'))).toBe('pdf');
    expect(detectFileType(await makeCorruptPdf('truncated'))).toBe('pdf');
  });
});
