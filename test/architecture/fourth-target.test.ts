import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, BackendNote } from '../../src/backends/types.js';
import type { Engine } from '../../src/engines/types.js';
import { output, projectEvent } from '../../src/events/output.js';
import { DATA_SOURCES } from '../../src/ir/sources.js';
import type { Condition } from '../../src/ir/types.js';
import { compileCondition } from '../../src/reference/predicates.js';
import { registerTarget, type Target } from '../../src/targets/index.js';
import { run } from '../helpers/cli.js';

// A fourth target written the way docs/architecture.md says: a backend, an engine, a descriptor and one
// registration, nothing else. It must be built, listed in coverage and run by `detc test` like the shipped ones.
// (Its "language" is JSON: the event filter of an event rule, interpreted by compiling it back into a predicate.)

const stubBackend: Backend = {
  name: 'stub',
  compile(rules) {
    const notes: BackendNote[] = [];
    const files = rules.flatMap((rule) => {
      if (rule.branches.some((b) => b.aggregation)) {
        notes.push({ rule: rule.file, branch: '*', backend: 'stub', kind: 'dropped', wholeRule: true, message: 'stub: only event rules' });
        return [];
      }
      const query = { rule: rule.id, branches: rule.branches.map((b) => ({ source: b.source, where: b.where ?? null })) };
      return [{ path: `stub/${rule.slug}.json`, content: `${JSON.stringify(query, null, 2)}\n`, rule: rule.id }];
    });
    return { files, notes };
  },
};

const stubEngine: Engine = {
  name: 'stub',
  async run(r) {
    const query = r.readEmitted(`stub/${r.rule.slug}.json`);
    const { branches } = JSON.parse(query) as { branches: { source: string; where: Condition | null }[] };
    const rows = [];
    for (const [i, b] of branches.entries()) {
      const branch = r.rule.branches[i]!;
      const match = b.where ? compileCondition(b.where) : () => true;
      // The stub's store names fields canonically, so its native event is the canonical one.
      for await (const { native } of r.read(b.source)) if (match(native)) rows.push(output(branch, projectEvent(branch, native, DATA_SOURCES[b.source]!.time)));
    }
    return { rows, query };
  },
};

const stub: Target = {
  name: 'stub',
  title: 'a test target',
  backend: stubBackend,
  engine: stubEngine,
  limits: (rule) => ({
    errors: [],
    cannotExpress: rule.branches.some((b) => b.aggregation) ? { branch: '*', message: 'stub: only event rules' } : undefined,
    drops: rule.branches.some((b) => b.suppressions.length) ? ['suppress'] : [],
  }),
  native: { time: 'iso', missing: 'absent' },
  readPeriodSeconds: (rule) => rule.schedule.lookbackSeconds,
};

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-stub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a fourth target needs its own folder and one registration', () => {
  it('is built, listed in coverage and run by detc test', async () => {
    mkdirSync(path.join(dir, 'rules'), { recursive: true });
    cpSync(path.join(ROOT, 'rules/lists'), path.join(dir, 'rules/lists'), { recursive: true });
    cpSync(path.join(ROOT, 'rules/endpoint'), path.join(dir, 'rules/endpoint'), { recursive: true });
    cpSync(path.join(ROOT, 'rules/network/ip-block-scan.yml'), path.join(dir, 'rules/network/ip-block-scan.yml'));
    cpSync(path.join(ROOT, 'rules/network/ip-block-scan.test.yml'), path.join(dir, 'rules/network/ip-block-scan.test.yml'));
    cpSync(path.join(ROOT, 'rules/network/ip-block-scan.fixtures'), path.join(dir, 'rules/network/ip-block-scan.fixtures'), { recursive: true });
    // Its templates folder holds its field mapping (identity: the stub stores canonical fields).
    const fields = (source: string) => Object.keys(DATA_SOURCES[source]!.fields).map((f) => `      ${f}: ${f}`).join('\n');
    mkdirSync(path.join(dir, 'templates/stub'), { recursive: true });
    writeFileSync(path.join(dir, 'templates/stub/mapping.yml'), `sources:\n  network_connection:\n    fields:\n${fields('network_connection')}\n  process_creation:\n    fields:\n${fields('process_creation')}\n`);

    const unregister = registerTarget(stub);
    try {
      const b = await run(dir, 'build', '-q');
      expect(b.err).toBe('');
      expect(b.code).toBe(0);
      expect(existsSync(path.join(dir, 'dist-rules/stub/scan-tool-execution.json'))).toBe(true);
      expect(existsSync(path.join(dir, 'dist-rules/stub/ip-block-scan.json'))).toBe(false);
      expect(readFileSync(path.join(dir, 'dist-rules/REPORT.md'), 'utf8')).toContain('stub: only event rules');
      // The other targets still come from detc's own templates (the project overrides only the stub's folder).
      expect(existsSync(path.join(dir, 'dist-rules/sentinel/scan-tool-execution.kql'))).toBe(true);

      const cov = await run(dir, 'coverage');
      expect(cov.code).toBe(0);
      expect(cov.out).toContain('| technique | tactic | rule | sentinel | splunk | sigma | typescript | stub |');
      expect(cov.out).toMatch(/ip-block-scan\.yml`\) \| yes \| yes \| partial \| yes \| no \|$/m);

      const t = await run(dir, 'test');
      expect(t.out).toMatch(/\d+ passed, 0 failed(, \d+ skipped)? \(\d+ cases × 6 engines: reference, kql, spl, sigma, typescript, stub\)/);
      expect(t.code).toBe(0);

      // It really runs: its emitted filter, broken by hand, fails detc test in the stub engine alone.
      const file = path.join(dir, 'dist-rules/stub/scan-tool-execution.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/"nmap/g, '"xmap'));
      const broken = await run(dir, 'test', '--reporter', 'json');
      expect(broken.code).toBe(1);
      const failed = (JSON.parse(broken.out) as { tests: { engine: string; ok: boolean }[] }).tests.filter((x) => !x.ok);
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((x) => x.engine))).toEqual(new Set(['stub']));
    } finally {
      unregister();
    }
  });
});
