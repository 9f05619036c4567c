import { afterAll, describe, expect, it } from 'vitest';
import { guessLanguage, withLanguageChoice, TESSERACT_LANGUAGES } from './ocr-lang.ts';
import { createOcrPool, OcrError, tesseractDataDir } from './ocr.ts';
import { ocrImage, prepareForOcr } from './image.ts';
import type { OcrEngine, OcrPage, RecognizeOptions } from './ocr.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { renderTextImage } from '../test/fixtures/make.ts';

describe('guessLanguage', () => {
  it('names the language of a page plainly written in it', () => {
    expect(guessLanguage('FACTURE Date de facture Total HT TVA 20% Total TTC Merci pour votre confiance. Paiement à 30 jours.')?.language).toBe('fra');
    expect(guessLanguage('RECHNUNG Zwischensumme MwSt. 19% Gesamtbetrag Vielen Dank für Ihren Auftrag. Zahlbar innerhalb von 14 Tagen.')?.language).toBe('deu');
    expect(guessLanguage('FACTURA Fecha de factura Base imponible IVA 21% Total a pagar Gracias por su confianza. Pago a 30 días.')?.language).toBe('spa');
  });

  it('still names it when an English model lost the accents', () => {
    expect(guessLanguage('FACTURE Dsignation Qt Prix unitaire Montant Total HT TVA Total TTC Merci pour votre confiance')?.language).toBe('fra');
  });

  it('says nothing for an English page, a page of names and figures, or a mixed one (decoys)', () => {
    expect(guessLanguage('INVOICE Invoice Date Bill To Description Qty Unit Price Amount Subtotal Total Due Thank you for your business.')?.language ?? 'eng').toBe('eng');
    expect(guessLanguage('Northwind GmbH 10115 Berlin IBAN DE89 3704 0044 0532 0130 00 1.234,56 EUR')).toBeNull();
    // A French address on an English invoice is not a French page.
    expect(guessLanguage('INVOICE Bill To: Société Générale, rue de la Paix, Paris. Description Qty Amount Total Due Thank you for your business')?.language ?? 'eng').toBe('eng');
  });
});

describe('pools with several languages', () => {
  const pool = createOcrPool({ size: 1, languages: TESSERACT_LANGUAGES });
  afterAll(() => pool.close());

  it('finds every model in node_modules through one folder', () => {
    const dir = tesseractDataDir(TESSERACT_LANGUAGES);
    for (const l of TESSERACT_LANGUAGES) expect(existsSync(path.join(dir, `${l}.traineddata.gz`))).toBe(true);
  });

  it('refuses a language it did not load rather than fetching it', async () => {
    await expect(pool.recognize(Buffer.from('x'), { languages: ['ita'] })).rejects.toBeInstanceOf(OcrError);
  });

  it('reads a French page again in French, and keeps an English page as read', async () => {
    const fr = await renderTextImage(
      ['FACTURE n° FA-2026-0042', 'Désignation : Location de stand, façade éclairée', 'Prestations réalisées à Besançon pour votre société', 'Total TTC : 1 404,00 €', 'Merci pour votre confiance. Paiement à 30 jours.'].map((text) => ({ text, size: 14 })),
      { page: { width: 500, height: 160 }, dpi: 200 },
    );
    const en = await renderTextImage(['INVOICE INV-0042', 'Booth rental and printed banners', 'Total Due: $1,404.00', 'Thank you for your business.'].map((text) => ({ text, size: 14 })), {
      page: { width: 500, height: 130 },
      dpi: 200,
    });
    const chosen = withLanguageChoice(pool);
    const before = pool.stats().pagesDone;
    const frPage = await chosen.recognize((await prepareForOcr(fr)).png, { dpi: 200 });
    expect(frPage.text).toContain('Désignation');
    expect(frPage.text).toContain('réalisées');
    expect(pool.stats().pagesDone - before).toBe(2);
    expect(frPage.languages).toEqual(['fra', 'eng']);
    const enPage = await chosen.recognize((await prepareForOcr(en)).png, { dpi: 200 });
    expect(enPage.text).toContain('Booth rental');
    expect(pool.stats().pagesDone - before).toBe(3);
    expect(enPage.languages).toEqual(['eng']);
  });
});

describe('a page read in several passes', () => {
  // Faint French text: few letters, so ocrImage reads it again (contrast, then whitened margins).
  const french = 'Facture Montant TVA TTC Merci pour votre confiance Paiement';
  function engineThatRecords(calls: (readonly string[] | undefined)[]): OcrEngine {
    return {
      async recognize(_image: Buffer, opts: RecognizeOptions = {}): Promise<OcrPage> {
        calls.push(opts.languages);
        const words = french.split(' ').map((text, i) => ({ text, confidence: 0.9, box: { x: i * 0.1, y: 0.1, w: 0.08, h: 0.02 } }));
        return { width: 800, height: 600, lines: [{ text: french, confidence: 0.9, box: { x: 0, y: 0.1, w: 1, h: 0.02 }, words }], text: french, confidence: 0.9 };
      },
      close: async () => {},
    };
  }

  it('chooses the language once: later passes read with the models the first pass chose', async () => {
    const calls: (readonly string[] | undefined)[] = [];
    const image = await renderTextImage([{ text: french, size: 14 }], { page: { width: 500, height: 80 }, dpi: 200 });
    const page = await ocrImage(withLanguageChoice({ ...engineThatRecords(calls), languages: TESSERACT_LANGUAGES }), image);
    expect(page.text).toContain('Facture');
    // First pass: English, then French; every further pass French only, never English first again.
    expect(calls.slice(0, 2)).toEqual([['eng'], ['fra', 'eng']]);
    expect(calls.length).toBeGreaterThan(2);
    for (const c of calls.slice(2)) expect(c).toEqual(['fra', 'eng']);
  });
});
