import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.amountTolerance).toBe(0.01);
    expect(c.lowConfidence).toBe(0.6);
    expect(c.brandText).toEqual({});
    expect(c.ocrWorkers).toBeGreaterThanOrEqual(1);
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('reads values and treats empty strings as unset', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', CLAIMPROOF_AMOUNT_TOLERANCE: '0.5', CLAIMPROOF_OCR_WORKERS: '', CLAIMPROOF_BRAND_TEXT: '{"MDF 2026": "Powered by Contoso"}' });
    expect(c.databaseUrl).toBe('postgres://u@h:5432/db');
    expect(c.amountTolerance).toBe(0.5);
    expect(c.brandText).toEqual({ 'MDF 2026': ['Powered by Contoso'] });
  });

  it('fails fast with one message naming the variable', () => {
    expect(() => loadConfig({ CLAIMPROOF_LOW_CONFIDENCE: 'high' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLAIMPROOF_LOW_CONFIDENCE: '2' })).toThrow(/CLAIMPROOF_LOW_CONFIDENCE/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ CLAIMPROOF_BRAND_TEXT: '[1,2' })).toThrow(/CLAIMPROOF_BRAND_TEXT: must be JSON/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
