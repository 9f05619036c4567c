import { describe, expect, it } from 'vitest';
import { cleanVendorName } from './vendor.ts';

describe('cleanVendorName', () => {
  it('repairs OCR misreads of the legal form "SDN BHD"', () => {
    expect(cleanVendorName('SWC ENTERPRISE SDN RHD')).toBe('SWC ENTERPRISE SDN BHD');
    expect(cleanVendorName('KEDAI MAJU SIN BHD')).toBe('KEDAI MAJU SDN BHD');
  });
  it('leaves words that only look like it alone (decoy)', () => {
    expect(cleanVendorName('RHD SOLUTIONS')).toBe('RHD SOLUTIONS');
    expect(cleanVendorName('SUN RHYTHM CAFE')).toBe('SUN RHYTHM CAFE');
  });
});
