/**
 * An invoice as a document says it (the PDF, and any other rendering): every text already
 * written out — amounts in the currency's exponent, dates in UTC — so a renderer only lays
 * it out. Pure data; its JSON is the version a rendering is stored under.
 */
export interface InvoiceDocument {
  readonly title: string;
  /** `PAID`, `VOID`, `UNCOLLECTIBLE`, or null for an open invoice. */
  readonly stamp: string | null;
  /** Label and value pairs: number, dates. */
  readonly facts: readonly (readonly [string, string])[];
  readonly seller: readonly string[];
  readonly buyer: readonly string[];
  readonly lines: readonly DocumentLine[];
  /** Label and amount pairs under the lines: subtotal, discounts, tax per rate, totals. */
  readonly summary: readonly SummaryRow[];
  readonly memo: string | null;
  readonly footer: string | null;
  /** The file's name: the invoice's number. */
  readonly filename: string;
}

export interface DocumentLine {
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly amount: string;
}

export interface SummaryRow {
  readonly label: string;
  readonly amount: string;
  /** Set in bold: the total and the amount remaining. */
  readonly strong?: boolean;
}
