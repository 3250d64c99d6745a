import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { CustomerBalanceTransactionRow } from '../../../adapters/db/schema-test-clocks.js';
import {
  type CreateBalanceTransactionInput,
  createBalanceTransaction,
  getBalanceTransaction,
  listAllBalanceTransactions,
  listCustomerBalanceTransactions,
  updateBalanceTransaction,
} from '../../../app/customers/customer-balance.js';
import type { Deps } from '../../../app/shared/deps.js';
import { BALANCE_TRANSACTION_TYPES } from '../../../domain/customer-balance/balance-rules.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { customerBalanceTransactionResource } from '../../../resources/customer-balance-transaction.js';
import { commandContextOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { answerOnce, sendAnswer } from '../../idempotency.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
} from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

export const CustomerBalanceTransaction = Type.Object({
  customer_balance_transaction_id: Type.String(),
  object: Type.Literal('customer_balance_transaction'),
  customer_id: Type.String(),
  amount: Type.Integer({
    description: 'Added to the balance: negative credits the customer, positive debits',
  }),
  currency: Type.String(),
  type: literalUnion(BALANCE_TRANSACTION_TYPES),
  ending_balance: Type.Integer({ description: "The customer's balance after it" }),
  description: Nullable(Type.String()),
  order_id: Nullable(Type.String({ description: 'The order that took (or gave back) the credit' })),
  invoice_id: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});
export type CustomerBalanceTransaction = Static<typeof CustomerBalanceTransaction>;

const Description = Type.String({ maxLength: 1000 });
const CreateBody = MetadataBody(
  'customer_balance_transaction',
  {
    amount: Type.Integer({
      minimum: -MAX_AMOUNT,
      maximum: MAX_AMOUNT,
      description: 'Negative: credit to the customer (used by its next orders); positive: a debit',
    }),
    currency: Type.String({
      minLength: 3,
      maxLength: 3,
      pattern: '^[A-Za-z]{3}$',
      description: 'ISO 4217, either case',
    }),
    description: Type.Optional(Nullable(Description)),
  },
  "The balance's currency is set by its first transaction; another one is 422 currency_mismatch.",
);
const UpdateBody = MetadataBody('customer_balance_transaction', {
  description: Type.Optional(Nullable(Description)),
});

const tags = ['Customers'];
const key = 'customer_balance_transaction';
const CustomerParams = Type.Object({ customer_id: Id('cus') }, { additionalProperties: false });
const answer = (row: CustomerBalanceTransactionRow) => ({
  [key]: customerBalanceTransactionResource(row),
});

/** A customer's credit balance: its transactions (the only way it changes). */
export function registerBalanceTransactionRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key,
    idPrefix: 'cbtxn',
    tags,
    schema: CustomerBalanceTransaction,
    serialize: customerBalanceTransactionResource,
  });
  routes.get({
    summary: 'Retrieve a customer balance transaction',
    run: ofCaller(getBalanceTransaction),
  });
  routes.update({
    summary: "Change a balance transaction's description or metadata (never its amount)",
    body: UpdateBody,
    run: (ctx, id, body) => updateBalanceTransaction(ctx, { id, changes: body[key] }),
  });
  routes.list({
    summary: "List the account's customer balance transactions, newest first",
    filters: { customer_id: Type.Optional(Id('cus')) },
    run: (ctx, { customer_id }, page) =>
      listAllBalanceTransactions(ctx, { filter: { customer_id }, page }),
  });

  server.post(
    '/v1/customers/:customer_id/balance_transactions',
    {
      schema: {
        tags,
        summary: "Credit or debit a customer's balance",
        description:
          'A negative amount credits the customer: its next orders use the credit before any ' +
          'charge. Events `customer_balance_transaction.created` and `customer.updated`.',
        params: CustomerParams,
        body: CreateBody,
        response: { 200: Type.Object({ [key]: CustomerBalanceTransaction }), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { customer_id } = request.params as { customer_id: string };
      const body = request.body as Record<typeof key, CreateBalanceTransactionInput>;
      const respond = (row: CustomerBalanceTransactionRow) => ({ status: 200, body: answer(row) });
      const row = unwrap(
        await createBalanceTransaction(
          commandContextOf(request, deps),
          { customerId: customer_id, input: body[key] },
          { answer: answerOnce(request, reply, respond) },
        ),
      );
      return sendAnswer(request, reply, () => respond(row));
    },
  );

  server.get(
    '/v1/customers/:customer_id/balance_transactions',
    {
      schema: {
        tags,
        summary: "List a customer's balance transactions, newest first",
        params: CustomerParams,
        querystring: ListQuery('cbtxn', {}),
        response: {
          200: ListResponse('customer_balance_transactions', CustomerBalanceTransaction),
          ...ErrorResponses,
        },
      },
    },
    async (request) => {
      const { customer_id } = request.params as { customer_id: string };
      const page = unwrap(
        await listCustomerBalanceTransactions(commandContextOf(request, deps), {
          filter: { customer_id },
          page: pageRequestOf(request.query as Parameters<typeof pageRequestOf>[0]),
        }),
      );
      return listBody('customer_balance_transactions', page, customerBalanceTransactionResource);
    },
  );
}
