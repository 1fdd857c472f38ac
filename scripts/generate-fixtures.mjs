#!/usr/bin/env node
// Generates the event files of the founding rules' fixtures (deterministic: no randomness, no clock).
// Expectations are written by hand in rules/**/<rule>.test.yml; this script only writes events.
// Usage: node scripts/generate-fixtures.mjs   (then review and commit the changed files)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
const WINDOW = Date.parse('2026-11-23T11:30:00Z');
const dir = 'rules/network/ip-block-scan.fixtures';
mkdirSync(dir, { recursive: true });

/** One connection per (port, host) pair needed to reach `ports` distinct ports and `hosts` distinct hosts. */
function scan(src, ports, hosts, { start = WINDOW + 10_000, step = 1000, portBase = 1, hostBase = 10, proto = 'TCP', action = 'deny', port = true } = {}) {
  const n = Math.max(ports, hosts, 1);
  const out = [];
  for (let i = 0; i < n; i++) {
    const e = {
      time: iso(start + i * step),
      src_ip: src,
      src_port: 40000 + i,
      dst_ip: `203.0.113.${hostBase + (i % hosts)}`,
      protocol: proto,
      action,
      device_vendor: 'Palo Alto Networks',
      device_product: 'PAN-OS',
    };
    if (port) e.dst_port = portBase + (i % ports);
    out.push(e);
  }
  return out;
}

const cases = {
  'port-scan-20': scan('198.51.100.10', 20, 1),
  'port-scan-19': scan('198.51.100.11', 19, 1),
  'sweep-15-hosts': scan('198.51.100.12', 1, 15, { portBase: 445 }),
  'sweep-14-hosts': scan('198.51.100.13', 1, 14, { portBase: 445 }),
  // 14 hosts and one connection with an empty destination: '' is missing, not a 15th host (a store that keeps ''
  // for a missing string, as Log Analytics does, must not count it).
  'sweep-14-hosts-empty-destination': [...scan('198.51.100.20', 1, 14, { portBase: 445 }), { ...scan('198.51.100.20', 1, 1, { portBase: 445, start: WINDOW + 30_000 })[0], dst_ip: '' }],
  'full-network-scan': scan('198.51.100.14', 20, 15),
  'unknown-pattern': scan('198.51.100.15', 20, 10),
  // 12 ports in the 11:25 window and 12 others in the 11:30 window: 24 ports, but no window reaches 20.
  'split-below': [...scan('198.51.100.16', 12, 1, { start: WINDOW - 60_000 }), ...scan('198.51.100.16', 12, 1, { start: WINDOW + 60_000, portBase: 100 })],
  // 20 ports in each of the two windows: two alerts.
  'split-both': [...scan('198.51.100.17', 20, 1, { start: WINDOW - 100_000, step: 4000 }), ...scan('198.51.100.17', 20, 1, { start: WINDOW + 10_000, portBase: 100 })],
  'private-sources': ['10.0.0.5', '172.16.0.0', '172.31.255.255', '192.168.7.7', '127.0.0.1', '169.254.1.1', 'fd00::1', 'fe80::1', '::1'].flatMap((s) => scan(s, 25, 1)),
  'public-lookalikes': ['172.15.255.255', '172.32.0.0', '172.160.0.1'].flatMap((s) => scan(s, 25, 1)),
  'ipv6-public': scan('2001:db8:1::5', 25, 1),
  'icmp-sweep': scan('198.51.100.18', 1, 20, { proto: 'ICMP', port: false }),
  'stale': scan('198.51.100.19', 25, 1, { start: NOW - 70 * 60_000 }),
  'empty-source': scan('', 25, 1),
  // Sources on the shared allowlists (rules/lists/), each sweeping 15 hosts, and a neighbour just outside one.
  'allowlisted-sources': ['162.142.125.7', '2602:80d:1000:b0cc:e::3', '192.0.2.70', '168.63.129.16', '192.0.2.80']
    .flatMap((s) => scan(s, 1, 15, { portBase: 443 })),
  // 198.51.100.201 is in the red-team window 08:00-18:00 of rules/lists/red_team_windows.csv.
  'red-team-in-window': scan('198.51.100.201', 25, 1),
  // The window ends at 18:00: a port scan from 17:59:50 on straddles the end; only events from 18:00 on count.
  'red-team-window-end': scan('198.51.100.202', 30, 1, { start: Date.parse('2026-11-23T17:59:50Z') }),
};

const jsonl = (events) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
for (const [name, events] of Object.entries(cases)) writeFileSync(path.join(dir, `${name}.jsonl`), jsonl(events));

// The same port scan as CommonSecurityLog rows exported from Log Analytics (CSV), as CEF syslog and as Zeek TSV.
const CSL = ['TimeGenerated [UTC]', 'DeviceVendor', 'DeviceProduct', 'SourceIP', 'SourcePort', 'DestinationIP', 'DestinationPort', 'Protocol', 'DeviceAction'];
const csvCell = (v) => (v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const toCsl = (e) => [e.time, e.device_vendor, e.device_product, e.src_ip, e.src_port, e.dst_ip, e.dst_port, e.protocol, e.action].map(csvCell).join(',');
writeFileSync(path.join(dir, 'port-scan-20.sentinel.csv'), [CSL.join(','), ...cases['port-scan-20'].map(toCsl)].join('\n') + '\n');
writeFileSync(
  path.join(dir, 'port-scan-20.cef'),
  cases['port-scan-20'].map((e) => `<134>1 ${e.time} fw01 CEF:0|${e.device_vendor}|${e.device_product}|10.2|end|TRAFFIC|3|src=${e.src_ip} spt=${e.src_port} dst=${e.dst_ip} dpt=${e.dst_port} proto=${e.protocol} act=${e.action}`).join('\n') + '\n',
);
writeFileSync(
  path.join(dir, 'port-scan-20.zeek.log'),
  ['#separator \\x09', '#path\tconn', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state',
    ...cases['port-scan-20'].map((e, i) => [(Date.parse(e.time) / 1000).toFixed(6), `C${i}`, e.src_ip, e.src_port, e.dst_ip, e.dst_port, 'tcp', 'REJ'].join('\t'))].join('\n') + '\n',
);

// The same scan as Splunk events with CIM Network_Traffic fields (_time in epoch seconds), as `| tojson` exports them.
writeFileSync(
  path.join(dir, 'port-scan-20.splunk.jsonl'),
  jsonl(cases['port-scan-20'].map((e) => ({ _time: Date.parse(e.time) / 1000, src_ip: e.src_ip, src_port: e.src_port, dest_ip: e.dst_ip, dest_port: e.dst_port, transport: e.protocol.toLowerCase(), action: 'blocked', vendor: e.device_vendor, product: e.device_product, sourcetype: 'pan:traffic' }))),
);

// A CommonSecurityLog export of a few thousand rows mixing every case above with benign background traffic
// (web clients and DNS from many public and private sources, never more than 3 ports or hosts per window).
const background = [];
for (let i = 0; i < 2600; i++) {
  const src = i % 3 === 0 ? `10.1.${i % 200}.${i % 250}` : `100.${64 + (i % 50)}.${i % 200}.${1 + (i % 250)}`;
  background.push({
    time: iso(NOW - 3_600_000 + ((i * 1373) % 3_600_000)), src_ip: src, src_port: 1024 + (i % 60000),
    dst_ip: `203.0.113.${1 + (i % 3)}`, dst_port: [443, 53, 80][i % 3], protocol: i % 3 === 1 ? 'UDP' : 'TCP',
    action: 'allow', device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS',
  });
}
const mixed = [...Object.values(cases).flat(), ...background].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
writeFileSync(path.join(dir, 'mixed.sentinel.csv'), [CSL.join(','), ...mixed.map(toCsl)].join('\n') + '\n');
console.log(`wrote ${Object.keys(cases).length + 5} files to ${dir} (${mixed.length} rows in mixed.sentinel.csv)`);

// ---------------------------------------------------------------------------------------------------------------
// The T1595.001 network pack: each rule's event files in rules/network/<rule>.fixtures/. Same clock (NOW, WINDOW),
// addresses from the documentation ranges: scanners in 198.51.100.0/24 and 2001:db8::/32, our public hosts in
// 203.0.113.0/24, allowlisted scanners from rules/lists/ (192.0.2.10, 192.0.2.70 in 192.0.2.64/28, Censys 162.142.125.7).

/**
 * `n` connection events from `src`, the i-th at start + i·step to host(i) on port(i) (no dst_port when port(i) is
 * undefined). src, proto and action may be functions of i.
 */
function conns(src, n, { start = WINDOW + 10_000, step = 1000, host = (i) => `203.0.113.${10 + i}`, port = () => 22, proto = 'TCP', action = 'deny', vendor = 'Palo Alto Networks', product = 'PAN-OS', device } = {}) {
  const at = (v, i) => (typeof v === 'function' ? v(i) : v);
  return Array.from({ length: n }, (_, i) => {
    // ICMP (no port) has no source port either.
    const p = port(i);
    const e = { time: iso(start + i * step), src_ip: at(src, i) };
    if (p !== undefined) e.src_port = 40000 + i;
    e.dst_ip = host(i);
    if (p !== undefined) e.dst_port = p;
    Object.assign(e, { protocol: at(proto, i), action: at(action, i), device_vendor: vendor, device_product: product });
    if (device !== undefined) e.device_name = device;
    return e;
  });
}
const byTime = (events) => [...events].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
const cefLine = (e) =>
  `<134>1 ${e.time} ${e.device_name ?? 'fw01'} CEF:0|${e.device_vendor}|${e.device_product}|10.2|end|TRAFFIC|3|src=${e.src_ip}${e.src_port === undefined ? '' : ` spt=${e.src_port}`} dst=${e.dst_ip}` +
  `${e.dst_port === undefined ? '' : ` dpt=${e.dst_port}`} proto=${e.protocol} act=${e.action}${e.device_name === undefined ? '' : ` dvchost=${e.device_name}`}`;
const cef = (events) => events.map(cefLine).join('\n') + '\n';
const sentinelCsv = (events) => [CSL.join(','), ...events.map(toCsl)].join('\n') + '\n';

// Zeek conn.log rows from canonical events whose `action` is the conn_state (history is what Zeek writes for it).
const ZEEK_HISTORY = { S0: 'S', REJ: 'Sr', RSTOS0: 'SR', SH: 'SF', RSTRH: 'hr', SHR: 'hf', OTH: 'Dd', RSTO: 'ShAR', SF: 'ShADadFf' };
const zeekRow = (e, i) => ({
  ts: (Date.parse(e.time) / 1000).toFixed(6), uid: `CN${String(i).padStart(4, '0')}`, 'id.orig_h': e.src_ip, 'id.orig_p': e.src_port,
  'id.resp_h': e.dst_ip, 'id.resp_p': e.dst_port, proto: e.protocol.toLowerCase(), service: '-', duration: '-',
  orig_bytes: e.bytes_sent ?? 0, resp_bytes: e.bytes_received ?? 0, conn_state: e.action, history: ZEEK_HISTORY[e.action],
});
const ZEEK_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'history'];
const zeekTsv = (events) =>
  ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn', `#fields\t${ZEEK_FIELDS.join('\t')}`,
    ...events.map((e, i) => { const r = zeekRow(e, i); return ZEEK_FIELDS.map((f) => r[f]).join('\t'); })].join('\n') + '\n';
// Zeek's JSON writer: one object per line, ts as a number, unset fields left out.
const zeekJson = (events) =>
  events.map((e, i) => { const r = zeekRow(e, i); r.ts = Number(r.ts); delete r.service; delete r.duration; return JSON.stringify(r); }).join('\n') + '\n';

function writePack(rule, files) {
  const d = path.join('rules/network', `${rule}.fixtures`);
  mkdirSync(d, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(d, name), typeof content === 'string' ? content : jsonl(content));
  console.log(`wrote ${Object.keys(files).length} files to ${d}`);
}

// half-open-scan: failed connections per source and 5-minute window; thresholds 10 hosts / 15 ports.
{
  const zeekHalfOpen = conns('198.51.100.24', 10, { action: (i) => ['S0', 'REJ', 'RSTOS0', 'SH'][i % 4], port: () => 443 });
  const zeekVertical = conns('198.51.100.25', 15, { action: 'REJ', host: () => '203.0.113.50', port: (i) => 8000 + i });
  // 9 hosts with counted states and 11 more in states that are not handshake failures by the originator.
  const zeekExcluded = conns('198.51.100.26', 20, { action: (i) => (i < 9 ? 'S0' : ['RSTRH', 'SHR', 'OTH', 'RSTO', 'SF'][i % 5]), port: () => 3389 });
  writePack('half-open-scan', {
    'hosts-10.jsonl': conns('198.51.100.20', 10),
    'hosts-9.jsonl': conns('198.51.100.21', 9),
    'ports-15.jsonl': conns('198.51.100.22', 15, { host: () => '203.0.113.40', port: (i) => 20 + i, action: 'reset-both' }),
    'ports-14.jsonl': conns('198.51.100.27', 14, { host: () => '203.0.113.40', port: (i) => 20 + i, action: 'reset-both' }),
    // Firewall actions in any case: 12 hosts, 4 ports.
    'mixed-case-actions.jsonl': conns('198.51.100.28', 12, { action: (i) => ['DENY', 'Drop', 'reject', 'Blocked', 'RESET-CLIENT', 'server-rst'][i % 6], port: (i) => [22, 23, 80, 443][i % 4] }),
    // 20 hosts reached, but only 9 of them with a failed connection.
    'mostly-allowed.jsonl': conns('198.51.100.23', 20, { action: (i) => (i < 9 ? 'drop' : 'allow') }),
    'allowlisted.jsonl': conns('192.0.2.10', 20),
    'private-sources.jsonl': byTime(['10.0.0.5', '172.16.5.5', '192.168.1.1', 'fd00::1', '169.254.3.3'].flatMap((s, k) => conns(s, 20, { start: WINDOW + 10_000 + k * 100 }))),
    'ipv6-public.jsonl': conns('2001:db8:2::7', 10, { host: (i) => `2001:db8:ffff::${10 + i}` }),
    'half-open.zeek.log': zeekTsv(zeekHalfOpen),
    'vertical.zeek.json': zeekJson(zeekVertical),
    'excluded-states.zeek.log': zeekTsv(zeekExcluded),
    // 198.51.100.203 is in the red-team window 2026-11-23 08:00-18:00 (rules/lists/red_team_windows.csv).
    'red-team-window.zeek.log': zeekTsv(conns('198.51.100.203', 12, { action: 'S0' })),
  });
}

// icmp-ping-sweep: ICMP per source and 5-minute window; threshold 10 addresses.
{
  const sweep10 = conns('198.51.100.30', 10, { port: () => undefined, proto: 'ICMP', action: 'allow' });
  writePack('icmp-ping-sweep', {
    'sweep-10.jsonl': sweep10,
    'sweep-9.jsonl': conns('198.51.100.31', 9, { port: () => undefined, proto: 'ICMP', action: 'allow' }),
    'ipv6-sweep.jsonl': conns('2001:db8:3::30', 12, { host: (i) => `2001:db8:ffff::${100 + i}`, port: () => undefined, proto: (i) => ['ipv6-icmp', 'IPv6-ICMP', 'icmp6', 'ICMPv6'][i % 4], action: 'deny' }),
    'protocol-numbers.jsonl': conns('198.51.100.34', 10, { port: () => undefined, proto: '1', action: 'allow', vendor: 'AWS', product: 'VPC Flow Logs' }),
    'tcp-sweep.jsonl': conns('198.51.100.32', 20, { port: () => 80, proto: 'TCP' }),
    // 9 hosts by ICMP and 6 more by UDP: 15 hosts, 9 of them pinged.
    'icmp-and-udp.jsonl': conns('198.51.100.33', 15, { port: (i) => (i < 9 ? undefined : 53), proto: (i) => (i < 9 ? 'icmp' : 'udp'), action: 'allow' }),
    'allowlisted.jsonl': conns('192.0.2.70', 20, { port: () => undefined, proto: 'ICMP', action: 'allow' }),
    'private-sources.jsonl': byTime(['10.1.1.1', '172.20.0.1', '192.168.50.5', 'fe80::1', 'fd12::1', '127.0.0.1'].flatMap((s, k) => conns(s, 20, { start: WINDOW + 10_000 + k * 100, port: () => undefined, proto: 'ICMP', action: 'allow' }))),
    'sweep-10.cef': cef(sweep10),
    'sweep-10.sentinel.csv': sentinelCsv(sweep10),
  });
}

// internal-network-sweep: internal source to internal destinations per 5-minute window; threshold 20 addresses.
{
  const internal = (net) => (i) => `${net}.${1 + i}`;
  const sweep20 = conns('10.20.0.5', 20, { host: internal('10.30.0'), port: () => 445, action: 'allow', device: 'core-fw01' });
  const multiPort = conns('192.168.10.10', 20, { host: internal('192.168.20'), port: (i) => [22, 80, 443, 445, 3389][i % 5], action: (i) => (i % 2 ? 'deny' : 'allow'), device: 'core-fw01' });
  writePack('internal-network-sweep', {
    'sweep-20.jsonl': sweep20,
    'sweep-19.jsonl': conns('10.20.0.6', 19, { host: internal('10.30.0'), port: () => 445, action: 'allow' }),
    'ping-sweep.jsonl': conns('172.16.8.8', 20, { host: internal('172.16.9'), port: () => undefined, proto: 'ICMP', action: 'allow' }),
    'multi-port.jsonl': multiPort,
    'ipv6-ula.jsonl': conns('fd00:10::5', 20, { host: (i) => `fd00:20::${(1 + i).toString(16)}`, port: () => 3389, action: 'allow' }),
    'public-source.jsonl': conns('198.51.100.40', 25, { host: internal('10.30.1'), port: () => 445 }),
    'internal-to-public.jsonl': conns('10.20.0.7', 25, { host: (i) => `203.0.113.${100 + i}`, port: () => 443, action: 'allow' }),
    // 19 internal destinations and 10 public ones: 29 hosts, 19 internal.
    'mixed-destinations.jsonl': conns('10.20.0.8', 29, { host: (i) => (i < 19 ? `10.30.2.${1 + i}` : `203.0.113.${200 + i}`), port: () => 445, action: 'allow' }),
    'asset-discovery.jsonl': byTime(['10.99.0.10', '10.99.0.11'].flatMap((s, k) => conns(s, 30, { start: WINDOW + 10_000 + k * 100, host: internal('10.30.3'), port: (i) => [22, 135, 445][i % 3], action: 'allow' }))),
    // 172.16.0.0/12 ends at 172.31.255.255; 172.32.0.5 and the CGNAT 100.64.0.5 are not internal.
    'range-edges.jsonl': byTime(['172.31.255.254', '172.32.0.5', '100.64.0.5'].flatMap((s, k) => conns(s, 20, { start: WINDOW + 10_000 + k * 100, host: internal('172.31.0'), port: () => 22, action: 'allow' }))),
    'sweep-20.cef': cef(sweep20),
    'multi-port.sentinel.csv': sentinelCsv(multiPort),
    // The internal red-team range 10.10.66.0/28 has a window 2026-11-24T00:00Z-2026-11-28T00:00Z (rules/lists/).
    'red-team-window.jsonl': conns('10.10.66.5', 25, { start: Date.parse('2026-11-24T10:00:10Z'), host: internal('10.30.4'), port: () => 445, action: 'allow' }),
    'red-team-before-window.jsonl': conns('10.10.66.5', 25, { start: Date.parse('2026-11-23T23:50:10Z'), host: internal('10.30.4'), port: () => 445, action: 'allow' }),
  });
}

// low-and-slow-scan: distinct hosts per source and UTC day; threshold 50; lookback 1d from NOW (2026-11-23T12:00Z).
{
  const DAY = Date.parse('2026-11-23T00:00:00Z');
  const TEN_MIN = 600_000;
  const slow50 = conns('198.51.100.50', 50, { start: DAY + 2 * 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 22 });
  writePack('low-and-slow-scan', {
    // One host every 10 minutes from 02:00 to 10:10: never more than 1 host in 5 minutes.
    'slow-50.jsonl': slow50,
    'slow-49.jsonl': conns('198.51.100.51', 49, { start: DAY + 2 * 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 22 }),
    // 30 hosts from 19:00 to 23:50 yesterday and 30 others from 00:10 to 05:00 today: 60 hosts in 24 hours, 30 per UTC day.
    'midnight-split.jsonl': [
      ...conns('198.51.100.52', 30, { start: DAY - 5 * 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 443 }),
      ...conns('198.51.100.52', 30, { start: DAY + TEN_MIN, step: TEN_MIN, host: (i) => `203.0.113.${101 + i}`, port: () => 443 }),
    ],
    // 50 hosts from 12:30 to 20:40 yesterday, inside the lookback.
    'yesterday.jsonl': conns('198.51.100.54', 50, { start: DAY - 11.5 * 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 25, action: 'allow' }),
    // The same 50 hosts in 50 seconds at 11:00: a fast scan reaches the daily count too.
    'fast-burst.jsonl': conns('198.51.100.53', 50, { start: DAY + 11 * 3_600_000, host: (i) => `203.0.113.${1 + i}`, port: () => 22 }),
    // 60 hosts from 02:00 to 11:50 on 2026-11-22: older than the 1-day lookback.
    'stale.jsonl': conns('198.51.100.55', 60, { start: DAY - 22 * 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 22 }),
    'allowlisted.jsonl': conns('192.0.2.10', 60, { start: DAY + 3_600_000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 22 }),
    'private-sources.jsonl': byTime(['10.5.5.5', '192.168.3.3', 'fd00::5'].flatMap((s, k) => conns(s, 60, { start: DAY + 3_600_000 + k * 1000, step: TEN_MIN, host: (i) => `203.0.113.${1 + i}`, port: () => 22, action: 'allow' }))),
    'slow-50.sentinel.csv': sentinelCsv(slow50),
  });
}

// distributed-port-probe: distinct public sources and hosts per destination port and 1-hour window; thresholds
// 20 sources and 10 hosts. Each source sends one probe; the i-th source reaches host i mod `hosts`.
{
  const probe = (n, hosts, { port = 23, src = (i) => `198.51.100.${100 + i}`, start = NOW - 50 * 60_000 } = {}) =>
    conns(src, n, { start, step: 60_000, host: (i) => `203.0.113.${10 + (i % hosts)}`, port: typeof port === 'function' ? port : () => port });
  const probe20 = probe(20, 10);
  writePack('distributed-port-probe', {
    'sources-20.jsonl': probe20,
    'sources-19.jsonl': probe(19, 10),
    'hosts-9.jsonl': probe(20, 9),
    // 20 sources on 10 hosts, half on port 23 and half on 2323: no port reaches either threshold.
    'split-ports.jsonl': probe(20, 10, { port: (i) => (i % 2 ? 2323 : 23) }),
    // Two ports probed by 20 sources each (the same sources): two alerts.
    'two-ports.jsonl': byTime([...probe(20, 10, { port: 22 }), ...probe(20, 10, { port: 3389, start: NOW - 50 * 60_000 + 30_000 })]),
    // 19 public sources plus an authorized scanner and a research scanner (rules/lists/).
    'allowlisted.jsonl': probe(21, 10, { src: (i) => (i < 19 ? `198.51.100.${100 + i}` : ['192.0.2.10', '162.142.125.7'][i - 19]) }),
    // 19 public sources plus private, loopback and link-local ones.
    'private-sources.jsonl': probe(25, 10, { src: (i) => (i < 19 ? `198.51.100.${100 + i}` : ['10.0.0.9', '172.16.0.9', '192.168.0.9', 'fd00::9', 'fe80::9', '127.0.0.1'][i - 19]) }),
    // ICMP has no destination port: 20 sources pinging 10 hosts make no group.
    'icmp.jsonl': conns((i) => `198.51.100.${100 + i}`, 20, { start: NOW - 50 * 60_000, step: 60_000, host: (i) => `203.0.113.${10 + (i % 10)}`, port: () => undefined, proto: 'ICMP' }),
    'sources-20.cef': cef(probe20),
  });
}

// known-bad-source-scan: sources in rules/lists/threat_intel_ips.yml (198.51.100.66, 198.51.100.80/29,
// 2001:db8:bad::/48, 192.0.2.70) per 5-minute window; thresholds 5 ports or 5 hosts.
{
  const ports = (n) => (i) => [22, 23, 80, 443, 445, 3389, 8080][i % n];
  const tiScan = conns('198.51.100.66', 5, { port: ports(5), host: () => '203.0.113.10' });
  writePack('known-bad-source-scan', {
    'ti-ports-5.jsonl': tiScan,
    'ti-ports-4.jsonl': conns('198.51.100.66', 4, { port: ports(4), host: () => '203.0.113.10' }),
    'ti-range-sweep-5.jsonl': conns('198.51.100.83', 5, { port: () => 22 }),
    'ti-range-edge.jsonl': conns('198.51.100.88', 8, { port: () => 22 }),
    'ti-ipv6.jsonl': conns('2001:db8:bad::7', 6, { port: ports(6), host: () => '2001:db8:1::10' }),
    'not-listed.jsonl': conns('198.51.100.67', 20, { port: (i) => 1 + i, host: () => '203.0.113.10' }),
    'listed-and-authorized.jsonl': conns('192.0.2.70', 10, { port: (i) => 1 + i, host: () => '203.0.113.10' }),
    'ti-ports-5.cef': cef(tiScan),
  });
}

// first-seen-external-source: 10 hosts within the hour from a source with no event in the 13 days before it.
// NOW is 2026-11-23T12:00Z: the lookback starts 11:00, the baseline 2026-11-10T11:00Z.
{
  const HOUR = Date.parse('2026-11-23T11:00:00Z');
  const reach = (src, n, opts = {}) => conns(src, n, { start: HOUR + 20 * 60_000, port: () => 443, action: 'allow', ...opts });
  const once = (src, at) => conns(src, 1, { start: Date.parse(at), host: () => '203.0.113.200', port: () => 443, action: 'allow' });
  const fresh = reach('198.51.100.150', 10);
  writePack('first-seen-external-source', {
    'new-source-10.jsonl': fresh,
    'new-source-9.jsonl': reach('198.51.100.151', 9),
    'seen-3-days-ago.jsonl': [...once('198.51.100.152', '2026-11-20T09:00:00Z'), ...reach('198.51.100.152', 10)],
    'seen-at-baseline-start.jsonl': [...once('198.51.100.153', '2026-11-10T11:00:00Z'), ...reach('198.51.100.153', 10)],
    'seen-before-baseline.jsonl': [...once('198.51.100.154', '2026-11-10T10:59:59Z'), ...reach('198.51.100.154', 10)],
    // A denied probe in the baseline is still an interaction: the where (allowlists, public source) does not apply.
    'seen-denied-earlier.jsonl': [...conns('198.51.100.155', 1, { start: Date.parse('2026-11-22T03:00:00Z'), action: 'deny' }), ...reach('198.51.100.155', 12)],
    'private-source.jsonl': reach('10.1.2.3', 15),
    'new-source-10.sentinel.csv': sentinelCsv(fresh),
  });
}

// scan-followed-by-access: a scan (10 hosts or 20 ports per source and 1-hour window) followed, within an hour of
// the probe of a host, by a completed session with that host (allow/accept/... or Zeek SF, S1, S2, S3, RSTO, RSTR;
// at least 200 bytes sent, a reply received). NOW is 2026-11-23T12:00Z: the 2-hour lookback starts at 10:00, so the
// windows are 10:00 and 11:00. Sources 198.51.100.160-185; probes are denied, one per second, to port 443 of
// 203.0.113.10 and up unless said otherwise. A session is never a scan event (the rule's where leaves sessions out).
{
  const at = (hms) => Date.parse(`2026-11-23T${hms}Z`);
  const sweep = (src, n, start, { base = 10, port = 443, action = 'deny' } = {}) =>
    conns(src, n, { start: at(start), host: (i) => `203.0.113.${base + i}`, port: () => port, action });
  const portScan = (src, n, start, { host = '203.0.113.40', step = 1000, action = 'deny' } = {}) =>
    conns(src, n, { start: at(start), step, host: () => host, port: (i) => 20 + i, action });
  // One session from a fresh source port; a byte count of null is left out (a device that logs none).
  const session = (src, host, time, { port = 443, action = 'allow', sent = 517, received = 4388 } = {}) => {
    const [e] = conns(src, 1, { start: at(time), host: () => host, port: () => port, action });
    e.src_port = 51000;
    if (sent !== null) e.bytes_sent = sent;
    if (received !== null) e.bytes_received = received;
    return e;
  };
  // A sweep of .10-.19 from 11:10:00 (203.0.113.13 probed at 11:10:03) and one session to `host` at `time`.
  const sweepThen = (src, time, opts = {}, host = '203.0.113.13') => byTime([...sweep(src, 10, '11:10:00'), session(src, host, time, opts)]);
  writePack('scan-followed-by-access', {
    // 10 hosts, then a session to 203.0.113.13 20 minutes after its probe.
    'sweep-10.jsonl': sweepThen('198.51.100.160', '11:30:03'),
    'sweep-9.jsonl': byTime([...sweep('198.51.100.161', 9, '11:10:00'), session('198.51.100.161', '203.0.113.13', '11:30:03')]),
    // 20 ports (20-39) of 203.0.113.40 from 11:10:00, then a session to its port 22 at 11:25.
    'ports-20.jsonl': byTime([...portScan('198.51.100.162', 20, '11:10:00'), session('198.51.100.162', '203.0.113.40', '11:25:00', { port: 22 })]),
    'ports-19.jsonl': byTime([...portScan('198.51.100.163', 19, '11:10:00'), session('198.51.100.163', '203.0.113.40', '11:25:00', { port: 22 })]),
    // 19 ports (20-38), then a session on port 8443: the session is the 20th port of the window.
    'ports-19-session-new-port.jsonl': byTime([...portScan('198.51.100.164', 19, '11:10:00'), session('198.51.100.164', '203.0.113.40', '11:25:00', { port: 8443 })]),
    // The session goes to 203.0.113.99, which the sweep never probed.
    'unscanned-host.jsonl': sweepThen('198.51.100.165', '11:30:00', {}, '203.0.113.99'),
    // A sweep from 10:20:00 (203.0.113.10 probed at 10:20:00), a session to it exactly an hour later, or a second more.
    'within-exact.jsonl': byTime([...sweep('198.51.100.166', 10, '10:20:00'), session('198.51.100.166', '203.0.113.10', '11:20:00')]),
    'within-plus-1s.jsonl': byTime([...sweep('198.51.100.167', 10, '10:20:00'), session('198.51.100.167', '203.0.113.10', '11:20:01')]),
    // A session at the very second of the probe of its host, and one before the scan.
    'session-at-probe.jsonl': sweepThen('198.51.100.168', '11:10:03'),
    'session-before-scan.jsonl': sweepThen('198.51.100.169', '11:05:00'),
    // A sweep from 10:40:00 in the 10:00 window; the session to 203.0.113.15 (probed 10:40:05) at 11:10:00.
    'cross-window.jsonl': byTime([...sweep('198.51.100.170', 10, '10:40:00'), session('198.51.100.170', '203.0.113.15', '11:10:00')]),
    // 20 ports of 203.0.113.40 every 150 s from 10:05:00 to 10:52:30; a session at 11:10:00, 65 minutes after the first probe.
    'first-probe-counts.jsonl': byTime([...portScan('198.51.100.171', 20, '10:05:00', { step: 150_000 }), session('198.51.100.171', '203.0.113.40', '11:10:00', { port: 22 })]),
    // Sessions that fail one condition each; and one exactly at the byte thresholds.
    'session-denied.jsonl': sweepThen('198.51.100.172', '11:30:03', { action: 'deny' }),
    'session-199-bytes.jsonl': sweepThen('198.51.100.173', '11:30:03', { sent: 199 }),
    'session-no-reply.jsonl': sweepThen('198.51.100.174', '11:30:03', { received: 0 }),
    'session-200-bytes.jsonl': sweepThen('198.51.100.175', '11:30:03', { sent: 200, received: 1 }),
    'session-no-byte-counts.jsonl': sweepThen('198.51.100.176', '11:30:03', { sent: null, received: null }),
    // Actions in other case: ALLOW to 203.0.113.12 at 11:20, Accept to 203.0.113.17 at 11:25.
    'actions-any-case.jsonl': byTime([...sweep('198.51.100.177', 10, '11:10:00'), session('198.51.100.177', '203.0.113.12', '11:20:00', { action: 'ALLOW' }),
      session('198.51.100.177', '203.0.113.17', '11:25:00', { action: 'Accept' })]),
    // Zeek: S0 and REJ probes of .10-.19 from 11:10:00, SF to .12 at 11:20, RSTO to .15 at 11:22, a REJ retry of .17 at 11:24.
    'sweep-then-sf.zeek.log': zeekTsv(byTime([...sweep('198.51.100.178', 10, '11:10:00').map((e, i) => ({ ...e, action: i % 2 ? 'REJ' : 'S0' })),
      session('198.51.100.178', '203.0.113.12', '11:20:00', { action: 'SF', sent: 517, received: 4388 }),
      session('198.51.100.178', '203.0.113.15', '11:22:00', { action: 'RSTO', sent: 310, received: 1460 }),
      session('198.51.100.178', '203.0.113.17', '11:24:00', { action: 'REJ', sent: 0, received: 0 })])),
    // Censys (internet_research_scanners) and an authorized vulnerability scanner, each sweeping then connecting.
    'allowlisted.jsonl': byTime(['162.142.125.7', '192.0.2.10'].flatMap((s) => sweepThen(s, '11:30:03'))),
    'private-source.jsonl': sweepThen('10.0.0.5', '11:30:03'),
    // 198.51.100.204 is in the red-team window 2026-11-23 08:00-18:00 (rules/lists/red_team_windows.csv).
    'red-team-window.jsonl': sweepThen('198.51.100.204', '11:30:03'),
    // .180 sweeps .10-.19 and connects to .11 (twice) and .14; .181 sweeps .20-.31 on port 22 and connects to .25;
    // .182 never scans and connects to .12, a host .180 probed.
    'two-sources.jsonl': byTime([
      ...sweep('198.51.100.180', 10, '11:10:00'),
      session('198.51.100.180', '203.0.113.11', '11:20:00'), session('198.51.100.180', '203.0.113.14', '11:21:00'), session('198.51.100.180', '203.0.113.11', '11:40:00'),
      ...sweep('198.51.100.181', 12, '11:10:00', { base: 20, port: 22 }), session('198.51.100.181', '203.0.113.25', '11:15:00', { port: 22 }),
      session('198.51.100.182', '203.0.113.12', '11:20:00'),
    ]),
    // The same sweep at 10:50:00 and at 11:05:00, one session to 203.0.113.13 at 11:20:00: within the hour of both probes.
    'both-windows.jsonl': byTime([...sweep('198.51.100.183', 10, '10:50:00'), ...sweep('198.51.100.183', 10, '11:05:00'), session('198.51.100.183', '203.0.113.13', '11:20:00')]),
    // A sweep at 09:40, before the lookback, and a session at 10:00:30 (20 minutes after the probe).
    'stale-scan.jsonl': byTime([...sweep('198.51.100.184', 10, '09:40:00'), session('198.51.100.184', '203.0.113.13', '10:00:30')]),
    // A sweep at 11:50 and a session at 12:00:00, the run's now (the lookback ends before it).
    'session-at-now.jsonl': byTime([...sweep('198.51.100.185', 10, '11:50:00'), session('198.51.100.185', '203.0.113.13', '12:00:00')]),
    // A client (a crawler, users behind NAT) with sessions to 10 hosts from 11:10, then a second session to one of them.
    'sessions-only.jsonl': byTime([...Array.from({ length: 10 }, (_, i) => session('198.51.100.186', `203.0.113.${10 + i}`, `11:10:0${i}`)),
      session('198.51.100.186', '203.0.113.13', '11:30:00')]),
    // 9 probed hosts, then two sessions to a 10th host: sessions neither reach the threshold nor make a probe.
    'sweep-9-sessions-new-host.jsonl': byTime([...sweep('198.51.100.187', 9, '11:10:00'), session('198.51.100.187', '203.0.113.19', '11:20:00'),
      session('198.51.100.187', '203.0.113.19', '11:30:00')]),
  });
}
