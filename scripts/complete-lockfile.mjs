// Adds lockfile entries for optional platform packages that this machine's registry
// does not serve (biome's macOS/Windows/musl binaries): npm leaves them out of
// package-lock.json, and `npm ci` then refuses the lockfile. On Linux npm skips these
// entries without fetching them. Run after `npm install` changes the lockfile:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const platform = (name) => {
  const m = /-(android|darwin|linux|win32|freebsd)-(arm64|x64|arm|ia32)(-musl)?$/.exec(name);
  return m ? { os: [m[1]], cpu: [m[2]], ...(m[3] ? { libc: ['musl'] } : {}) } : null;
};
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    const where = platform(dep);
    if (lock.packages[at] || !where) continue;
    lock.packages[at] = {
      version,
      ...where,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      license: entry.license,
      engines: entry.engines,
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
