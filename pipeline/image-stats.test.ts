import { describe, expect, it } from 'vitest';
import { blankFile, makePoeSpec, poeImage } from '../test/fixtures/evidence.ts';
import { renderTextImage } from '../test/fixtures/make.ts';
import { imageLook, imageStats, looksBlank, statsOfRgb } from './image-stats.ts';

describe('image statistics', () => {
  it('an event photograph looks like a photo', async () => {
    for (const type of ['booth-photo', 'room-photo', 'mailer-photo'] as const) {
      expect(imageLook(await imageStats(await poeImage(makePoeSpec(3, { type })))), type).toBe('photo');
    }
  });
  it('a campaign screenshot looks like a screenshot', async () => {
    for (const type of ['social-screenshot', 'email-screenshot', 'webinar-screenshot'] as const) {
      expect(imageLook(await imageStats(await poeImage(makePoeSpec(4, { type })))), type).toBe('screenshot');
    }
  });
  it('a blank scan is blank, grain and specks notwithstanding', async () => {
    const { bytes } = await blankFile({ kind: 'blank', seed: 2, variant: 'blank' });
    const s = await imageStats(bytes);
    expect(looksBlank(s)).toBe(true);
    const noisy = await renderTextImage([], { page: { width: 200, height: 150 }, dpi: 100, noise: true });
    expect(looksBlank(await imageStats(noisy))).toBe(true);
  });
  it('decoy: a printed page is a document, not blank', async () => {
    const lines = Array.from({ length: 18 }, (_, i) => `Line ${i + 1}: Booth rental and printed banners   1,250.00`);
    const s = await imageStats(await renderTextImage(['Northwind Event Services Ltd', 'INVOICE', ...lines], { dpi: 100, noise: true }));
    expect(looksBlank(s)).toBe(false);
    expect(imageLook(s)).toBe('document');
  });
  it('decoy: a faded receipt under a shadow has little paper white and is still a document', async () => {
    const faint = await renderTextImage(['CORNER CAFE SDN BHD', 'Latte 2 x 12.50  25.00', 'TOTAL RM 33.90'], { page: { width: 227, height: 340 }, dpi: 200, faint: true, format: 'jpeg' });
    expect(imageLook(await imageStats(faint))).toBe('document');
  });
  it('grey is not colourful; flat areas are flat', () => {
    const w = 20;
    const h = 20;
    const grey = new Uint8Array(w * h * 3).fill(128);
    const s = statsOfRgb(grey, w, h, 3);
    expect(s.colourfulness).toBe(0);
    expect(s.flatShare).toBe(1);
    expect(s.uniformity).toBe(1);
  });
});
