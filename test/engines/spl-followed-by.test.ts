import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { splunkBackend } from '../../src/backends/splunk/index.js';
import { writeOutput } from '../../src/compile/write-output.js';
import { referenceEngine } from '../../src/reference/index.js';
import { projectRows } from '../../src/events/model.js';
import type { Rule } from '../../src/ir/types.js';
import { loadRules } from '../../src/load/load-rules.js';
import { ENGINES, engineOpts, mappings } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';
import { nextTurn } from '../helpers/next-turn.js';

// followed_by in Splunk (two nested join subsearches) against the reference evaluator. Only the Splunk backend is
// compiled here, so these tests do not depend on the other backends expressing followed_by.

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ROOT = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function splunkDist(rules: Rule[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-spl-fb-'));
  dirs.push(dir);
  writeOutput(dir, splunkBackend.compile(rules, { templateDir: path.join(ROOT, 'templates/splunk'), mapping: mappings.splunk }).files);
  return dir;
}

async function both(rule: Rule, events: Record<string, unknown>[], dist: string) {
  await nextTurn();
  const opts = engineOpts(dist, NOW);
  const ref = await referenceEngine.run(rule, events, opts);
  const spl = await ENGINES.find((e) => e.name === 'spl')!.run(rule, events, opts);
  expect(projectRows(spl.rows, spl.keys), `spl vs reference\n${spl.query}`).toEqual(projectRows(ref.rows, spl.keys));
  return ref.rows;
}

const t = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

/** A scan-then-access rule with small numbers: 10-minute windows, 3 hosts, follow-ups within 5 minutes. */
function smallRule(extra: Record<string, unknown> = {}): Rule {
  const doc = baseRuleDoc();
  doc.schedule = { frequency: '1h', lookback: '1h' };
  doc.query = {
    source: 'network_connection',
    suppress: [],
    where: { field: 'dst_port', lt: 1000 },
    aggregate: {
      window: { size: '10m', as: 'WindowStart' },
      by: [{ field: 'src_ip', as: 'SourceIP' }],
      compute: [
        { as: 'Hosts', fn: 'distinct_count', field: 'dst_ip' },
        { as: 'Probes', fn: 'count' },
        { as: 'Ports', fn: 'values', field: 'dst_port', limit: 3 },
      ],
    },
    having: { field: 'Hosts', gte: 3 },
    followed_by: {
      within: '5m',
      same: 'dst_ip',
      where: { all: [{ field: 'action', in: ['allow'] }, { field: 'bytes_sent', gte: 100 }] },
      compute: [
        { as: 'Accessed', fn: 'distinct_count', field: 'dst_ip' },
        { as: 'Sessions', fn: 'count' },
        { as: 'AccessedList', fn: 'values', field: 'dst_ip', limit: 2 },
        { as: 'AccessedPorts', fn: 'values', field: 'dst_port', limit: 5 },
        { as: 'FirstAccess', fn: 'min', field: 'time' },
        { as: 'LastAccess', fn: 'max', field: 'time' },
      ],
    },
    output: ['WindowStart', 'SourceIP', 'Hosts', 'Probes', 'Ports', 'Accessed', 'Sessions', 'AccessedList', 'AccessedPorts', 'FirstAccess', 'LastAccess'],
    sort: [{ column: 'Sessions', order: 'desc' }],
    ...extra,
  };
  delete (doc.query as Record<string, unknown>).suppress;
  return ruleFromDoc(doc);
}

describe('followed_by in SPL agrees with the reference evaluator', () => {
  const rule = smallRule();
  const dist = splunkDist([rule]);
  // Window [11:20, 11:30): NOW is 12:00, so 11:20 is 2400 s ago.
  const probe = (src: string, host: number, secondsAgo: number, port = 80) => ({ time: t(secondsAgo), src_ip: src, dst_ip: `203.0.113.${host}`, dst_port: port, action: 'deny', bytes_sent: 60 });
  const session = (src: string, host: number, secondsAgo: number, extra: Record<string, unknown> = {}) => ({ time: t(secondsAgo), src_ip: src, dst_ip: `203.0.113.${host}`, dst_port: 4443, action: 'allow', bytes_sent: 500, ...extra });
  const scan = (src: string, start: number) => [probe(src, 1, start), probe(src, 2, start - 10), probe(src, 3, start - 20), probe(src, 1, start - 30)];

  it('a scan with sessions to probed hosts within 5 minutes of each probe alerts, with the follow-up aggregates', async () => {
    const rows = await both(rule, [
      ...scan('198.51.100.7', 2390),
      session('198.51.100.7', 1, 2300), // 90 s after host 1's first probe (2390)
      session('198.51.100.7', 2, 2100), // 280 s after host 2's probe (2380)
      session('198.51.100.7', 3, 2069), // 301 s after host 3's probe (2370): too late
      session('198.51.100.7', 3, 2070, { dst_port: 8443 }), // exactly 300 s after it: still within
      session('198.51.100.7', 9, 2300), // a host it never probed
      session('198.51.100.7', 1, 2390), // at the probe itself: not after it
    ], dist);
    expect(rows).toEqual([{
      WindowStart: '2026-11-23T11:20:00.000Z', SourceIP: '198.51.100.7', Hosts: 3, Probes: 4, Ports: [80],
      Accessed: 3, Sessions: 3, AccessedList: ['203.0.113.1', '203.0.113.2'], AccessedPorts: [4443, 8443], FirstAccess: t(2300), LastAccess: t(2070),
    }]);
  });

  it('no follow-up, a follow-up failing its where, or a scan under the threshold: no alert', async () => {
    const rows = await both(rule, [
      ...scan('198.51.100.7', 2390),
      session('198.51.100.7', 1, 2300, { action: 'deny' }),
      session('198.51.100.7', 2, 2300, { bytes_sent: 99 }),
      session('198.51.100.7', 3, 2300, { action: 'unknown' }), // the CIM placeholder for a missing action
      probe('198.51.100.8', 1, 2390), probe('198.51.100.8', 2, 2380),
      session('198.51.100.8', 1, 2300),
    ], dist);
    expect(rows).toEqual([]);
  });

  it('a follow-up counts for every window whose probe it follows; keys never mix', async () => {
    // Scans in [11:20, 11:30) and [11:30, 11:40); a session at 11:31:40 follows both probes of host 1.
    const rows = await both(rule, [
      ...scan('198.51.100.7', 1850), // 11:29:10 ...
      ...scan('198.51.100.7', 1790), // 11:30:10 ...
      session('198.51.100.7', 1, 1700),
      ...scan('2001:db8::5', 1790),
      session('2001:db8::6', 1, 1700),
    ], dist);
    expect(rows.map((r) => [r.WindowStart, r.SourceIP, r.Sessions])).toEqual([['2026-11-23T11:20:00.000Z', '198.51.100.7', 1], ['2026-11-23T11:30:00.000Z', '198.51.100.7', 1]]);
  });

  it('on random streams', async () => {
    const src = fc.constantFrom('198.51.100.7', '198.51.100.8', '2001:db8::5');
    const ev = fc.record({
      time: fc.integer({ min: 0, max: 3700 }).map(t),
      src_ip: fc.oneof(src, fc.constant(undefined)),
      dst_ip: fc.oneof(fc.integer({ min: 1, max: 5 }).map((n) => `203.0.113.${n}`), fc.constant('')),
      dst_port: fc.oneof(fc.constantFrom(22, 80, 443, 4443, 8080), fc.constant(undefined)),
      action: fc.constantFrom('allow', 'ALLOW', 'deny', undefined),
      bytes_sent: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(undefined)),
    });
    // Bursts of probes keep the threshold within reach, with sessions to some of the hosts shortly after.
    const followUp = fc.record({ host: fc.integer({ min: 1, max: 5 }), delay: fc.integer({ min: -60, max: 400 }), action: fc.constantFrom('allow', 'Allow', 'deny'), bytes: fc.constantFrom(50, 100, 500) });
    const burst = fc.tuple(src, fc.integer({ min: 0, max: 3600 }), fc.array(followUp, { maxLength: 4 })).map(([s, at, sessions]) => [
      ...[1, 2, 3, 4].map((h, i) => ({ time: t(at - i * 7), src_ip: s, dst_ip: `203.0.113.${h}`, dst_port: 80 })),
      ...sessions.map((f) => ({ time: t(at - f.delay), src_ip: s, dst_ip: `203.0.113.${f.host}`, dst_port: 4443, action: f.action, bytes_sent: f.bytes })),
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(ev, { maxLength: 60 }), fc.array(burst, { maxLength: 4 }), async (events, bursts) => {
        await both(rule, [...events, ...bursts.flat()], dist);
      }),
      { numRuns: 80, seed: 1595190 },
    );
  }, 120_000);

  it('with first_seen and a suppression window, on random streams', async () => {
    const lists = new Map([['quiet', {
      name: 'quiet', type: 'window' as const, description: 'test', file: 'rules/lists/quiet.yml',
      entries: [{ value: '198.51.100.8', start: t(3000), end: t(1500), ticket: 'T-1', line: 1 }],
    }]]);
    const { loadRuleText } = await import('../../src/load/load-rules.js');
    const { stringify } = await import('yaml');
    const doc = baseRuleDoc();
    doc.schedule = { frequency: '1h', lookback: '1h' };
    doc.query = {
      source: 'network_connection',
      suppress: [{ windows: '$quiet', field: 'src_ip' }],
      first_seen: { baseline: '1h' },
      aggregate: { window: { size: '10m', as: 'WindowStart' }, by: [{ field: 'src_ip', as: 'SourceIP' }], compute: [{ as: 'Hosts', fn: 'distinct_count', field: 'dst_ip' }] },
      having: { field: 'Hosts', gte: 2 },
      followed_by: { within: '10m', same: 'dst_ip', compute: [{ as: 'Sessions', fn: 'count' }, { as: 'Port', fn: 'any', field: 'dst_port' }] },
      output: ['WindowStart', 'SourceIP', 'Hosts', 'Sessions'],
    };
    const { rule: fs, diagnostics } = loadRuleText('rules/test/test-rule.yml', stringify(doc), { sharedLists: lists });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const d = splunkDist([fs!]);
    const ev = fc.record({
      time: fc.oneof(fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 7200 })).map(t),
      src_ip: fc.constantFrom('198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10', '198.51.100.11'),
      dst_ip: fc.integer({ min: 1, max: 4 }).map((n) => `203.0.113.${n}`),
      dst_port: fc.constantFrom(22, 80),
    });
    const burst = fc.tuple(fc.constantFrom('198.51.100.7', '198.51.100.8', '198.51.100.12'), fc.integer({ min: 0, max: 4000 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: -60, max: 800 })), { maxLength: 3 }))
      .map(([s, at, sessions]) => [
        ...[1, 2, 3].map((h, i) => ({ time: t(at - i * 5), src_ip: s, dst_ip: `203.0.113.${h}`, dst_port: 80 })),
        ...sessions.map(([h, delay]) => ({ time: t(at - delay), src_ip: s, dst_ip: `203.0.113.${h}`, dst_port: 22 })),
      ]);
    await fc.assert(fc.asyncProperty(fc.array(ev, { maxLength: 30 }), fc.array(burst, { maxLength: 3 }), async (events, bursts) => void (await both(fs!, [...events, ...bursts.flat()], d))), { numRuns: 60, seed: 1595191 });
  }, 120_000);
});

describe('scan-followed-by-access in SPL', () => {
  const rule = loadRules('rules').rules.find((r) => r.slug === 'scan-followed-by-access');
  it.skipIf(!rule)('agrees with the reference evaluator on a scan followed by sessions', async () => {
    const dist = splunkDist([rule!]);
    const events: Record<string, unknown>[] = [];
    for (let h = 1; h <= 12; h++) events.push({ time: t(5000 - h), src_ip: '198.51.100.7', dst_ip: `203.0.113.${h}`, dst_port: 443, action: 'deny', bytes_sent: 60, bytes_received: 0 });
    events.push({ time: t(4000), src_ip: '198.51.100.7', dst_ip: '203.0.113.3', dst_port: 443, action: 'allow', bytes_sent: 900, bytes_received: 4000 });
    events.push({ time: t(3000), src_ip: '198.51.100.7', dst_ip: '203.0.113.4', dst_port: 22, action: 'SF', bytes_sent: 300, bytes_received: 50 });
    events.push({ time: t(1000), src_ip: '198.51.100.7', dst_ip: '203.0.113.5', dst_port: 443, action: 'allow', bytes_sent: 900, bytes_received: 4000 }); // > 1 h after its probe
    const rows = await both(rule!, events, dist);
    expect(rows.map((r) => [r.SourceIP, r.AccessedHosts, r.AccessedHostList, r.AccessedPorts])).toEqual([['198.51.100.7', 2, ['203.0.113.3', '203.0.113.4'], [22, 443]]]);
  });
});
