import { EVENT_TYPES, isEventType } from '../domain/event-types.js';
import { apiTargetOf } from './api-client.js';
import { listen, newSigningSecret } from './listen.js';
import { TRIGGERABLE_TYPES, trigger } from './trigger.js';
import { httpUrlOf, UsageError } from './usage-error.js';

// `flint trigger` and `flint listen`: their flags, checked before anything is called.

export interface EventFlags {
  readonly 'api-key'?: string | undefined;
  readonly 'api-url'?: string | undefined;
  readonly 'forward-to'?: string | undefined;
  readonly events?: string | undefined;
  readonly live?: boolean | undefined;
}

export async function triggerCommand(flags: EventFlags, args: readonly string[]): Promise<void> {
  const [type, ...extra] = args;
  if (type === undefined || extra.length > 0) {
    throw new UsageError(
      `trigger needs one event type; supported:\n  ${TRIGGERABLE_TYPES.join('\n  ')}`,
    );
  }
  const target = apiTargetOf(flags, process.env);
  await trigger(target, type, (line) => process.stdout.write(`${line}\n`));
}

function forwardUrlOf(value: string | undefined): string {
  if (!value) throw new UsageError('listen needs --forward-to URL');
  return httpUrlOf('--forward-to', value).toString();
}

function eventTypesOf(value: string | undefined): string[] {
  if (value === undefined) return [];
  const types = [...new Set(value.split(',').map((t) => t.trim()))];
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0 || types.length === 0) {
    throw new UsageError(
      `unknown event type in --events: ${unknown.join(', ')}\nEvent types: ${EVENT_TYPES.join(', ')}`,
    );
  }
  return types;
}

export async function listenCommand(flags: EventFlags): Promise<void> {
  const target = apiTargetOf(flags, process.env);
  if (target.mode === 'live' && !flags.live) {
    throw new UsageError('listen forwards test-mode events; pass --live with an sk_live_ key');
  }
  if (target.mode === 'test' && flags.live) throw new UsageError('--live needs an sk_live_ key');
  const forwardTo = forwardUrlOf(flags['forward-to']);
  const types = eventTypesOf(flags.events);
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await listen({
      target,
      forwardTo,
      types,
      secret: newSigningSecret(),
      signal: stopping.signal,
      out: (line) => process.stdout.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    if (!stopping.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  process.stdout.write('Stopped.\n');
}
