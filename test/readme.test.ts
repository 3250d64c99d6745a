import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitOf, field, quickStartOrder, startDev, tempDir } from './flint-process.js';

// README's quick start, run as a newcomer would paste it: its ```bash blocks in order, in
// bash, against a real `flint dev`. A line ending in `# => VALUE` must print VALUE.
const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const QUICK_START = README.slice(
  README.indexOf('## Quick start'),
  README.indexOf('## TypeScript SDK'),
);

function blocks(text: string, language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm');
  return [...text.matchAll(fence)].map((match) => match[1] ?? '');
}

/** Each `# => VALUE` becomes a check of what the line printed. */
function checked(script: string): { script: string; expected: string[] } {
  const expected: string[] = [];
  const lines = script.split('\n').map((line) => {
    const match = /^(.*?)\s+# => (\S+)$/.exec(line);
    if (!match) return line;
    expected.push(match[2] as string);
    return `${match[1]} | expect_output '${match[2]}'`;
  });
  return { script: lines.join('\n'), expected };
}

const PRELUDE = `set -euo pipefail
expect_output() { read -r got; echo "$got"; [ "$got" = "$1" ] || { echo "README: expected $1, got $got" >&2; return 1; }; }
`;

function bash(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  return exitOf(child).then((code) => ({ code, out }));
}

describe('README quick start', () => {
  it('runs as pasted, in order, against flint dev, and prints what it says', async () => {
    const [start, ...steps] = blocks(QUICK_START, 'bash');
    expect(start).toContain('npx flint dev');
    const dataDir = tempDir();
    const dev = await startDev(dataDir);
    const url = field(dev.output(), 'API').replace(/\/v1$/, '');
    try {
      const { script, expected } = checked(steps.join('\n'));
      expect(script).toContain('FLINT=http://127.0.0.1:4242\n');
      expect(expected.length).toBeGreaterThanOrEqual(10);
      const result = await bash(
        PRELUDE + script.replace('FLINT=http://127.0.0.1:4242\n', `FLINT=${url}\n`),
        { FLINT_DATA_DIR: dataDir },
      );
      expect(result.out).not.toContain('README: expected');
      expect(result.code, result.out).toBe(0);
      // Every checked line ran and printed its value, in order.
      const printed = result.out.split('\n');
      let at = 0;
      for (const value of expected) {
        at = printed.indexOf(value, at);
        expect(at, `${value} in\n${result.out}`).toBeGreaterThanOrEqual(0);
        at += 1;
      }

      // An account from the admin API has no tax rate (12800) until README's block makes one.
      const admin = field(dev.output(), 'Admin token');
      const created = await fetch(`${url}/v1/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ account: { name: 'No tax yet' } }),
      });
      const key = ((await created.json()) as { keys: { test_secret_key: string } }).keys
        .test_secret_key;
      const total = async () => (await quickStartOrder(url, key)).total_money?.amount;
      expect(await total()).toBe(12800);
      const [taxBlock] = blocks(QUICK_START, 'sh').filter((block) =>
        block.includes('/v1/tax_rates'),
      );
      expect(taxBlock).toBeDefined();
      const tax = await bash(`set -euo pipefail\n${taxBlock}`, { FLINT: url, FLINT_KEY: key });
      expect(tax.code, tax.out).toBe(0);
      expect(await total()).toBe(13824);
    } finally {
      const stopped = exitOf(dev.child);
      dev.child.kill('SIGTERM');
      await stopped;
    }
  }, 400_000);
});
