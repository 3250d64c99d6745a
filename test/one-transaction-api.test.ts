import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// One way to open a transaction (`transact`, src/adapters/db/transact.ts) and one strength
// of row lock: a plain scan of src/ that fails when another way comes back.

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line` of each match in src/, outside the given folder. */
function matchesIn(pattern: RegExp, outside = ''): string[] {
  return sourceFiles(join(root, 'src')).flatMap((file) => {
    const name = relative(root, file).split('\\').join('/');
    if (outside && name.startsWith(outside)) return [];
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(new RegExp(pattern, 'g'))].map(
      (match) => `${name}:${text.slice(0, match.index).split('\n').length}`,
    );
  });
}

describe('the one transaction API', () => {
  it('finds what it looks for: transact itself opens a transaction', () => {
    const files = matchesIn(/\.transaction\(/).map((at) => at.split(':')[0]);
    expect(files).toContain('src/adapters/db/transact.ts');
  });

  it('opens no transaction outside src/adapters/db (use transact)', () => {
    expect(matchesIn(/\.transaction\(/, 'src/adapters/db/')).toEqual([]);
  });

  it('takes row locks FOR NO KEY UPDATE; FOR UPDATE only to claim with SKIP LOCKED', () => {
    expect(matchesIn(/\.forUpdate\(\)\s*\.skipLocked\(\)/).length).toBeGreaterThan(0);
    expect(matchesIn(/\.forUpdate\(\)(?!\s*\.skipLocked\(\))/)).toEqual([]);
    expect(matchesIn(/for update\b(?! skip locked)/i)).toEqual([]);
  });
});
