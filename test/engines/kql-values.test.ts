import { describe, expect, it } from 'vitest';
import { toEpochMs } from '../../src/events/model.js';
import { ipv4Number } from '../../src/engines/kql/ip-ranges.js';
import { fromEvent } from '../../src/engines/kql/values.js';
import { parseIpv4 } from '../../src/util/ip.js';

// The KQL engine reads times and IPv4 addresses with fast paths of its own; they must read exactly what detc's one
// reading of a time (toEpochMs) and of an address (util/ip.ts) read.

let seed = 11;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

describe('KQL datetime columns', () => {
  it('read ISO text as toEpochMs does, on random and invalid times', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const texts = ['2026-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-04-31T12:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-23T24:00:00.000Z',
      '2026-11-23T11:30:60.000Z', '2026-11-23 11:30:00', '2026-11-23T11:30:00.000+01:00', '2026-11-2xT11:30:00.000Z', '', 'yesterday', '0999-01-01T00:00:00.000Z'];
    for (let i = 0; i < 5000; i++) {
      texts.push(`${pad(1990 + random(120), 4)}-${pad(random(14), 2)}-${pad(random(33), 2)}T${pad(random(25), 2)}:${pad(random(61), 2)}:${pad(random(61), 2)}.${pad(random(1000), 3)}Z`);
      texts.push(new Date(Date.UTC(2000, 0, 1) + random(2_000_000_000) * 1000 + random(1000)).toISOString());
    }
    for (const t of texts) expect([t, fromEvent(t, 'datetime')]).toEqual([t, toEpochMs(t) ?? null]);
  });
});

describe('KQL IPv4 reading', () => {
  it('reads what util/ip.ts reads (after trimming, as Kusto does), on random texts', () => {
    const parts = ['0', '1', '9', '10', '99', '100', '255', '256', '999', '1000', '01', '00', '-1', '', 'a', ' 1', '1 '];
    const texts = ['1.2.3.4', ' 1.2.3.4 ', '1.2.3', '1.2.3.4.5', '1..2.3', '::1', '', '255.255.255.255', '0.0.0.0', '1.2.3.4\n'];
    for (let i = 0; i < 20000; i++) {
      const n = 3 + random(3);
      texts.push(Array.from({ length: n }, () => parts[random(parts.length)]).join(random(20) ? '.' : ':'));
    }
    for (const t of texts) {
      const want = parseIpv4(t.trim());
      expect([t, ipv4Number(t)]).toEqual([t, want === null ? null : Number(want)]);
    }
  });
});
