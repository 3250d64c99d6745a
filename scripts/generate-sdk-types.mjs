// `npm run sdk:types`: regenerates the SDK's wire types (sdk/src/generated/api.ts) and its
// API reference (sdk/REFERENCE.md) from the built server.
import { writeFileSync } from 'node:fs';
import { buildApp } from '../dist/http/app.js';
import { sdkReference } from './sdk-reference.mjs';
import { sdkTypes } from './sdk-types.mjs';

const app = await buildApp({
  deps: { db: {}, clock: { now: () => new Date() } },
  adminToken: 'openapi-only',
});
await app.ready();
const target = new URL('../sdk/src/generated/api.ts', import.meta.url);
writeFileSync(target, sdkTypes(app.swagger()));
const reference = new URL('../sdk/REFERENCE.md', import.meta.url);
writeFileSync(reference, sdkReference(app.swagger()));
await app.close();
console.log(`wrote ${target.pathname} and ${reference.pathname}`);
