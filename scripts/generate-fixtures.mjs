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
