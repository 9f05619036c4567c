import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFileName, displayName, safeJson, safeText } from './safe-text.ts';

// Anything a terminal acts on: C0 (tab included), DEL, C1, bidi and line separators.
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('safeText', () => {
  it('turns escapes, new lines and bidi overrides into visible text', () => {
    expect(safeText('a\x1b]0;PWNED\x07\x1b[31mred\nline\r.pdf')).toBe('a\\e]0;PWNED\\x07\\e[31mred\\nline\\r.pdf');
    expect(safeText('invoice\u202efdp.exe')).toBe('invoice\\u202efdp.exe');
    expect(safeText('csi\u009b2J')).toBe('csi\\x9b2J');
    expect(safeText('Café GmbH – 12 €')).toBe('Café GmbH – 12 €');
  });

  it('shortens long names in the middle, keeping the extension', () => {
    const long = 'x'.repeat(995) + '.pdf';
    const shown = displayName(long);
    expect([...shown].length).toBe(120);
    expect(shown).toMatch(/^x+…x+\.pdf$/);
    expect(displayName('short.pdf')).toBe('short.pdf');
  });

  it('can be limited to printable ASCII for headers', () => {
    expect(safeText('Café\n', { ascii: true })).toBe('Caf\\u{e9}\\n');
  });

  it('never lets an active character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }), (s, max) => {
        const out = safeText(s, { maxLength: max });
        expect(ACTIVE.test(out)).toBe(false);
        if (max !== undefined) expect([...out].length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('safeJson', () => {
  it('is the same JSON value with nothing active in it', () => {
    const value = { file: 'a\u009b31m\u2028b\x1b[2J', n: [1, 2] };
    const text = safeJson(value, 2);
    expect(JSON.parse(text)).toEqual(value);
    expect(ACTIVE.test(text.replace(/\n/g, '').replace(/^ +/gm, ''))).toBe(false);
  });
});

describe('decodeFileName', () => {
  it('keeps UTF-8 and shows every other byte as \\xNN', () => {
    expect(decodeFileName(Buffer.from('café.pdf'))).toBe('café.pdf');
    expect(decodeFileName(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x64, 0x66]))).toBe('caf\\xe9.pdf');
    expect(decodeFileName(Buffer.from([0xc3, 0xa9, 0xff, 0xc3]))).toBe('é\\xff\\xc3');
  });
});
