import { describe, expect, it } from 'vitest';
import type { Word } from './types.ts';
import { alnumCount, assembleLines } from './lines.ts';

const word = (text: string, x: number, y: number, w = 0.05, h = 0.015, confidence = 1): Word => ({ text, box: { x, y, w, h }, confidence });

describe('assembleLines', () => {
  it('joins runs on the same row, left to right, and orders rows top to bottom', () => {
    const lines = assembleLines([
      [word('1,234.56', 0.8, 0.5)],
      [word('Total', 0.1, 0.502), word('due', 0.16, 0.501)],
      [word('Invoice', 0.1, 0.1)],
    ]);
    expect(lines.map((l) => l.text)).toEqual(['Invoice', 'Total due 1,234.56']);
    expect(lines[1]!.box.x).toBeCloseTo(0.1);
    expect(lines[1]!.box.x + lines[1]!.box.w).toBeCloseTo(0.85);
  });

  it('keeps rows apart when they only touch, and stacked text apart', () => {
    const lines = assembleLines([[word('upper', 0.1, 0.1)], [word('lower', 0.1, 0.112)]]);
    // 0.003 of overlap on 0.015-high boxes is not a shared baseline.
    expect(lines.map((l) => l.text)).toEqual(['upper', 'lower']);
    const stacked = assembleLines([[word('A', 0.1, 0.1, 0.05, 0.03)], [word('B', 0.11, 0.105, 0.05, 0.03)]]);
    expect(stacked).toHaveLength(2);
  });

  it('weights line confidence by characters', () => {
    const [line] = assembleLines([[word('TOTAL', 0.1, 0.1, 0.05, 0.015, 0.9), word('$', 0.2, 0.1, 0.01, 0.015, 0.3)]]);
    expect(line!.confidence).toBeCloseTo((5 * 0.9 + 1 * 0.3) / 6, 3);
  });
});

describe('alnumCount', () => {
  it('counts letters and digits in any script', () => {
    expect(alnumCount('Total: € 12,50 — Größe 文字')).toBe(16);
  });
});
