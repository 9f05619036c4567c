import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalNumberToMinor, decimalToMinor, formatMoney, isCurrencyCode, minorToDecimal, minorToDecimalText, sumByCurrency } from './money.ts';

describe('money', () => {
  it('knows ISO 4217 codes and their exponents', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent(null)).toBe(2);
  });

  it('parses strict decimals into minor units without float drift', () => {
    expect(decimalToMinor('1234.56', 'EUR')).toBe(123456);
    expect(decimalToMinor('0.1', 'USD')).toBe(10);
    expect(decimalToMinor('4.11', 'USD')).toBe(411);
    expect(decimalToMinor('-3', 'USD')).toBe(-300);
    expect(decimalToMinor('1500', 'JPY')).toBe(1500);
    expect(decimalToMinor('12.500', 'EUR')).toBe(1250);
  });

  it('refuses what a claims file must not contain', () => {
    expect(() => decimalToMinor('1,234.56', 'EUR')).toThrow(/not a decimal/);
    expect(() => decimalToMinor('12,5', 'EUR')).toThrow(/not a decimal/);
    expect(() => decimalToMinor('1.234', 'EUR')).toThrow(/more than 2 decimals/);
    expect(() => decimalToMinor('10.5', 'JPY')).toThrow(/more than 0 decimals/);
    expect(() => decimalToMinor('', 'EUR')).toThrow();
  });

  it('formats and converts back for display', () => {
    expect(minorToDecimal(123456, 'EUR')).toBe(1234.56);
    expect(minorToDecimal(-5, 'USD')).toBe(-0.05);
    expect(formatMoney(123456789, 'EUR')).toBe('1,234,567.89 EUR');
    expect(formatMoney(-5, 'USD')).toBe('-0.05 USD');
    expect(formatMoney(1500, 'JPY')).toBe('1,500 JPY');
  });

  it('writes exact decimal text and reads report decimals back into minor units', () => {
    expect(minorToDecimalText(245000, 'EUR')).toBe('2450.00');
    expect(minorToDecimalText(-5, 'USD')).toBe('-0.05');
    expect(minorToDecimalText(1500, 'JPY')).toBe('1500');
    expect(minorToDecimalText(1234, 'KWD')).toBe('1.234');
    // 4.35 * 100 is 434.99999999999994 in binary floats.
    expect(decimalNumberToMinor(4.35, 'EUR')).toBe(435);
    expect(decimalNumberToMinor(minorToDecimal(123456789, 'EUR'), 'EUR')).toBe(123456789);
    expect(decimalNumberToMinor(1.234, 'KWD')).toBe(1234);
  });
});

describe('sumByCurrency', () => {
  it('adds amounts of one currency and never across currencies', () => {
    expect(sumByCurrency([{ amountMinor: 100, currency: 'USD' }, { amountMinor: 50, currency: 'EUR' }, { amountMinor: 25, currency: 'USD' }])).toEqual([{ currency: 'USD', minor: 125 }, { currency: 'EUR', minor: 50 }]);
    expect(sumByCurrency([])).toEqual([]);
  });
});
