import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// `npm run lint` runs scripts/check-layers.mjs: these run it as a process on small trees.

const script = fileURLToPath(new URL('../scripts/check-layers.mjs', import.meta.url));
const trees: string[] = [];

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'flint-layers-'));
  trees.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

function check(root: string) {
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8', cwd: root });
  return { status: run.status, output: run.stderr };
}

afterEach(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

const clean = {
  'domain/money.ts': 'export const zero = 0n;\n',
  'domain/money.test.ts': "import { zero } from './money.js';\nvoid zero;\n",
  'resources/order.ts':
    "import type { OrderRow } from '../adapters/db/schema.js';\nimport { zero } from '../domain/money.js';\nexport const view = (o: OrderRow) => ({ o, zero });\n",
  'adapters/db/schema.ts': 'export interface OrderRow { id: string }\n',
  'app/orders.ts':
    "import type { OrderRow } from '../adapters/db/schema.js';\nimport { view } from '../resources/order.js';\nexport const show = (o: OrderRow) => view(o);\n",
  'pages/order-page.ts':
    "import { type show } from '../app/orders.js';\nexport type Model = ReturnType<typeof show>;\n",
};

describe('check-layers', () => {
  it('passes a tree that keeps the rules, type-only imports where only types are allowed', () => {
    expect(check(tree(clean))).toEqual({ status: 0, output: '' });
  });

  it('passes this repository', () => {
    expect(check(fileURLToPath(new URL('../src', import.meta.url))).status).toBe(0);
  });

  it('names the file, the import and the rule when domain imports another layer', () => {
    const root = tree({
      ...clean,
      'domain/money.ts':
        "import type { OrderRow } from '../adapters/db/schema.js';\nexport type Row = OrderRow;\n",
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain(
      "domain/money.ts: type import '../adapters/db/schema.js' (adapters) — domain may import nothing else",
    );
  });

  it('refuses a value import where only types are allowed, and a multi-line or dynamic one', () => {
    const root = tree({
      ...clean,
      'pages/order-page.ts':
        "import {\n  show,\n} from '../app/orders.js';\nexport const s = show;\n",
      'adapters/db/late.ts': "export const load = () => import('../../app/orders.js');\n",
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain("pages/order-page.ts: import '../app/orders.js' (app)");
    expect(output).toContain("adapters/db/late.ts: import '../../app/orders.js' (app)");
  });

  it('reports an import cycle, type-only links included', () => {
    const root = tree({
      ...clean,
      'app/a.ts': "import type { B } from './b.js';\nexport type A = { b?: B };\n",
      'app/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n",
    });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain('import cycle: app/a.ts → app/b.ts → app/a.ts');
  });

  it('refuses a folder that has no rule yet', () => {
    const root = tree({ ...clean, 'jobs/nightly.ts': 'export const x = 1;\n' });
    const { status, output } = check(root);
    expect(status).toBe(1);
    expect(output).toContain("jobs/nightly.ts: layer 'jobs' has no rule");
  });
});
