import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/dist.js';
import { eventReads, isReiterable } from '../../src/events/passes.js';
import { projectRows } from '../../src/events/model.js';
import { engineOpts, ownPack } from '../helpers/dist.js';
import { at, NOW, sweep } from '../helpers/events.js';

const { rules, dist } = ownPack();
const opts = engineOpts(dist, NOW);
const rule = rules.find((r) => r.slug === 'scan-followed-by-access')!;
const events = [
  ...sweep('198.51.100.60', 1, 10),
  { time: at(10), src_ip: '198.51.100.60', dst_ip: '203.0.113.3', dst_port: 443, action: 'allow', bytes_sent: 900, bytes_received: 4000 },
];
const oneShot = () => (async function* () { yield* events; })();

describe('event streams read more than once', () => {
  it('tells arrays and re-iterable streams from one-shot generators', () => {
    expect(isReiterable(events)).toBe(true);
    expect(isReiterable({ [Symbol.asyncIterator]: oneShot })).toBe(true);
    expect(isReiterable(oneShot())).toBe(false);
    const reads = eventReads(oneShot(), 'x');
    reads();
    expect(() => reads()).toThrow(/x: the rule's query reads its events more than once .* a one-shot stream can be read once/);
  });

  it('the KQL and SPL engines refuse a one-shot stream for a query that joins its table, instead of reading nothing', async () => {
    for (const name of ['kql', 'spl']) {
      const engine = ENGINES.find((e) => e.name === name)!;
      await expect(engine.run(rule, oneShot(), opts), name).rejects.toThrow(/reads its events more than once/);
    }
  });

  it('a re-iterable stream is read again, and every engine agrees with the array', async () => {
    const ref = await ENGINES.find((e) => e.name === 'reference')!.run(rule, events, opts);
    expect(ref.rows).toHaveLength(1);
    for (const name of ['reference', 'kql', 'spl']) {
      const r = await ENGINES.find((e) => e.name === name)!.run(rule, { [Symbol.asyncIterator]: oneShot }, opts);
      // Compared as detc test compares engines (Splunk's values are text: 443 and "443" are one value).
      expect(projectRows(r.rows, ref.keys), name).toEqual(projectRows(ref.rows, ref.keys));
    }
  });
});
