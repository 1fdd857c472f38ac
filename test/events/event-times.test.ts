import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { natives } from '../helpers/dist.js';
import { readEvents, type EventFormat } from '../../src/events/formats.js';
import { readLines, textLines } from '../../src/events/lines.js';
import { isIsoShaped, isIsoString, toEpochMs } from '../../src/events/model.js';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-times-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(text: string, format: EventFormat) {
  const out = [];
  for await (const e of readEvents(textLines(text), format, 'network_connection', 'events.jsonl', natives)) out.push(e);
  return out;
}

/** 20 denied ports from one public source in one 5-minute window: one ip-block-scan alert, times written by `time`. */
function portScan(time: (i: number) => unknown): string {
  return Array.from({ length: 20 }, (_, i) => JSON.stringify({
    time: time(i), src_ip: '198.51.100.10', src_port: 40000 + i, dst_ip: '203.0.113.10', dst_port: i + 1, protocol: 'TCP',
    action: 'deny', device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS',
  })).join('\n');
}

async function detcRun(events: string) {
  const file = path.join(tmp, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, events);
  return run(ROOT, 'run', 'rules/network/ip-block-scan.yml', '--events', file, '--now', '2026-11-23T12:00:00Z');
}

describe('event times', () => {
  it('the suite runs outside UTC (vitest.config.ts), so a time read in local time fails here', () => {
    expect(new Date(Date.UTC(2026, 10, 23)).getTimezoneOffset()).not.toBe(0);
  });

  it('a time without a zone is UTC, whatever the machine zone', async () => {
    for (const [text, format] of [
      ['{"time":"2026-11-23T11:30:00"}', 'canonical'],
      ['{"time":"2026-11-23 11:30:00.000"}', 'canonical'],
      ['TimeGenerated [UTC],SourceIP\n2026-11-23T11:30:00,198.51.100.1', 'sentinel'],
      // The Log Analytics portal's CSV export: month first, 12-hour clock, UTC by its header.
      ['TimeGenerated [UTC],SourceIP\n"11/23/2026, 11:30:00.000 AM",198.51.100.1', 'sentinel'],
      ['CEF:0|Palo Alto Networks|PAN-OS|10.2|end|TRAFFIC|3|rt=Nov 23 2026 11:30:00 src=198.51.100.1', 'cef'],
    ] as const) {
      const [e] = await read(text, format);
      expect(toEpochMs(e!.time), text).toBe(Date.UTC(2026, 10, 23, 11, 30));
    }
    expect(toEpochMs('2026-11-23T12:30:00+01:00')).toBe(Date.UTC(2026, 10, 23, 11, 30));
    const [pm, midnight] = await read('TimeGenerated [UTC],SourceIP\n"11/23/2026, 1:05:09.250 PM",198.51.100.1\n"11/24/2026, 12:00:00.000 AM",198.51.100.1', 'sentinel');
    expect([toEpochMs(pm!.time), toEpochMs(midnight!.time)]).toEqual([Date.UTC(2026, 10, 23, 13, 5, 9, 250), Date.UTC(2026, 10, 24, 0, 0)]);
    // detc run on zoneless times: the scan is at 11:30 UTC, inside the 1h lookback before 12:00Z.
    const r = await detcRun(portScan((i) => `2026-11-23T11:30:${String(10 + i).padStart(2, '0')}`));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').map((l) => JSON.parse(l))).toMatchObject([{ SourceIP: '198.51.100.10', UniqueDestPorts: 20, EarliestEvent: '2026-11-23T11:30:10.000Z' }]);
  });

  it('epoch seconds where milliseconds are expected is an error naming file:line, not an event of 1970', async () => {
    await expect(read('{"time":1795433410000}\n{"time":1795433410}', 'canonical')).rejects.toThrow(
      'events.jsonl:2: time: 1795433410 reads as 1970-01-21T18:43:53.410Z, outside 2000-2099 (epoch seconds? canonical numeric times are milliseconds: 1795433410000)',
    );
    const r = await detcRun(portScan((i) => 1795433410 + i));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^detc run: .*events-\w+\.jsonl:1: time: 1795433410 reads as 1970-01-21T18:43:53\.410Z/);
  });

  it('a time that is not one, or no time at all, is an error naming file:line', async () => {
    for (const [text, line, what] of [
      ['{"time":"2026-11-23T11:30:00Z"}\n\n{"time":"yesterday"}', 3, '"yesterday" is not a time'],
      ['{"time":"2026-02-31T11:30:00Z"}', 1, '"2026-02-31T11:30:00Z" is not a time'],
      ['{"time":"1"}', 1, '"1" is not a time'],
      ['{"time":"Nov 23 2026 11:30:00"}', 1, '"Nov 23 2026 11:30:00" is not a time'],
      ['{"time":"3026-11-23T11:30:00Z"}', 1, '"3026-11-23T11:30:00Z" reads as 3026-11-23T11:30:00.000Z, outside 2000-2099'],
      ['{"src_ip":"198.51.100.1"}', 1, 'the event has no time'],
    ] as const) {
      await expect(read(text, 'canonical'), text).rejects.toThrow(`events.jsonl:${line}: time: ${what}`);
    }
    await expect(read('{"_time":"yesterday","src_ip":"198.51.100.1"}', 'splunk')).rejects.toThrow('events.jsonl:1: time: "yesterday" is not a time');
    await expect(read('#fields\tts\tid.orig_h\nabc\t198.51.100.1', 'zeek')).rejects.toThrow('events.jsonl:2: time: "abc" is not a time');
    const r = await detcRun(portScan(() => 'yesterday'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/events-\w+\.jsonl:1: time: "yesterday" is not a time/);
  });
});

describe('event files that are not UTF-8', () => {
  it('are refused at the line of the first bad byte, not read with U+FFFD in their values', async () => {
    const file = path.join(tmp, 'latin1.jsonl');
    writeFileSync(file, Buffer.concat([
      Buffer.from('{"time":"2026-11-23T11:30:00Z","device_name":"fw-\uFFFD-ok"}\r\n', 'utf8'),
      Buffer.from('{"time":"2026-11-23T11:30:01Z","device_name":"fw-Zürich"}\n', 'latin1'),
    ]));
    const r = await run(ROOT, 'run', 'rules/network/ip-block-scan.yml', '--events', file, '--now', '2026-11-23T12:00:00Z');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/latin1\.jsonl:2: byte 0xFC is not UTF-8: save the events as UTF-8$/);
    // A real U+FFFD, CRLF line ends and a last line without a newline are read as before.
    writeFileSync(file, Buffer.from('{"time":"2026-11-23T11:30:00Z","device_name":"fw-\uFFFD"}\r\n{"time":"2026-11-23T11:30:01Z"}', 'utf8'));
    const lines = [];
    for await (const l of readLines(file)) lines.push(l);
    expect(lines).toEqual([{ line: '{"time":"2026-11-23T11:30:00Z","device_name":"fw-\uFFFD"}', n: 1 }, { line: '{"time":"2026-11-23T11:30:01Z"}', n: 2 }]);
  });
});

describe('isIsoString: times already in toISOString\'s form', () => {
  it('is true exactly when toISOString of the time gives the text back', () => {
    const texts = ['2026-11-23T11:30:00.000Z', '2026-02-28T23:59:59.999Z', '2024-02-29T00:00:00.000Z', '2026-02-29T00:00:00.000Z', '2026-11-23T11:30:00Z', '2026-11-23T11:30:00.000+00:00', '2026-11-23 11:30:00.000Z', '2026-13-01T00:00:00.000Z', '0999-01-01T00:00:00.000Z', '0050-01-01T00:00:00.000Z', '2026-11-23T24:00:00.000Z', '2026-11-23T11:30:00.00aZ'];
    for (const t of texts) {
      const ms = toEpochMs(t);
      const same = ms !== undefined && new Date(ms).toISOString() === t;
      expect(isIsoString(t), t).toBe(same);
    }
    expect(isIsoString(1795000000000)).toBe(false);
  });

  it('isIsoShaped agrees with isIsoString on every text read as a time', () => {
    const texts = ['2026-11-23T11:30:00.000Z', '2024-02-29T00:00:00.000Z', '2026-11-23T11:30:00Z', '2026-11-23T11:30:00.000+00:00', '2026-11-23 11:30:00.000Z', '0999-01-01T00:00:00.000Z', '0050-01-01T00:00:00.000Z', '2026-11-23T11:30:00,000Z', '2026-11-23T11:30:00.000z'];
    for (const t of texts) {
      if (toEpochMs(t) === undefined) continue;
      expect(isIsoShaped(t), t).toBe(isIsoString(t));
    }
    // Times that are no time never get this far (the reader refuses them), but the shape alone is not a time.
    expect(toEpochMs('2026-02-30T00:00:00.000Z')).toBeUndefined();
    expect(isIsoShaped(1795000000000)).toBe(false);
  });
});
