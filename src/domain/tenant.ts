/** test or live: selected by the secret key; objects of one mode are invisible from the other. */
export type Mode = 'test' | 'live';

/** Whose data a request may see: one account in one mode. */
export interface Tenant {
  readonly accountId: string;
  readonly mode: Mode;
}
