import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../../app/customers/customers.js';
import type { Deps } from '../../../app/shared/deps.js';
import { customerResource } from '../../../resources/customer.js';
import { Id, MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

const Email = Type.String({ format: 'email', maxLength: 512 });
const Name = Type.String({ minLength: 1, maxLength: 256 });
const Phone = Type.String({ minLength: 1, maxLength: 32 });
const Description = Type.String({ maxLength: 1000 });

export const Customer = Type.Object({
  customer_id: Type.String(),
  object: Type.Literal('customer'),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  description: Nullable(Type.String()),
  default_payment_method_id: Nullable(
    Type.String({
      description: 'The saved payment method a renewal charges (one of its attached ones)',
    }),
  ),
  balance: Type.Integer({
    description:
      'Minor units of `currency`. Negative: credit the customer has, used by its next orders before any charge; positive: what it owes. Changed only by balance transactions',
  }),
  currency: Nullable(
    Type.String({ description: "The balance's currency, set by its first transaction" }),
  ),
  test_clock: Nullable(
    Type.String({ description: 'The test clock the customer lives on (its time), or null' }),
  ),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});
export type Customer = Static<typeof Customer>;

const CustomerFields = {
  email: Type.Optional(Nullable(Email)),
  name: Type.Optional(Nullable(Name)),
  phone: Type.Optional(Nullable(Phone)),
  description: Type.Optional(Nullable(Description)),
};
const CreateCustomerBody = MetadataBody('customer', {
  ...CustomerFields,
  test_clock: Type.Optional(Id('clock')),
});
const CustomerDescription =
  'With `test_clock` (a test clock of the account, test mode), the customer and what it does ' +
  "live in that clock's time: it is made at the clock's time, and its scheduled work runs when " +
  'the clock is advanced (POST /v1/test_helpers/test_clocks/{test_clock_id}/advance).';
const UpdateCustomerBody = MetadataBody(
  'customer',
  {
    ...CustomerFields,
    // One of its attached saved payment methods; null: none.
    default_payment_method_id: Type.Optional(Nullable(Id('pm'))),
  },
  'Only the given fields change; null clears one; metadata is merged ("" removes a key).',
);

const tags = ['Customers'];

export function registerCustomerRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'customer',
    idPrefix: 'cus',
    tags,
    schema: Customer,
    serialize: customerResource,
  });
  routes.create({
    summary: 'Create a customer',
    description: CustomerDescription,
    body: CreateCustomerBody,
    run: ({ deps, caller }, body) => createCustomer(deps, caller, body.customer),
  });
  routes.get({ summary: 'Retrieve a customer', run: ofCaller(getCustomer) });
  routes.update({
    summary: 'Update a customer',
    body: UpdateCustomerBody,
    run: (ctx, id, body) => updateCustomer(ctx, { id, changes: body.customer }),
  });
  routes.remove({
    summary: 'Delete a customer',
    run: ofCaller(deleteCustomer),
  });
  routes.list({
    summary: 'List customers, newest first',
    filters: {
      email: Type.Optional(Type.String({ maxLength: 512, description: 'Exact match, any case' })),
    },
    run: ({ deps, caller }, { email }, page) => listCustomers(deps, caller, { email }, page),
  });
}
