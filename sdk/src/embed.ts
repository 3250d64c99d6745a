import type { CheckoutSession } from './types.js';

// Embedded pay in the browser: the types of the script Flint serves at /js/flint.js
// (`window.Flint`), and `mountCheckout`, which loads it from the session's Flint server
// and mounts the session. No DOM types are needed to compile against this file (the SDK
// runs in Node too): elements are described by what the script uses of them.

/** What `Flint.mount` tells `onComplete` once the session is paid. */
export interface FlintCompleteEvent {
  readonly checkoutSessionId: string;
  readonly status: 'complete';
  /** The session's `return_url` with `session_id` added. */
  readonly returnUrl: string | null;
}

/** An element of the page (`HTMLElement`), or a CSS selector of one. */
export type FlintMountTarget = string | { readonly nodeType: number };

export interface FlintMountOptions {
  /** The embedded checkout session's `url` (a session created with `uiMode: 'embedded'`). */
  readonly url: string;
  /** Called once, when the session is paid (before `returnUrl` is followed). */
  readonly onComplete?: (event: FlintCompleteEvent) => void;
  /** Follow the session's return_url once paid (default true). */
  readonly followReturnUrl?: boolean;
  /** Fit the iframe's height to the form (default true). */
  readonly autoResize?: boolean;
  /** The iframe's height in pixels until the form reports its own (default 640). */
  readonly height?: number;
  /** The iframe's accessible title (default "Payment"). */
  readonly title?: string;
}

/** A mounted session: its iframe (`HTMLIFrameElement`), and how to take it away. */
export interface FlintEmbedded {
  readonly iframe: { readonly src: string; readonly name: string; readonly title: string };
  /** Removes the iframe and stops listening to it. */
  destroy(): void;
}

/** `window.Flint`, defined by /js/flint.js. */
export interface FlintEmbed {
  readonly version: 1;
  mount(target: FlintMountTarget, options: FlintMountOptions): FlintEmbedded;
}

interface BrowserGlobals {
  Flint?: FlintEmbed;
  document?: {
    createElement(tag: 'script'): ScriptElement;
    head: { appendChild(node: unknown): unknown };
  };
}

interface ScriptElement {
  src: string;
  async: boolean;
  nonce?: string;
  addEventListener(type: 'load' | 'error', listener: () => void): void;
}

const loading = new Map<string, Promise<FlintEmbed>>();

/**
 * Loads /js/flint.js from the Flint server at `origin` (once per page) and resolves to
 * `window.Flint`. `nonce`: your page's CSP nonce, if its script-src uses one.
 */
export function loadFlintEmbed(
  origin: string,
  options: { nonce?: string } = {},
): Promise<FlintEmbed> {
  const globals = globalThis as BrowserGlobals;
  if (globals.Flint) return Promise.resolve(globals.Flint);
  const document = globals.document;
  if (!document) return Promise.reject(new Error('loadFlintEmbed runs in a browser page'));
  const src = `${new URL(origin).origin}/js/flint.js`;
  let loaded = loading.get(src);
  if (!loaded) {
    loaded = new Promise<FlintEmbed>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      if (options.nonce) script.nonce = options.nonce;
      script.addEventListener('load', () =>
        globals.Flint ? resolve(globals.Flint) : reject(new Error(`${src} defined no Flint`)),
      );
      script.addEventListener('error', () => {
        loading.delete(src);
        reject(new Error(`${src} could not be loaded`));
      });
      document.head.appendChild(script);
    });
    loading.set(src, loaded);
  }
  return loaded;
}

/**
 * Mounts an embedded checkout session in `target`: loads /js/flint.js from the session's
 * Flint server, then `Flint.mount(target, { url: session.url, ...options })`.
 */
export async function mountCheckout(
  session: Pick<CheckoutSession, 'url' | 'uiMode'>,
  target: FlintMountTarget,
  options: Omit<FlintMountOptions, 'url'> & { readonly nonce?: string } = {},
): Promise<FlintEmbedded> {
  if (session.uiMode !== 'embedded') {
    throw new Error('mountCheckout takes an embedded session (create it with uiMode: "embedded")');
  }
  const { nonce, ...mountOptions } = options;
  const flint = await loadFlintEmbed(session.url, nonce ? { nonce } : {});
  return flint.mount(target, { ...mountOptions, url: session.url });
}
