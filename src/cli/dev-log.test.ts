import { describe, expect, it } from 'vitest';
import { devLogStream } from './dev-log.js';

function formatted(lines: object[]): string {
  let out = '';
  const stream = devLogStream({ write: (text: string) => (out += text) });
  for (const line of lines) stream.write(`${JSON.stringify(line)}\n`);
  return out;
}

const time = Date.UTC(2026, 11, 4, 18, 0, 1);

describe('devLogStream', () => {
  it('writes one line per request when it completes: method, URL, status, time taken', () => {
    const out = formatted([
      {
        level: 30,
        time,
        request_id: 'req_1',
        req: { method: 'POST', url: '/v1/orders' },
        msg: 'incoming request',
      },
      {
        level: 30,
        time,
        request_id: 'req_2',
        req: { method: 'GET', url: '/healthz' },
        msg: 'incoming request',
      },
      {
        level: 30,
        time,
        request_id: 'req_2',
        res: { statusCode: 200 },
        responseTime: 1.2,
        msg: 'request completed',
      },
      {
        level: 30,
        time,
        request_id: 'req_1',
        res: { statusCode: 422 },
        responseTime: 12.6,
        msg: 'request completed',
      },
    ]);
    expect(out).toBe('18:00:01 GET /healthz 200 1ms\n18:00:01 POST /v1/orders 422 13ms\n');
  });

  it('writes other entries as time, level (unless info), message and error', () => {
    const out = formatted([
      { level: 30, time, msg: 'Server listening at http://127.0.0.1:4242' },
      { level: 50, time, msg: 'webhook attempt failed', err: { message: 'connect ECONNREFUSED' } },
      { level: 50, time, msg: 'boom', err: { message: 'boom' } },
    ]);
    expect(out).toBe(
      '18:00:01 Server listening at http://127.0.0.1:4242\n' +
        '18:00:01 ERROR webhook attempt failed: connect ECONNREFUSED\n' +
        '18:00:01 ERROR boom\n',
    );
  });
});
