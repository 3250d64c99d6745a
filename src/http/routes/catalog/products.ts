import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../../../app/catalog/products.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { productResource } from '../../../resources/product.js';
import { Metadata, Nullable, RootBody, Timestamp } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';

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

const tags = ['Products'];

export function registerProductRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    path: '/v1/products',
    key: 'product',
    listKey: 'products',
    idParam: 'product_id',
    idPrefix: 'prod',
    tags,
    schema: Product,
    serialize: productResource,
  });
  routes.create({
    summary: 'Create a product',
    body: CreateProductBody,
    run: ({ deps, caller }, body) => createProduct(deps, caller, body.product),
  });
  routes.get({
    summary: 'Retrieve a product',
    run: ({ deps, caller }, id) => getProduct(deps, caller, id),
  });
  routes.update({
    summary: 'Update or archive (active: false) a product',
    body: UpdateProductBody,
    run: (ctx, id, body) => updateProduct(ctx, { id, changes: body.product }),
  });
  routes.list({
    summary: 'List products, newest first',
    filters: { active: Type.Optional(Type.Boolean()) },
    run: ({ deps, caller }, query, page) =>
      listProducts(deps, caller, { active: query.active }, page),
  });
}
