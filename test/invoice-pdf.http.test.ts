import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { invoiceCalls, UNKNOWN_INVOICE } from './invoice-fixtures.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The PDF of an invoice, fetched as bytes with the key. */
async function fetchPdf(key: string, id: string) {
  const res = await fetch(`${server.url}/v1/invoices/${id}/pdf`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Every text item a PDF text extractor (pdf.js) reads from the file, page by page. */
async function textOf(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: bytes.slice(), useSystemFonts: false }).promise;
  const items: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item && item.str.trim()) items.push(item.str);
  }
  await pdf.destroy();
  return items;
}

async function storedVersions(invoiceId: string) {
  return server.deps.db
    .selectFrom('invoice_pdfs')
    .select('version')
    .where('invoice_id', '=', invoiceId)
    .execute();
}

const NAMES = ['Zoë’s café crème', 'Дмитрий — чай', 'Ελληνικό μέλι', 'Łódź żółć', 'Ærø øl'];

describe('invoice PDF', () => {
  it('says what the invoice says, in a Unicode font a text extractor reads back exactly', async () => {
    const { testKey } = await createTestAccount(server, 'Ünïcode Händler');
    const call = (path: string, body: unknown) =>
      request(server, 'POST', path, { key: testKey, body });
    expect(
      (
        await call('/v1/tax_rates', {
          tax_rate: { display_name: 'VAT', percentage: '8.5', inclusive: false, default: true },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('/v1/coupons', { coupon: { code: 'TENOFF', percent_off: '10' } })).status,
    ).toBe(200);
    const inv = invoiceCalls(server, testKey);
    const lines = Array.from({ length: 20 }, (_, i) => ({
      name: `${NAMES[i % NAMES.length]} ${i + 1}`,
      quantity: (i % 3) + 1,
      unit_price_money: { amount: 1000 + i * 111, currency: 'USD' },
    }));
    const draft = await inv.created({
      line_items: lines,
      coupon_codes: ['TENOFF'],
      days_until_due: 30,
      memo: 'Спасибо за покупку',
      footer: 'IBAN DE00 1234',
      customer_details: {
        name: 'Łukasz Żółkiewski',
        address: { line1: 'ul. Długa 1', city: 'Gdańsk', postal_code: '80-831', country: 'PL' },
        tax_ids: [{ type: 'eu_vat', value: 'PL1234567890' }],
      },
    });
    const refused = await fetchPdf(testKey, draft.invoice_id);
    expect(refused.res.status).toBe(409);
    expect(JSON.parse(new TextDecoder().decode(refused.bytes)).error.code).toBe(
      'invoice_state_invalid',
    );

    const open = await inv.acted(draft.invoice_id, 'finalize');
    const order = await inv.order(open.order_id);
    const first = await fetchPdf(testKey, open.invoice_id);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('content-type')).toBe('application/pdf');
    expect(first.res.headers.get('content-disposition')).toBe(
      `inline; filename="${open.number}.pdf"`,
    );
    expect(new TextDecoder().decode(first.bytes.slice(0, 5))).toBe('%PDF-');
    const text = await textOf(first.bytes);
    const joined = text.join('\n');
    expect(text).toContain(open.number);
    expect(text).toContain('Ünïcode Händler');
    expect(text).toContain('Łukasz Żółkiewski');
    expect(text).toContain('EU_VAT PL1234567890');
    expect(text).toContain('Спасибо за покупку');
    for (const line of lines) expect(text).toContain(line.name);
    // Amounts as the order computed them, in dollars and cents.
    const dollars = (amount: number) =>
      `$${Math.floor(amount / 100).toLocaleString('en-US')}.${String(amount % 100).padStart(2, '0')}`;
    expect(text).toContain(dollars(order.net_amounts.subtotal_money.amount));
    expect(text).toContain(`−${dollars(order.net_amounts.discount_money.amount)}`);
    expect(text).toContain('VAT 8.5%');
    expect(text).toContain(dollars(order.net_amounts.tax_money.amount));
    expect(text).toContain(dollars(order.net_amounts.total_money.amount));
    expect(joined).toContain('Amount remaining');
    expect(joined).not.toContain('PAID');

    // Served from storage: the same bytes, one stored version.
    const again = await fetchPdf(testKey, open.invoice_id);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const before = await storedVersions(open.invoice_id);
    expect(before).toHaveLength(1);

    // Paying changes what it says: a new version replaces the old one.
    expect((await inv.pay(open.invoice_id)).status).toBe(200);
    const paid = await fetchPdf(testKey, open.invoice_id);
    expect(Buffer.from(paid.bytes).equals(Buffer.from(first.bytes))).toBe(false);
    const paidText = await textOf(paid.bytes);
    expect(paidText).toContain('PAID');
    expect(paidText).toContain('Date paid');
    const versions = await storedVersions(open.invoice_id);
    expect(versions).toHaveLength(1);
    expect(versions[0]?.version).toMatch(/^[0-9a-f]{64}$/);
    expect(versions[0]?.version).not.toBe(before[0]?.version);
  });

  it('writes amounts in the currency’s exponent (JPY 0, KWD 3)', async () => {
    const { testKey } = await createTestAccount(server);
    const inv = invoiceCalls(server, testKey);
    for (const [currency, amount, shown] of [
      ['JPY', 1500, '¥1,500'],
      // Intl writes a no-break space after a currency code; it reads back as a space.
      ['KWD', 1250, 'KWD 1.250'],
    ] as const) {
      const draft = await inv.created({
        currency,
        line_items: [{ name: 'Tea', quantity: 1, unit_price_money: { amount, currency } }],
      });
      const open = await inv.acted(draft.invoice_id, 'finalize');
      const { res, bytes } = await fetchPdf(testKey, open.invoice_id);
      expect(res.status).toBe(200);
      const text = await textOf(bytes);
      expect(text, JSON.stringify(text)).toContain(shown);
    }
  });

  it('is 404 for an unknown invoice or another account’s, and 401 without a key', async () => {
    const a = await createTestAccount(server);
    const b = await createTestAccount(server);
    const draft = await invoiceCalls(server, a.testKey).created({
      line_items: [
        { name: 'Tea', quantity: 1, unit_price_money: { amount: 500, currency: 'USD' } },
      ],
    });
    await invoiceCalls(server, a.testKey).acted(draft.invoice_id, 'finalize');
    expect((await fetchPdf(b.testKey, draft.invoice_id)).res.status).toBe(404);
    expect((await fetchPdf(a.testKey, UNKNOWN_INVOICE)).res.status).toBe(404);
    expect((await fetch(`${server.url}/v1/invoices/${draft.invoice_id}/pdf`)).status).toBe(401);
    expect((await fetchPdf(a.testKey, 'inv_nope')).res.status).toBe(422);
  });
});
