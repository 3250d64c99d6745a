#!/usr/bin/env node
// The layering rules of CONVENTIONS.md ("Layers"), checked: `node scripts/check-layers.mjs [dir]`
// (default `src`), run by `npm run lint`. Plain Node, no dependency: dependency-cruiser cannot
// parse this repository's TypeScript version.
//
// What counts as an import: `import … from './x.js'`, `export … from './x.js'`, a bare
// `import './x.js'` and a dynamic `import('./x.js')` of a relative path, `.js` read as the `.ts`
// beside it. Packages (`kysely`, `node:fs`) are not layers and are not checked here.
//
// Layer rules count type-only imports too: a type names what a layer knows about, and `domain`
// knowing a row type is as wrong as calling a repository. Where a layer may know another's
// types but not call it (a page's view model, a resource's row), the rule says so.
//
// Cycles count every import, type-only ones included. TypeScript erases those, so they cannot
// break module loading, but a cycle through types still ties files that cannot be read, moved
// or tested apart — the one this check was written for (checkout sessions ↔ their events ↔
// their resource) ran through a type.
//
// Prints one line per broken rule (file, import, rule) and exits 1; silent and 0 when clean.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What each layer may import besides itself: `uses` (anything), `types` (type-only imports).
 * A layer is a folder of src; a file at its top is its own layer (`main`, `config`, …), with
 * its test. Unit tests beside the code follow their folder's rule.
 * A layer missing here is an error: a new folder gets its rule when it is made.
 */
export const RULES = {
  domain: { uses: [], types: [] },
  ports: { uses: ['domain'], types: [] },
  resources: { uses: ['domain'], types: ['adapters'] },
  adapters: { uses: ['domain', 'ports'], types: [] },
  app: { uses: ['domain', 'ports', 'resources', 'adapters'], types: [] },
  pages: { uses: ['domain', 'resources'], types: ['app', 'adapters'] },
  workers: { uses: ['domain', 'ports', 'resources', 'adapters', 'app'], types: [] },
  http: {
    uses: ['domain', 'ports', 'resources', 'adapters', 'app', 'pages', 'config', 'processors'],
    types: [],
  },
  cli: {
    uses: ['domain', 'ports', 'resources', 'adapters', 'app', 'http', 'config', 'main', 'version'],
    types: [],
  },
  main: {
    uses: ['ports', 'adapters', 'app', 'http', 'workers', 'config', 'processors', 'version'],
    types: [],
  },
  config: { uses: ['domain', 'app'], types: [] },
  processors: { uses: ['ports', 'adapters', 'app'], types: [] },
  version: { uses: [], types: [] },
};

const STATIC =
  /^[ \t]*(import|export)\s+(type\s+)?([\w$*{},\s]*?)\s*from\s*['"](\.{1,2}\/[^'"]*)['"]/gm;
const BARE = /^[ \t]*import\s*['"](\.{1,2}\/[^'"]*)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*\)/g;

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/** `{ type A, type B }` imports only types, like `import type { A, B }`. */
function onlyTypes(clause) {
  const braces = clause.match(/^\{([^}]*)\}$/);
  if (!braces) return false;
  const names = braces[1]
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^[ \t]*\/\/.*$/gm, '');
}

/** Every relative import of a file: `{ specifier, typeOnly }`. */
export function importsOf(text) {
  const code = withoutComments(text);
  const found = [];
  for (const m of code.matchAll(STATIC)) {
    const clause = m[3].trim();
    found.push({ specifier: m[4], typeOnly: Boolean(m[2]) || onlyTypes(clause) });
  }
  for (const m of code.matchAll(BARE)) found.push({ specifier: m[1], typeOnly: false });
  for (const m of code.matchAll(DYNAMIC)) found.push({ specifier: m[1], typeOnly: false });
  return found;
}

function resolve(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
}

function layerOf(root, file) {
  const parts = path.relative(root, file).split(path.sep);
  return parts.length === 1 ? parts[0].replace(/(\.test)?\.ts$/, '') : parts[0];
}

function describe(rule) {
  const uses = rule.uses.length > 0 ? rule.uses.join(', ') : 'nothing else';
  return rule.types.length > 0 ? `${uses} (types only: ${rule.types.join(', ')})` : uses;
}

/** Strongly connected components with more than one file (Tarjan), each as one cycle path. */
function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set();
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.add(w);
    } while (w !== v);
    if (component.size > 1 || graph.get(v).has(v)) found.push(pathWithin(graph, component, v));
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One cycle through `start` inside its component (breadth-first, so the shortest). */
function pathWithin(graph, component, start) {
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of [...graph.get(v)].sort()) {
      if (!component.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let at = v; at !== start; at = cameFrom.get(at)) cycle.splice(1, 0, at);
        return [...cycle, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Every broken rule under `root`, as lines of text. */
export function checkLayers(root) {
  const problems = [];
  const shown = (f) => path.relative(process.cwd(), f) || f;
  const files = sourceFiles(root).sort();
  const graph = new Map(files.map((f) => [f, new Set()]));
  for (const file of files) {
    const from = layerOf(root, file);
    const rule = RULES[from];
    if (!rule) problems.push(`${shown(file)}: layer '${from}' has no rule in check-layers.mjs`);
    for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(file, specifier);
      if (!target || path.relative(root, target).startsWith('..')) continue;
      graph.get(file).add(target);
      const to = layerOf(root, target);
      if (!rule || to === from || rule.uses.includes(to)) continue;
      if (typeOnly && rule.types.includes(to)) continue;
      const kind = typeOnly ? 'type import' : 'import';
      problems.push(
        `${shown(file)}: ${kind} '${specifier}' (${to}) — ${from} may import ${describe(rule)}`,
      );
    }
  }
  for (const cycle of cycles(graph)) {
    problems.push(`import cycle: ${cycle.map(shown).join(' → ')}`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, '..', 'src'));
  const problems = checkLayers(root);
  for (const line of problems) console.error(line);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} broken rule(s); see CONVENTIONS.md, Layers`);
    process.exit(1);
  }
}
