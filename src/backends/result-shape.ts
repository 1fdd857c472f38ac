// Shape checks of backend output read back from a cache (rule-outputs.ts): an entry that is not what a backend
// returns is a miss, never an output.
import type { Artifact, BackendNote, BackendResult } from './types.js';

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

export function isArtifact(v: unknown): v is Artifact {
  const f = v as Artifact;
  return !!f && typeof f === 'object' && typeof f.path === 'string' && typeof f.content === 'string' && optionalString(f.rule) &&
    optionalString(f.target) && (f.templates === undefined || (Array.isArray(f.templates) && f.templates.every((t) => typeof t === 'string')));
}

export function isBackendNote(v: unknown): v is BackendNote {
  const n = v as BackendNote;
  return !!n && typeof n === 'object' && typeof n.rule === 'string' && typeof n.branch === 'string' && typeof n.backend === 'string' &&
    (n.kind === 'dropped' || n.kind === 'approximated') && typeof n.message === 'string' && (n.wholeRule === undefined || typeof n.wholeRule === 'boolean');
}

export function isBackendResult(v: unknown): v is BackendResult {
  const r = v as BackendResult;
  return !!r && typeof r === 'object' && Array.isArray(r.files) && r.files.every(isArtifact) && Array.isArray(r.notes) && r.notes.every(isBackendNote);
}
