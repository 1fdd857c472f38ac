// Errors of the file system (a missing folder, a symbolic link loop, a read-only or full disk) are the user's
// environment, not bugs in detc: each becomes one coded line naming the path, exit 1, never a stack trace.
import path from 'node:path';
import { facts, type Finding } from './diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from './diagnostics.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ELOOP: 'symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENOTEMPTY: 'folder not empty',
  EEXIST: 'exists and is not a folder',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EXDEV: 'not on the same file system',
};

export interface FsError extends Error {
  code: string;
  path?: string;
  syscall?: string;
}

/** An error raised by node:fs for a reason in the environment (see REASONS), not a programming error. */
export function isFsError(e: unknown): e is FsError {
  return e instanceof Error && typeof (e as FsError).code === 'string' && (e as FsError).code in REASONS;
}

/** `permission denied (EACCES)` */
export function fsReason(e: FsError): string {
  return `${REASONS[e.code] ?? e.code} (${e.code})`;
}

/** A path as printed in a diagnostic: relative to `cwd` when inside it. */
export function displayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, p));
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(cwd, p)).split(path.sep).join('/');
}

/** The finding for an error while reading (`read`) or while writing the output (`write`). */
export function fsFinding(e: FsError, op: 'read' | 'write'): Finding {
  return op === 'write' ? facts.cannotWrite(fsReason(e)) : facts.cannotRead(fsReason(e));
}

/** One diagnostic for an fs error, at the path it names (or `fallback`). */
export function fsDiagnostic(e: FsError, cwd: string, op: 'read' | 'write', fallback?: string): Diagnostic {
  const file = displayPath(e.path ?? fallback ?? '.', cwd);
  return diagnosticAt({ file, line: 1, col: 1 }, fsFinding(e, op));
}

/** Runs `f`; an fs error becomes a DiagnosticError (exit 1 with one line), anything else is rethrown. */
export function withFsErrors<T>(cwd: string, op: 'read' | 'write', f: () => T, fallback?: string): T {
  try {
    return f();
  } catch (e) {
    if (isFsError(e)) throw new DiagnosticError([fsDiagnostic(e, cwd, op, fallback)]);
    throw e;
  }
}
