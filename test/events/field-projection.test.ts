import { describe, expect, it } from 'vitest';
import { natives } from '../helpers/dist.js';
import { eventDecoder } from '../../src/events/formats.js';

describe('decoding only the fields a rule reads', () => {
  const batch = (lines: string[]) => ({ lines, first: 1, bytes: 0 });

  it('a Sentinel export gives only the canonical fields asked for, nested values and unmapped fields ignored', () => {
    const fields = new Set(['time', 'src_ip', 'dst_port']);
    const d = eventDecoder('sentinel', 'network_connection', 'f.jsonl', natives, fields);
    const out = d.batch(batch([
      '{"TimeGenerated":"2026-11-23T11:00:00Z","SourceIP":"198.51.100.1","DestinationIP":"203.0.113.1","DestinationPort":22}',
      '{"TimeGenerated":"2026-11-23T11:00:01Z","SourceIP":"198.51.100.2","DestinationPort":23,"AdditionalExtensions":{"nested":[1]}}',
    ]));
    expect(out.rows).toEqual([
      { time: '2026-11-23T11:00:00Z', src_ip: '198.51.100.1', dst_port: 22 },
      { time: '2026-11-23T11:00:01Z', src_ip: '198.51.100.2', dst_port: 23 },
    ]);
    const all = eventDecoder('sentinel', 'network_connection', 'f.jsonl', natives).batch(batch(['{"TimeGenerated":"2026-11-23T11:00:00Z","SourceIP":"198.51.100.1","DestinationIP":"203.0.113.1","DestinationPort":22}']));
    expect(all.rows[0]).toMatchObject({ dst_ip: '203.0.113.1' });
  });

  it('a line that is not JSON is refused on its line, even in a field the rule does not read', () => {
    const d = eventDecoder('canonical', 'network_connection', 'f.jsonl', natives, new Set(['time', 'src_ip']));
    expect(() => d.batch(batch(['{"time":"2026-11-23T11:00:00Z","src_ip":"198.51.100.1"}', '{"time":"2026-11-23T11:00:00Z","dst_port":01}']))).toThrow(/^f\.jsonl:2: not a JSON object/);
  });
});
