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
import { Fields, MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

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
  ...ModeAndTimes,
});
export type Product = Static<typeof Product>;

const CreateProductBody = MetadataBody('product', {
  name: Name,
  description: Type.Optional(Nullable(Description)),
  active: Type.Optional(Type.Boolean()),
  inventory: Type.Optional(
    Fields(
      { tracked: Type.Boolean(), quantity: Type.Optional(Nullable(Quantity)) },
      'A tracked product needs a quantity; an untracked one has none.',
    ),
  ),
});
const UpdateProductBody = MetadataBody(
  'product',
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    active: Type.Optional(Type.Boolean({ description: 'false archives the product' })),
    inventory: Type.Optional(
      Fields(
        { tracked: Type.Optional(Type.Boolean()), quantity: Type.Optional(Nullable(Quantity)) },
        'Merged into the current inventory: {"quantity": n} restocks.',
      ),
    ),
  },
  'Only the given fields change; metadata is merged ("" removes a key).',
);

const tags = ['Products'];

export function registerProductRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'product',
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
  routes.get({ summary: 'Retrieve a product', run: ofCaller(getProduct) });
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
