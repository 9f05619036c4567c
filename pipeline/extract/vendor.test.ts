import { describe, expect, it } from 'vitest';
import { cleanVendorName } from './vendor.ts';
import { extract } from './index.ts';
import { layoutPage } from './testing.ts';

describe('cleanVendorName', () => {
  it('repairs OCR misreads of the legal form "SDN BHD"', () => {
    expect(cleanVendorName('SWC ENTERPRISE SDN RHD')).toBe('SWC ENTERPRISE SDN BHD');
    expect(cleanVendorName('KEDAI MAJU SIN BHD')).toBe('KEDAI MAJU SDN BHD');
  });
  it('leaves words that only look like it alone (decoy)', () => {
    expect(cleanVendorName('RHD SOLUTIONS')).toBe('RHD SOLUTIONS');
    expect(cleanVendorName('SUN RHYTHM CAFE')).toBe('SUN RHYTHM CAFE');
    // Reaches the legal-form pattern: an R for the B is taken only after a clean "SDN".
    expect(cleanVendorName('GIN RID BAR')).toBe('GIN RID BAR');
  });
  it('takes off a title OCR glued in capitals to the end of the name beside it', () => {
    expect(cleanVendorName('Redwood Tagungszentrum GmbH & Co. KGRECHNUNG')).toBe('Redwood Tagungszentrum GmbH & Co. KG');
    expect(cleanVendorName('ACME LTD.INVOICE')).toBe('ACME LTD.');
    // Decoys: a word that merely ends in the same letters, or a title in a name, stays.
    expect(cleanVendorName('Prefacture Services')).toBe('Prefacture Services');
    expect(cleanVendorName('Invoice Ninja Ltd')).toBe('Invoice Ninja Ltd');
  });
});

describe('vendor rules', () => {
  const vendorOf = (lines: string[], unsure: Record<string, number> = {}, method: 'ocr' | 'text' = 'ocr') => {
    const doc = layoutPage(lines, { method });
    for (const page of doc.pages) for (const line of page.lines) for (const w of line.words) if (w.text in unsure) w.confidence = unsure[w.text]!;
    return extract(doc).fields.vendor?.value ?? null;
  };
  const orion = ['Sion Media Ltd', 'INVOICE', 'Invoice No: F-2026-3824', '756 Queen Street, Dublin', 'www.orion.ie', 'Bill To:', 'Woodgrove Systems', 'Total Due | 3,043.64'];

  it('respells a word read unsurely as the document\'s own domain spells it', () => {
    expect(vendorOf(orion, { Sion: 0.44 })).toBe('Orion Media Ltd');
  });

  it('keeps a word read surely, or one unlike the domain, as printed (decoys)', () => {
    expect(vendorOf(orion)).toBe('Sion Media Ltd');
    expect(vendorOf(orion.map((l) => l.replace('Sion', 'Acme')), { Acme: 0.44 })).toBe('Acme Media Ltd');
  });

  it('never takes a quantity-times-item line for the vendor', () => {
    // OCR noise around it ("SL") reads like a legal form.
    const lines = ['Windrose Printing', 'INVOICE', 'Invoice No: A-2026-3041', 'RL 6 x Display screens SL', 'Total | 1,135.00'];
    expect(vendorOf(lines)).toBe('Windrose Printing');
    expect(vendorOf(['RL 2× Coffee beans SL', 'Total | 35.00'])).toBeNull();
  });

  it('a name with a number in it is still a name (decoy)', () => {
    expect(vendorOf(['Studio 54 Xpress Ltd', 'INVOICE', 'Total | 1,135.00'])).toBe('Studio 54 Xpress Ltd');
    expect(vendorOf(['3 Brothers Catering LLC', 'INVOICE', 'Total | 1,135.00'])).toBe('3 Brothers Catering LLC');
  });
});
