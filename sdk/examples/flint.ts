// The `flint` every snippet uses. The seed writes `new Flint('sk_test_…')`; here the key
// comes from FLINT_API_KEY, and FLINT_BASE_URL says where Flint runs
// (http://127.0.0.1:4242, `flint dev`'s address, when unset).
import { Flint } from 'flint-sdk';

export const flint = new Flint(process.env.FLINT_API_KEY ?? '', {
  baseUrl: process.env.FLINT_BASE_URL,
});
