/**
 * `flint dev`'s log: pino's JSON lines turned into one short line each, so a terminal
 * stays readable (`serve` keeps JSON for machines). A request is one line when it
 * completes — `18:00:01 POST /v1/orders 200 12ms` — and anything else is its time, level
 * (when not info), message and error.
 */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: '',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

interface LogLine {
  readonly level?: number;
  readonly time?: number;
  readonly msg?: string;
  readonly request_id?: string;
  readonly req?: { readonly method?: string; readonly url?: string };
  readonly res?: { readonly statusCode?: number };
  readonly responseTime?: number;
  readonly err?: { readonly message?: string };
}

export function devLogStream(out: { write(text: string): unknown }): { write(line: string): void } {
  // A request's method and URL are logged when it arrives; its line is written when it ends.
  const arrived = new Map<string, string>();
  return {
    write(line: string) {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(entry.time ?? Date.now()).toISOString().slice(11, 19);
      const id = entry.request_id ?? '';
      if (entry.req && entry.msg === 'incoming request') {
        arrived.set(id, `${entry.req.method ?? ''} ${entry.req.url ?? ''}`);
        return;
      }
      if (entry.res && entry.msg === 'request completed') {
        const request = arrived.get(id) ?? '';
        arrived.delete(id);
        const ms = Math.round(entry.responseTime ?? 0);
        out.write(`${time} ${request} ${entry.res.statusCode ?? ''} ${ms}ms\n`);
        return;
      }
      const level = LEVELS[entry.level ?? 30] ?? '';
      const error =
        entry.err?.message && entry.err.message !== entry.msg ? `: ${entry.err.message}` : '';
      out.write(`${time} ${level ? `${level} ` : ''}${entry.msg ?? ''}${error}\n`);
    },
  };
}
