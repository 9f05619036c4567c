import { afterAll, describe, expect, it } from 'vitest';
import { guessLanguage, withLanguageChoice, TESSERACT_LANGUAGES } from './ocr-lang.ts';
import { createOcrPool, OcrError, tesseractDataDir } from './ocr.ts';
import { prepareForOcr } from './image.ts';
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
    const enPage = await chosen.recognize((await prepareForOcr(en)).png, { dpi: 200 });
    expect(enPage.text).toContain('Booth rental');
    expect(pool.stats().pagesDone - before).toBe(3);
  });
});
