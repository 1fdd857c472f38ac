import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed detc package (its templates/, schemas/ and schema/ are the defaults). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A user-given folder, else the project's own `name` folder if it has one, else the one shipped with detc. */
export function resolveDir(cwd: string, given: string | undefined, name: string): string {
  if (given) return path.resolve(cwd, given);
  const local = path.join(cwd, name);
  return existsSync(local) ? local : path.join(PACKAGE_ROOT, name);
}
