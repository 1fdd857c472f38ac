import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Artifact } from '../backends/types.js';
import type { Rule } from '../ir/types.js';
import type { Project } from '../project.js';
import { compileAll } from './compile.js';

/** The files a rule compiles to (its own queries and rule files; shared app files excluded). */
export function filesOfRule(rule: Rule, files: Artifact[]): Map<string, string> {
  return new Map(files.filter((f) => f.rule === rule.id).map((f) => [f.path, f.content]));
}

/**
 * Compiles the rules as they were at a git ref, with today's templates and schemas (so a template change is not
 * taken for a rule change). With `todaysLists`, the shared lists (rules/lists/) are today's too: a list is reviewed
 * as a list, and editing one is not a change of every rule that reads it. Throws with git's message when the ref
 * does not exist.
 */
export function compileAtRef(project: Project, ref: string, todaysLists = false): { rules: Rule[]; files: Artifact[] } {
  const { cwd, rulesDir } = project;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-base-'));
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8' }).trim();
    const prefix = path.relative(top, path.resolve(cwd, rulesDir)).split(path.sep).join('/');
    const tar = execFileSync('git', ['archive', '--format=tar', ref, '--', prefix], { cwd: top, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    const lists = path.join(path.resolve(cwd, rulesDir), 'lists');
    if (todaysLists && existsSync(lists)) {
      // Today's list files replace the ref's (also when a list moved from .yml to .csv); a list deleted since stays as
      // it was, for the rules that still read it.
      const baseLists = path.join(tmp, prefix, 'lists');
      const stem = (f: string) => f.replace(/\.(ya?ml|csv)$/, '');
      const today = new Set(readdirSync(lists).map(stem));
      if (existsSync(baseLists)) for (const f of readdirSync(baseLists)) if (today.has(stem(f))) rmSync(path.join(baseLists, f), { recursive: true });
      cpSync(lists, baseLists, { recursive: true });
    }
    const r = compileAll({ ...project, cwd: path.join(tmp, path.relative(top, cwd)) }, path.join(tmp, prefix));
    return { rules: r.rules, files: r.files };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** 1.2.3 → the version string after a minor (logic) or patch (metadata) bump. */
export function bumped(version: string, kind: 'minor' | 'patch'): string {
  const [a, b, c] = version.split('.').map(Number) as [number, number, number];
  return kind === 'minor' ? `${a}.${b + 1}.0` : `${a}.${b}.${c + 1}`;
}

export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
