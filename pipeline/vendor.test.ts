import { describe, expect, it } from 'vitest';
import { containsFuzzy, normalizeVendor, VENDOR_MATCH_THRESHOLD, vendorSimilarity, vendorsMatch } from './vendor.ts';

describe('normalizeVendor', () => {
  it('drops legal forms, case, diacritics and punctuation', () => {
    expect(normalizeVendor('Acme Inc.')).toBe('acme');
    expect(normalizeVendor('ACME, Inc')).toBe('acme');
    expect(normalizeVendor('Coolblue B.V.')).toBe('coolblue');
    expect(normalizeVendor('Coolblue B. V.')).toBe('coolblue');
    expect(normalizeVendor('WS Retail Services Pvt. Ltd.')).toBe('ws retail services');
    expect(normalizeVendor('Müller & Söhne GmbH & Co. KG')).toBe('muller and sohne');
    expect(normalizeVendor('99 SPEED MART S/B')).toBe('99 speed mart');
    expect(normalizeVendor('OJC MARKETING SDN BHD')).toBe('ojc marketing');
    expect(normalizeVendor("McDonald's")).toBe('mcdonalds');
    expect(normalizeVendor('PT Astra International Tbk')).toBe('astra international');
  });

  it('never strips a name down to nothing', () => {
    expect(normalizeVendor('Corp')).toBe('corp');
    expect(normalizeVendor('AG')).toBe('ag');
    expect(normalizeVendor('  ...  ')).toBe('');
  });
});

describe('vendorSimilarity', () => {
  const same: Array<[string, string]> = [
    ['Acme Inc.', 'ACME, Inc'],
    ['Coolblue B.V.', 'coolblue'],
    ['WS Retail Services Pvt. Ltd.', 'WS Retail Services'],
    ['Amazon Web Services, Inc.', 'Amazon Web Services'],
    ['Müller & Söhne', 'Muller and Sohne GmbH'],
    ['Services Acme', 'Acme Services'], // reordered
    ['Coolblue', 'C00lblue'], // OCR 0/o
    ['Cool Blue', 'Coolblue'],
    ['e-Luscious Nederland B.V.', 'eLuscious Nederland'],
    ['Sammy Maystone', 'Sammy Maystone - For Lines testing'], // contained through distinctive words
    ['Amazon Web Services', 'AWS'], // acronym
    ['Globex Corporation', 'GL0BEX C0RP0RATION'],
  ];
  it.each(same)('%s ~ %s', (a, b) => {
    expect(vendorSimilarity(a, b)).toBeGreaterThanOrEqual(VENDOR_MATCH_THRESHOLD);
    expect(vendorSimilarity(b, a)).toBe(vendorSimilarity(a, b));
    expect(vendorsMatch(a, b)).toBe(true);
  });

  const different: Array<[string, string]> = [
    ['Alpha Consulting', 'Beta Consulting'], // only a generic word in common
    ['Hotel', 'Hilton Hotel'], // contained only through a generic word
    ['Flipkart', 'WS Retail Services Pvt. Ltd.'],
    ['Acme', 'Acne'],
    ['ABC', 'ABD'],
    ['Meta', 'Metro'],
    ['Initech LLC', 'Initrode LLC'],
  ];
  it.each(different)('%s is not %s', (a, b) => {
    expect(vendorSimilarity(a, b)).toBeLessThan(VENDOR_MATCH_THRESHOLD);
    expect(vendorsMatch(a, b)).toBe(false);
  });

  it('is 1 for equal names and 0 against an empty one', () => {
    expect(vendorSimilarity('Acme', 'acme')).toBe(1);
    expect(vendorSimilarity('Acme', '')).toBe(0);
    expect(vendorSimilarity('', '')).toBe(0);
  });

  it('takes a custom threshold', () => {
    expect(vendorsMatch('Acme', 'Acne', 0.7)).toBe(true);
  });
});

describe('containsFuzzy', () => {
  it('finds a brand text regardless of case, accents, punctuation and a little OCR noise', () => {
    const text = 'Thank you for attending!\fPowered by  CONTOSO® Partner-Network 2026';
    expect(containsFuzzy(text, 'Contoso Partner Network')).toBe(true);
    expect(containsFuzzy('P0wered by Contos0 Partner Netw0rk', 'Contoso Partner Network')).toBe(true);
    expect(containsFuzzy('Café Réunion', 'cafe reunion')).toBe(true);
    expect(containsFuzzy(text, 'Fabrikam Partner Network')).toBe(false);
    expect(containsFuzzy('Contoso', 'Contoso Partner Network')).toBe(false);
  });
});
