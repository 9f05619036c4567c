// Limits a document's reading runs under, in a module of its own so configuration can name the
// defaults without loading the readers.

/** Seconds one document may take, OCR included: a 200-page scan OCRs in about three minutes on two cores (README, bench:ocr). */
export const DEFAULT_TIME_BUDGET_S = 300;
