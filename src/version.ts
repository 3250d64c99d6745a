/** Flint's version, in its own module so the CLI can print it without loading the server. */
export const VERSION = '0.1.0';
