import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReadRounds, type BatchSource } from '../../src/engines/kql/read-rounds.js';
import { variantFields } from '../../src/engines/kql/variant-fields.js';
import { variantMapping } from '../../src/mapping/mapping.js';
import { toNativeConverter } from '../../src/mapping/native.js';
import type { BackendMapping } from '../../src/mapping/types.js';
import { loadRules } from '../../src/load/load-rules.js';
import { sentinel } from '../../src/targets/sentinel.js';
import { buildDist, ENGINES, mappings } from '../helpers/dist.js';
import { at, NOW, sweep } from '../helpers/events.js';
import { projectRows } from '../../src/events/model.js';
import type { RunOptions } from '../../src/engines/types.js';

/** A source of `n` batches of two numbers that counts its passes. */
function counted(n: number, fail?: number) {
  const source = {
    passes: 0,
    read: (async function* () {
      source.passes++;
      for (let i = 0; i < n; i++) {
        if (i === fail) throw new Error('read failed');
        yield [2 * i, 2 * i + 1];
      }
    }) as BatchSource<number>,
  };
  return source;
}

describe('read rounds: queries running together share their passes over the events', () => {
  it('each query sees every batch of every read it asks for, and one pass serves all queries waiting on a source', async () => {
    const a = counted(3);
    const b = counted(2);
    const rounds = new ReadRounds<number>();
    const query = (reads: BatchSource<number>[]) => async () => {
      const seen: number[][] = [];
      for (const r of reads) {
        const items: number[] = [];
        await rounds.read(r, (batch) => items.push(...batch));
        seen.push(items);
      }
      return seen;
    };
    const results = await rounds.all([query([a.read, a.read]), query([a.read, b.read]), query([a.read])]);
    expect(results).toEqual([
      { status: 'fulfilled', value: [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5]] },
      { status: 'fulfilled', value: [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3]] },
      { status: 'fulfilled', value: [[0, 1, 2, 3, 4, 5]] },
    ]);
    // Round 1: every query reads a (one pass). Round 2: the first reads a again, the second b.
    expect(a.passes).toBe(2);
    expect(b.passes).toBe(1);
  });

  it('a read outside `all` starts at once', async () => {
    const a = counted(2);
    const items: number[] = [];
    await new ReadRounds<number>().read(a.read, (batch) => items.push(...batch));
    expect(items).toEqual([0, 1, 2, 3]);
  });

  it("a query's failure (in its push, or before it reads) is its own: the others read on; a failing source fails its readers", async () => {
    const a = counted(3);
    const rounds = new ReadRounds<number>();
    const reader = (fail: boolean) => async () => {
      let n = 0;
      await rounds.read(a.read, (batch) => {
        n += batch.length;
        if (fail && n > 2) throw new Error('push failed');
      });
      await rounds.read(a.read, (batch) => void (n += batch.length));
      return n;
    };
    const early = async () => {
      throw new Error('compile failed');
    };
    const out = await rounds.all([reader(true), early, reader(false)]);
    expect(out.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['push failed', 'compile failed', 12]);
    const broken = counted(3, 1);
    const failing = new ReadRounds<number>();
    const both = await failing.all([0, 1].map(() => () => failing.read(broken.read, () => undefined)));
    expect(both.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['read failed', 'read failed']);
    expect(broken.passes).toBe(1);
  });
});

describe('a mapping variant reads the main mapping\'s native events under its own names', () => {
  const main = mappings.sentinel;
  const asim = variantMapping(main, 'asim');
  const source = 'network_connection';
  const conv = sentinel.native;

  it('ASIM: each variant field is the main field holding the same canonical field', () => {
    const fields = variantFields(source, main, asim)!;
    expect(fields.get('SrcIpAddr')).toBe('SourceIP');
    expect(fields.get('DstPortNumber')).toBe('DestinationPort');
    expect(fields.get('TimeGenerated')).toBe('TimeGenerated');
    expect(fields.size).toBe(Object.keys(asim.sources[source]!.fields).length);
  });

  it('the renamed main event is exactly the event the variant mapping makes, on random events and field subsets', () => {
    const fields = variantFields(source, main, asim)!;
    const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(''), fc.constant(' '), fc.string(), fc.integer(), fc.constant('443'), fc.constant('12x'),
      fc.constant('2026-11-23T11:00:00.000Z'), fc.constant('2026-11-23 11:00:00'), fc.constant(1_700_000_000_000), fc.boolean());
    const names = Object.keys(main.sources[source]!.fields);
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), value), fc.subarray(names), (event, only) => {
      for (const subset of [undefined, new Set(only)]) {
        const m = toNativeConverter(source, main, conv, subset)(event);
        const renamed: Record<string, unknown> = {};
        for (const [v, k] of fields) if (m[k] !== undefined) renamed[v] = m[k];
        expect(renamed).toEqual(toNativeConverter(source, asim, conv, subset)(event));
      }
    }), { numRuns: 300 });
  });

  it('refuses a variant whose values could differ from the main ones: a transform, other placeholders, a field the main lacks, a shared name', () => {
    const edit = (m: BackendMapping, f: (fields: BackendMapping['sources'][string]['fields']) => void): BackendMapping => {
      const copy = structuredClone(m);
      f(copy.sources[source]!.fields);
      return copy;
    };
    expect(variantFields(source, main, edit(asim, (x) => void (x.src_ip!.transform = 'basename')))).toBeUndefined();
    expect(variantFields(source, main, edit(asim, (x) => void (x.src_ip!.missing = ['unknown'])))).toBeUndefined();
    expect(variantFields(source, edit(main, (x) => void delete x.src_ip), asim)).toBeUndefined();
    expect(variantFields(source, edit(main, (x) => void (x.dst_ip!.name = 'SourceIP')), asim)).toBeUndefined();
    expect(variantFields(source, main, edit(asim, (x) => void (x.dst_ip!.name = 'SrcIpAddr')))).toBeUndefined();
    // A field only the main maps is simply not the variant's.
    expect(variantFields(source, main, edit(asim, (x) => void delete x.src_port))?.has('SrcPortNumber')).toBe(false);
  });
});

describe('the KQL engine reads the events once per round for a query and its variants', () => {
  const rules = loadRules('rules').rules;
  const dist = buildDist(rules);
  const opts: RunOptions = { now: NOW, distDir: dist, mappings, schemasDir: 'schemas/kql' };
  const kql = ENGINES.find((e) => e.name === 'kql')!;
  const reference = ENGINES.find((e) => e.name === 'reference')!;
  /** The events as a re-iterable stream counting its whole passes. */
  const passes = (events: Record<string, unknown>[]) => {
    const s = {
      count: 0,
      async *[Symbol.asyncIterator]() {
        yield* events;
        s.count++;
      },
    };
    return s;
  };

  it('ip-block-scan and its ASIM variant: one pass; scan-followed-by-access and its variant: two (the join streams its sessions after its index)', async () => {
    const session = (src: string, dst: string, min: number) => ({
      time: at(min), src_ip: src, dst_ip: dst, dst_port: 443, action: 'allow', bytes_sent: 900, bytes_received: 4000,
    });
    const events = [
      ...sweep('198.51.100.1', 20, 1), ...sweep('198.51.100.3', 1, 15), ...sweep('10.1.2.3', 30, 1),
      ...sweep('198.51.100.60', 1, 10), session('198.51.100.60', '203.0.113.3', 10), session('198.51.100.3', '203.0.113.7', 10),
    ];
    for (const [slug, expected, alerts] of [['ip-block-scan', 1, 2], ['scan-followed-by-access', 2, 2]] as const) {
      const rule = rules.find((r) => r.slug === slug)!;
      const stream = passes(events);
      const out = await kql.run(rule, stream, opts);
      expect(stream.count).toBe(expected);
      const ref = (await reference.run(rule, events, opts)).rows;
      expect(ref.length).toBe(alerts);
      // A port set is text in KQL (sorted with tostring), numbers in the reference.
      expect(projectRows(out.rows, Object.keys(ref[0]!))).toEqual(projectRows(ref, Object.keys(ref[0]!)));
    }
  });

  it('a variant whose values could differ from the main ones reads the events mapped its own way, in the same round', async () => {
    // A placeholder for a missing source port in the variant only: its native events are made from the canonical ones.
    const sentinelMapping = structuredClone(mappings.sentinel);
    sentinelMapping.variants!.asim!.network_connection!.fields.src_port!.missing = ['0'];
    const rule = rules.find((r) => r.slug === 'ip-block-scan')!;
    const events = [...sweep('198.51.100.1', 20, 1), ...sweep('198.51.100.3', 1, 15)];
    const stream = passes(events);
    const out = await kql.run(rule, stream, { ...opts, mappings: { ...mappings, sentinel: sentinelMapping } });
    expect(stream.count).toBe(2);
    expect(out.rows).toEqual((await kql.run(rule, events, opts)).rows);
    expect(out.rows).toHaveLength(2);
  });
});
