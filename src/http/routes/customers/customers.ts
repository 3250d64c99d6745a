import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { CustomerRow } from '../../../adapters/db/schema.js';
import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../../../app/customers/customers.js';
import type { Deps } from '../../../app/shared/deps.js';
import { callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  Metadata,
  Nullable,
  RootBody,
  Timestamp,
} from '../../schemas.js';

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
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Customer = Static<typeof Customer>;

const CustomerFields = {
  email: Type.Optional(Nullable(Email)),
  name: Type.Optional(Nullable(Name)),
  phone: Type.Optional(Nullable(Phone)),
  description: Type.Optional(Nullable(Description)),
  metadata: Type.Optional(Metadata),
};
const CreateCustomerBody = RootBody(
  'customer',
  Type.Object(CustomerFields, { additionalProperties: false }),
);
const UpdateCustomerBody = RootBody(
  'customer',
  Type.Object(CustomerFields, {
    additionalProperties: false,
    description:
      'Only the given fields change; null clears one; metadata is merged ("" removes a key).',
  }),
);
const CustomerParams = Type.Object({ customer_id: Id('cus') }, { additionalProperties: false });
const CustomerResponse = Type.Object({ customer: Customer });
const DeletedCustomerResponse = Type.Object({
  customer: Type.Object({
    customer_id: Type.String(),
    object: Type.Literal('customer'),
    deleted: Type.Literal(true),
  }),
});
const ListCustomersQuery = ListQuery('cus', {
  email: Type.Optional(Type.String({ maxLength: 512, description: 'Exact match, any case' })),
});

export function serializeCustomer(row: CustomerRow): Customer {
  return {
    customer_id: row.id,
    object: 'customer',
    email: row.email,
    name: row.name,
    phone: row.phone,
    description: row.description,
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const tags = ['Customers'];

export function registerCustomerRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer',
        body: CreateCustomerBody,
        response: { 200: CustomerResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer } = request.body;
      const row = await createCustomer(deps, callerOf(request), customer);
      return { customer: serializeCustomer(row) };
    },
  );

  app.get(
    '/v1/customers/:customer_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a customer',
        params: CustomerParams,
        response: { 200: CustomerResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer_id } = request.params;
      const row = unwrap(await getCustomer(deps, callerOf(request), customer_id));
      return { customer: serializeCustomer(row) };
    },
  );

  app.patch(
    '/v1/customers/:customer_id',
    {
      schema: {
        tags,
        summary: 'Update a customer',
        params: CustomerParams,
        body: UpdateCustomerBody,
        response: { 200: CustomerResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer_id } = request.params;
      const { customer } = request.body;
      const row = unwrap(await updateCustomer(deps, callerOf(request), customer_id, customer));
      return { customer: serializeCustomer(row) };
    },
  );

  app.delete(
    '/v1/customers/:customer_id',
    {
      schema: {
        tags,
        summary: 'Delete a customer',
        params: CustomerParams,
        response: { 200: DeletedCustomerResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer_id } = request.params;
      const row = unwrap(await deleteCustomer(deps, callerOf(request), customer_id));
      return {
        customer: { customer_id: row.id, object: 'customer' as const, deleted: true as const },
      };
    },
  );

  app.get(
    '/v1/customers',
    {
      schema: {
        tags,
        summary: 'List customers, newest first',
        querystring: ListCustomersQuery,
        response: { 200: ListResponse('customers', Customer), ...ErrorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await listCustomers(
        deps,
        callerOf(request),
        { email: query.email },
        pageRequestOf(query),
      );
      return listBody('customers', page, serializeCustomer);
    },
  );
}
