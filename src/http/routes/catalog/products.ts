import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ProductRow } from '../../../adapters/db/schema.js';
import {
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../../../app/catalog/products.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
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

const Name = Type.String({ minLength: 1, maxLength: 250 });
const Description = Type.String({ maxLength: 1000 });
const Quantity = Type.Integer({ minimum: 0, maximum: MAX_AMOUNT });

export const Product = Type.Object({
  product_id: Type.String(),
  object: Type.Literal('product'),
  name: Type.String(),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  inventory: Type.Object({ tracked: Type.Boolean(), quantity: Nullable(Type.Integer()) }),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Product = Static<typeof Product>;

const CreateProductBody = RootBody(
  'product',
  Type.Object(
    {
      name: Name,
      description: Type.Optional(Nullable(Description)),
      active: Type.Optional(Type.Boolean()),
      inventory: Type.Optional(
        Type.Object(
          { tracked: Type.Boolean(), quantity: Type.Optional(Nullable(Quantity)) },
          {
            additionalProperties: false,
            description: 'A tracked product needs a quantity; an untracked one has none.',
          },
        ),
      ),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdateProductBody = RootBody(
  'product',
  Type.Object(
    {
      name: Type.Optional(Name),
      description: Type.Optional(Nullable(Description)),
      active: Type.Optional(Type.Boolean({ description: 'false archives the product' })),
      inventory: Type.Optional(
        Type.Object(
          { tracked: Type.Optional(Type.Boolean()), quantity: Type.Optional(Nullable(Quantity)) },
          {
            additionalProperties: false,
            description: 'Merged into the current inventory: {"quantity": n} restocks.',
          },
        ),
      ),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description: 'Only the given fields change; metadata is merged ("" removes a key).',
    },
  ),
);
const ProductParams = Type.Object({ product_id: Id('prod') }, { additionalProperties: false });
const ProductResponse = Type.Object({ product: Product });
const ListProductsQuery = ListQuery('prod', { active: Type.Optional(Type.Boolean()) });

export function serializeProduct(row: ProductRow): Product {
  return {
    product_id: row.id,
    object: 'product',
    name: row.name,
    description: row.description,
    active: row.active,
    inventory: { tracked: row.inventory_tracked, quantity: row.inventory_quantity },
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const tags = ['Products'];

export function registerProductRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/products',
    {
      schema: {
        tags,
        summary: 'Create a product',
        body: CreateProductBody,
        response: { 200: ProductResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { product } = request.body;
      const row = unwrap(await createProduct(deps, callerOf(request), product));
      return { product: serializeProduct(row) };
    },
  );

  app.get(
    '/v1/products/:product_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a product',
        params: ProductParams,
        response: { 200: ProductResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { product_id } = request.params;
      const row = unwrap(await getProduct(deps, callerOf(request), product_id));
      return { product: serializeProduct(row) };
    },
  );

  app.patch(
    '/v1/products/:product_id',
    {
      schema: {
        tags,
        summary: 'Update or archive (active: false) a product',
        params: ProductParams,
        body: UpdateProductBody,
        response: { 200: ProductResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { product_id } = request.params;
      const { product } = request.body;
      const row = unwrap(await updateProduct(deps, callerOf(request), product_id, product));
      return { product: serializeProduct(row) };
    },
  );

  app.get(
    '/v1/products',
    {
      schema: {
        tags,
        summary: 'List products, newest first',
        querystring: ListProductsQuery,
        response: { 200: ListResponse('products', Product), ...ErrorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await listProducts(
        deps,
        callerOf(request),
        { active: query.active },
        pageRequestOf(query),
      );
      return listBody('products', page, serializeProduct);
    },
  );
}
