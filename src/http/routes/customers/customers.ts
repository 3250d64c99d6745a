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
import { ok } from '../../../domain/errors.js';
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
const CreateCustomerBody = MetadataBody('customer', CustomerFields);
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
    body: CreateCustomerBody,
    run: async ({ deps, caller }, body) => ok(await createCustomer(deps, caller, body.customer)),
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
