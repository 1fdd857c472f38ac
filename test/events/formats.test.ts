import { describe, expect, it } from 'vitest';
import { natives } from '../helpers/dist.js';
import { readEvents, type EventFormat } from '../../src/events/formats.js';
import { textLines } from '../../src/events/lines.js';

async function read(text: string, format: EventFormat, source = 'network_connection') {
  const out = [];
  for await (const e of readEvents(textLines(text), format, source, 'inline', natives)) out.push(e);
  return out;
}

describe('event formats → canonical events', () => {
  it('sentinel JSON lines and CSV exports use the Sentinel mapping', async () => {
    const json = await read('{"TimeGenerated":"2026-11-23T11:00:00Z","SourceIP":"198.51.100.1","DestinationPort":22,"DeviceVendor":"Fortinet","Unmapped":1}', 'sentinel');
    expect(json).toEqual([{ time: '2026-11-23T11:00:00Z', src_ip: '198.51.100.1', dst_port: 22, device_vendor: 'Fortinet' }]);
    const csv = await read('TimeGenerated [UTC],SourceIP,DestinationIP,DestinationPort,Activity\n"2026-11-23T11:00:00Z",198.51.100.1,203.0.113.5,443,"deny, ""quoted"""\n', 'sentinel');
    expect(csv).toEqual([{ time: '2026-11-23T11:00:00Z', src_ip: '198.51.100.1', dst_ip: '203.0.113.5', dst_port: 443 }]);
  });

  it('splunk CIM events: _time in seconds, CIM placeholders become missing', async () => {
    const e = await read('{"_time":1795000000,"src_ip":"198.51.100.1","dest_port":0,"transport":"unknown","dest_ip":"203.0.113.1"}', 'splunk');
    expect(e).toEqual([{ time: 1795000000000, src_ip: '198.51.100.1', dst_ip: '203.0.113.1' }]);
  });

  it('CEF syslog lines, with escapes and values containing spaces', async () => {
    const [e] = await read('<134>1 2026-11-23T11:00:00Z fw1 CEF:0|Palo Alto Networks|PAN-OS|10.1|end|TRAFFIC|3|src=198.51.100.1 dst=203.0.113.9 spt=51514 dpt=443 proto=TCP act=deny msg=a\\=b and c', 'cef');
    expect(e).toEqual({ device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS', src_ip: '198.51.100.1', dst_ip: '203.0.113.9', src_port: 51514, dst_port: 443, protocol: 'TCP', action: 'deny', time: '2026-11-23T11:00:00Z' });
  });

  it('Zeek conn.log TSV (with its header) and JSON; ICMP has no ports', async () => {
    const tsv = '#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\n1795000000.5\tC1\t198.51.100.1\t4000\t203.0.113.1\t22\ttcp\tS0\n1795000001.0\tC2\t198.51.100.1\t8\t203.0.113.2\t0\ticmp\tOTH\n';
    expect(await read(tsv, 'zeek')).toEqual([
      { device_vendor: 'Zeek', device_product: 'conn.log', time: 1795000000500, src_ip: '198.51.100.1', src_port: 4000, dst_ip: '203.0.113.1', dst_port: 22, protocol: 'tcp', action: 'S0' },
      { device_vendor: 'Zeek', device_product: 'conn.log', time: 1795000001000, src_ip: '198.51.100.1', dst_ip: '203.0.113.2', protocol: 'icmp', action: 'OTH' },
    ]);
    const json = await read('{"ts":1795000000.5,"id.orig_h":"198.51.100.1","id.orig_p":4000,"id.resp_h":"203.0.113.1","id.resp_p":22,"proto":"tcp"}', 'zeek');
    expect(json[0]).toMatchObject({ src_ip: '198.51.100.1', dst_port: 22, time: 1795000000500 });
  });

  it('reports the line of a malformed event', async () => {
    await expect(read('{"time":"2026-11-23T11:00:00Z"}\nnot json', 'canonical')).rejects.toThrow(/^inline:2: not a JSON object/);
    await expect(read('1795000000\tx', 'zeek')).rejects.toThrow(/#fields header/);
    // A #fields header shorter than its rows: columns would be dropped (0 alerts, no error).
    const short = '#separator \\x09\n#fields\tts\tuid\tid.orig_h\n1795000000.5\tC1\t198.51.100.1\t4000\t203.0.113.1\t22\ttcp\tS0\n';
    await expect(read(short, 'zeek')).rejects.toThrow('inline:3: 8 fields, but the #fields header names 3 (ts uid id.orig_h)');
    await expect(read('#fields\tts\tuid\tid.orig_h\tid.resp_h\n1795000000.5\tC1\t198.51.100.1', 'zeek')).rejects.toThrow('inline:2: 3 fields, but the #fields header names 4');
  });
});
