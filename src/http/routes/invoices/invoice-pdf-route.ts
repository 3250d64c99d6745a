import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { type InvoicePdf, invoicePdf } from '../../../app/invoices/invoice-pdf.js';
import type { Deps } from '../../../app/shared/deps.js';
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { ErrorResponses, Id } from '../../schemas.js';

/** `GET /v1/invoices/{id}/pdf`: a finalized invoice's PDF (rendered once per version). */
export function registerInvoicePdfRoute(server: FastifyInstance, deps: Deps): void {
  server.get(
    '/v1/invoices/:invoice_id/pdf',
    {
      schema: {
        tags: ['Invoices'],
        summary: "Download a finalized invoice's PDF",
        description:
          'The invoice as a PDF (A4): number, dates, parties, lines, discounts, tax per rate, ' +
          'totals, amounts paid and remaining. Rendered once per version of what the invoice ' +
          'says (a payment or a void makes a new one), then served from storage. A draft has ' +
          'none: 409 `invoice_state_invalid`.',
        params: Type.Object({ invoice_id: Id('inv') }, { additionalProperties: false }),
        produces: ['application/pdf'],
        response: {
          200: {
            description: 'The PDF',
            content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { invoice_id: id } = request.params as { invoice_id: string };
      return sendPdf(reply, unwrap(await invoicePdf(commandContextOf(request, deps), { id })));
    },
  );
}

/** An invoice's PDF as a reply, the API's and the hosted page's alike: shown inline, never cached. */
export function sendPdf(reply: FastifyReply, { pdf, filename }: InvoicePdf) {
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${filename}"`)
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
}
