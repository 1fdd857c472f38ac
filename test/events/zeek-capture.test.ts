import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/dist.js';
import type { Row } from '../../src/events/model.js';
import { readEvents } from '../../src/events/formats.js';
import { readLines } from '../../src/events/lines.js';
import { projectRows } from '../../src/events/model.js';
import { engineOpts, natives, ownPack } from '../helpers/dist.js';

// A real Zeek conn.log (JSON) of nmap scans by the internal host 172.16.1.11, read in place from CI's ../shared
// (never copied into the project; see ../shared/data/SOURCE.txt for its provenance).
const SHARED = path.resolve(__dirname, '../../../shared/data/stratosphere-002-nmap-portscan.conn.json.log');
const present = existsSync(SHARED);
if (!present) console.warn(`SKIPPED: ${SHARED} is absent (it is in CI's ../shared, not in a user's clone)`);

describe.skipIf(!present)('real Zeek capture of an nmap scan by an internal host (../shared/data)', () => {
  const { rules, dist } = ownPack();
  const rule = (slug: string) => rules.find((r) => r.slug === slug)!;

  async function capture(): Promise<Row[]> {
    const events: Row[] = [];
    for await (const e of readEvents(readLines(SHARED), 'zeek', 'network_connection', SHARED, natives)) events.push(e);
    return events;
  }
  /** Alerts of a rule in every engine, checked to agree on the columns each engine expresses. */
  async function alerts(slug: string, events: Row[], now: number): Promise<Row[]> {
    const opts = engineOpts(dist, now);
    const [ref, ...others] = await Promise.all(ENGINES.map((e) => e.run(rule(slug), events, opts)));
    // Value sets too: this capture has scans of 1000 ports, far above the limits, and every engine keeps the first
    // N in text order (docs/semantics.md).
    for (const o of others) {
      if (o.ignores?.includes('rule')) continue;
      expect(projectRows(o.rows, o.keys), `${o.engine} on ${slug}`).toEqual(projectRows(ref!.rows, o.keys));
    }
    return ref!.rows;
  }

  it('the internal scanner raises the internal-sweep alert and no inbound alert; rewritten to a public address, the reverse', async () => {
    const events = await capture();
    expect(events.length).toBe(4504);
    const now = Math.max(...events.map((e) => e.time as number)) + 60_000;

    const sweep = await alerts('internal-network-sweep', events, now);
    expect(sweep.length).toBeGreaterThan(0);
    expect(new Set(sweep.map((a) => a.SourceIP))).toEqual(new Set(['172.16.1.11']));
    for (const inbound of ['ip-block-scan', 'half-open-scan', 'icmp-ping-sweep']) expect(await alerts(inbound, events, now), inbound).toEqual([]);

    const rewritten = events.map((e) => (e.src_ip === '172.16.1.11' ? { ...e, src_ip: '198.51.100.11' } : e));
    const inbound = await alerts('ip-block-scan', rewritten, now);
    expect(inbound.length).toBeGreaterThan(0);
    expect(new Set(inbound.map((a) => a.SourceIP))).toEqual(new Set(['198.51.100.11']));
    // nmap's probes of closed ports end in REJ / S0: the half-open rule sees the same public scanner.
    const halfOpen = await alerts('half-open-scan', rewritten, now);
    expect(new Set(halfOpen.map((a) => a.SourceIP))).toEqual(new Set(['198.51.100.11']));
    expect(await alerts('internal-network-sweep', rewritten, now)).toEqual([]);
  });
});
