import { hash, verify } from '@node-rs/argon2';

// Console passwords: argon2id with the library's defaults (19 MiB, 2 passes, OWASP's
// recommendation); the hash string carries its own salt and parameters.

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Whether `password` is the one `stored` was made from; false for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
