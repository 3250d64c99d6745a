import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from '../../domain/invoices/invoice-document.js';

// An invoice's PDF, laid out in-process with pdfkit (no browser). The text is set in DejaVu
// Sans, embedded (subset) in the file: Latin, Greek, Cyrillic and more read back exactly by
// a text extractor, where PDF's standard fonts know only Latin-1.

const require = createRequire(import.meta.url);
let fonts: { regular: fontkit.Font; bold: fontkit.Font } | null = null;

function parsed(file: string): fontkit.Font {
  return fontkit.create(
    readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)),
  ) as fontkit.Font;
}

/**
 * The fonts, read and parsed once per process: pdfkit takes a parsed font as it takes a
 * file, and parsing DejaVu's 750 KB for every document was most of a render's time
 * (each document still embeds its own subset).
 */
function fontFiles() {
  fonts ??= { regular: parsed('DejaVuSans.ttf'), bold: parsed('DejaVuSans-Bold.ttf') };
  return fonts;
}

let prepared: Promise<unknown> | null = null;

/**
 * Parses the fonts and lays out one small document ahead of the first real PDF (a server
 * calls it once it listens; once per process), so no buyer's first download waits for
 * the fonts or for a first, cold layout.
 */
export function preparePdfFonts(): Promise<unknown> {
  prepared ??= renderInvoicePdf(WARM_UP, new Date(0)).catch(() => undefined);
  return prepared;
}

const WARM_UP: InvoiceDocument = {
  title: 'Invoice',
  stamp: 'PAID',
  facts: [['Invoice number', 'FLT-000000']],
  seller: ['Flint'],
  buyer: ['Ελένη Παπαδοπούλου', 'Дмитрий Иванов'],
  lines: [{ description: 'Warm-up', quantity: '1', unitPrice: '€1.00', amount: '€1.00' }],
  summary: [{ label: 'Total', amount: '€1.00', strong: true }],
  memo: 'Memo',
  footer: 'Footer',
  filename: 'FLT-000000.pdf',
};

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4
const CONTENT = PAGE_WIDTH - 2 * MARGIN;
const COLUMNS = { quantity: 300, unitPrice: 360, amount: 445 } as const;
const COLUMN_WIDTH = { quantity: 50, unitPrice: 80, amount: CONTENT + MARGIN - 445 } as const;

/**
 * Renders the document as a PDF (A4). `createdAt` is the file's creation date, so one
 * document renders to the same content whenever it is rendered.
 */
export function renderInvoicePdf(document: InvoiceDocument, createdAt: Date): Promise<Buffer> {
  const { regular, bold } = fontFiles();
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${document.title} ${document.filename.replace(/\.pdf$/, '')}`,
      CreationDate: createdAt,
    },
  });
  // pdfkit's types list files only; its font factory takes a parsed font (`.layout`) as is.
  pdf.registerFont('body', regular as unknown as Buffer);
  pdf.registerFont('bold', bold as unknown as Buffer);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  layOut(pdf, document);
  pdf.end();
  return done;
}

function layOut(pdf: PDFKit.PDFDocument, doc: InvoiceDocument): void {
  pdf.font('bold').fontSize(20).text(doc.title, MARGIN, MARGIN);
  if (doc.stamp) {
    pdf.font('bold').fontSize(14).fillColor('#b42318');
    pdf.text(doc.stamp, MARGIN, MARGIN + 4, { width: CONTENT, align: 'right' });
    pdf.fillColor('black');
  }
  pdf.moveDown(1.2);
  pdf.fontSize(9);
  for (const [label, value] of doc.facts) {
    const y = pdf.y;
    pdf.font('bold').text(label, MARGIN, y, { width: 110 });
    pdf.font('body').text(value, MARGIN + 110, y, { width: CONTENT - 110 });
  }
  pdf.moveDown(1);
  const partiesTop = pdf.y;
  const half = CONTENT / 2 - 10;
  pdf.font('bold').text('From', MARGIN, partiesTop, { width: half });
  pdf.font('body').text(doc.seller.join('\n'), { width: half });
  const sellerBottom = pdf.y;
  if (doc.buyer.length > 0) {
    pdf.font('bold').text('Bill to', MARGIN + half + 20, partiesTop, { width: half });
    pdf.font('body').text(doc.buyer.join('\n'), { width: half });
  }
  pdf.y = Math.max(sellerBottom, pdf.y);
  pdf.moveDown(1.5);
  linesTable(pdf, doc);
  pdf.moveDown(1);
  for (const row of doc.summary) {
    ensureRoom(pdf, 14);
    const y = pdf.y;
    pdf.font(row.strong ? 'bold' : 'body');
    pdf.text(row.label, MARGIN + 220, y, { width: COLUMNS.amount - MARGIN - 230 });
    pdf.text(row.amount, COLUMNS.amount, y, { width: COLUMN_WIDTH.amount, align: 'right' });
  }
  for (const text of [doc.memo, doc.footer]) {
    if (!text) continue;
    pdf.moveDown(1.5);
    pdf.font('body').fontSize(9).text(text, MARGIN, pdf.y, { width: CONTENT });
  }
}

function linesTable(pdf: PDFKit.PDFDocument, doc: InvoiceDocument): void {
  const header = () => {
    const y = pdf.y;
    pdf.font('bold').fontSize(9);
    pdf.text('Description', MARGIN, y, { width: COLUMNS.quantity - MARGIN - 10 });
    pdf.text('Qty', COLUMNS.quantity, y, { width: COLUMN_WIDTH.quantity, align: 'right' });
    pdf.text('Unit price', COLUMNS.unitPrice, y, {
      width: COLUMN_WIDTH.unitPrice,
      align: 'right',
    });
    pdf.text('Amount', COLUMNS.amount, y, { width: COLUMN_WIDTH.amount, align: 'right' });
    const rule = pdf.y + 2;
    pdf
      .moveTo(MARGIN, rule)
      .lineTo(MARGIN + CONTENT, rule)
      .lineWidth(0.5)
      .stroke();
    pdf.y = rule + 4;
  };
  header();
  pdf.font('body');
  for (const line of doc.lines) {
    if (ensureRoom(pdf, 28)) header();
    pdf.font('body');
    const y = pdf.y;
    pdf.text(line.description, MARGIN, y, { width: COLUMNS.quantity - MARGIN - 10 });
    const bottom = pdf.y;
    pdf.text(line.quantity, COLUMNS.quantity, y, { width: COLUMN_WIDTH.quantity, align: 'right' });
    pdf.text(line.unitPrice, COLUMNS.unitPrice, y, {
      width: COLUMN_WIDTH.unitPrice,
      align: 'right',
    });
    pdf.text(line.amount, COLUMNS.amount, y, { width: COLUMN_WIDTH.amount, align: 'right' });
    pdf.y = Math.max(bottom, pdf.y) + 3;
  }
}

/** Starts a new page when fewer than `height` points are left; answers whether it did. */
function ensureRoom(pdf: PDFKit.PDFDocument, height: number): boolean {
  if (pdf.y + height <= pdf.page.height - pdf.page.margins.bottom) return false;
  pdf.addPage();
  return true;
}
