import { describe, expect, it } from 'vitest';
import { fromNativeConverter, toNativeConverter, type NativeConventions } from '../../src/mapping/native.js';
import type { BackendMapping } from '../../src/mapping/types.js';
import { toEpochMs } from '../../src/events/model.js';

// Native names that are awkward as code: the converters are compiled into functions, and these must stay data.
const odd = { src_ip: 'Source"IP', dst_ip: 'Dest\\IP\n', dst_port: '${port}', time: "it's time", device_vendor: 'constructor', action: 'Act\u2028ion' };
const mapping: BackendMapping = {
  file: 'test-mapping.yml',
  sources: {
    network_connection: {
      settings: {},
      fields: {
        ...Object.fromEntries(Object.entries(odd).map(([canon, name]) => [canon, { name, missing: [] }])),
        protocol: { name: 'proto', missing: ['unknown'] },
        bytes_sent: { name: 'out', missing: ['0'] },
      },
    },
  },
};
const conventions: NativeConventions[] = [{ time: 'iso', missing: 'empty-string' }, { time: 'epoch-seconds', missing: 'placeholder' }, { time: 'iso', missing: 'absent' }];

describe('the compiled field mappings', () => {
  it('write and read every native name as it is written in the mapping', () => {
    const e = { time: '2026-11-23T11:30:00.000Z', src_ip: '198.51.100.1', dst_ip: '203.0.113.5', dst_port: '443', device_vendor: 'Acme', action: 'deny', protocol: 'tcp', bytes_sent: 12 };
    const native = toNativeConverter('network_connection', mapping, conventions[0]!)(e);
    expect(native).toEqual({ "it's time": e.time, 'Source"IP': e.src_ip, 'Dest\\IP\n': e.dst_ip, '${port}': 443, proto: 'tcp', 'Act\u2028ion': 'deny', constructor: 'Acme', out: 12 });
    expect(Object.hasOwn(native, 'constructor')).toBe(true);
    expect(fromNativeConverter('network_connection', mapping, conventions[0]!)(native)).toEqual({ ...e, dst_port: 443 });
    // A row without the field does not lend it Object.prototype's `constructor`.
    expect(fromNativeConverter('network_connection', mapping, conventions[0]!)({ 'Source"IP': '198.51.100.1' })).toEqual({ src_ip: '198.51.100.1' });
  });

  it('missing values, placeholders and integer texts follow each store\'s conventions', () => {
    const e = { time: '2026-11-23T11:30:00Z', src_ip: '', dst_port: ' 80 ', protocol: null, bytes_sent: 'many' };
    const [sentinel, splunk, ts] = conventions.map((c) => toNativeConverter('network_connection', mapping, c)(e));
    expect(sentinel).toEqual({ "it's time": '2026-11-23T11:30:00.000Z', 'Source"IP': '', 'Dest\\IP\n': '', '${port}': 80, proto: '', 'Act\u2028ion': '', constructor: '', out: 'many' });
    expect(splunk).toEqual({ "it's time": Date.parse(e.time) / 1000, '${port}': 80, proto: 'unknown', out: 'many' });
    expect(ts).toEqual({ "it's time": '2026-11-23T11:30:00.000Z', '${port}': 80, out: 'many' });
    expect(fromNativeConverter('network_connection', mapping, conventions[1]!)(splunk!)).toEqual({ time: Date.parse(e.time), dst_port: 80, bytes_sent: 'many' });
  });

  it('a time already read is the same as the time read again, in every store', () => {
    const times = ['2026-11-23T11:30:00.000Z', '2026-11-23T11:30:00Z', '2026-11-23 11:30:00', '2026-11-23T12:30:00+01:00', Date.parse('2026-11-23T11:30:00.123Z'), '0999-01-01T00:00:00.000Z'];
    for (const c of conventions) {
      const convert = toNativeConverter('network_connection', mapping, c);
      for (const time of times) expect(convert({ time }, toEpochMs(time)), `${c.time} ${time}`).toEqual(convert({ time }));
    }
  });
});
