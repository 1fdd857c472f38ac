// The benchmark's input files: Sentinel CommonSecurityLog rows as JSON lines (what `detc run --format sentinel`
// reads, and what DuckDB's read_json reads), generated deterministically from a seed, in time order, written in
// chunks so that a million rows never sit in memory.
import { closeSync, openSync, writeSync } from 'node:fs';

/** The scheduler's run time of every case; the lookbacks end here. */
export const NOW = '2026-11-23T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const MIN = 60_000;

/** A small seeded generator (mulberry32): the same seed gives the same file on every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEVICES = [
  ['Palo Alto Networks', 'PAN-OS'],
  ['Fortinet', 'FortiGate'],
  ['Check Point', 'VPN-1 & FireWall-1'],
];
const PORTS = [443, 80, 53, 22, 25, 123, 3389, 8080, 445, 993];

/** One CommonSecurityLog row (the columns templates/sentinel/mapping.yml maps for network_connection). */
function row(r) {
  const [vendor, product] = DEVICES[r.device];
  return `{"TimeGenerated":"${new Date(r.t).toISOString()}","DeviceVendor":"${vendor}","DeviceProduct":"${product}","DeviceAction":"${r.action}","Protocol":"TCP","SourceIP":"${r.src}","DestinationIP":"${r.dst}","DestinationPort":${r.dport},"SentBytes":${r.sent},"ReceivedBytes":${r.recv}}\n`;
}

/** Writes rows from an iterator into a file in 1 MiB chunks; returns how many. */
function writeRows(file, rows) {
  const fd = openSync(file, 'w');
  let n = 0;
  let chunk = '';
  try {
    for (const r of rows) {
      chunk += row(r);
      n++;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return n;
}

const ip = (x) => `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
/** A random unicast IPv4 address (1.0.0.0 - 223.255.255.255): mostly public, some in excluded ranges, as in real traffic. */
const anyUnicast = (rnd) => ip(((1 + Math.floor(rnd() * 223)) << 24 >>> 0) + Math.floor(rnd() * 0x1000000));

/**
 * The planted sources of ip-block-scan, each probing 30 times in every 5-minute window. The `alerting` ones cover
 * the four ScanType branches (three at the thresholds: 15 hosts, 20 ports, or both); two near misses (19 ports, 14
 * hosts) and five sources that would alert but are excluded (private, authorized scanner, research scanner, health
 * check, red-team window) check the SQL's >= and exclusions.
 */
function scanSources(alerting) {
  const out = [];
  for (let s = 0; s < alerting; s++) {
    const src = `${[45, 89, 185, 193][s % 4]}.${33 + s}.${(s * 3) % 256}.${7 + s}`;
    const probe = [
      (j) => [`203.0.113.${s % 200}`, 1 + j], // Port Scan (single host): 30 ports, 1 host
      (j) => [`203.0.113.${100 + (j % 15)}`, 445], // IP Block Sweep at the host threshold: 15 hosts, 1 port
      (j) => [`203.0.113.${j % 15}`, 1000 + (j % 20)], // Full Network Scan at the thresholds: 15 hosts, 20 ports
      (j) => [`203.0.113.${50 + (j % 8)}`, 2000 + (j % 20)], // Unknown Scan Pattern at the port threshold: 8 hosts, 20 ports
    ][s % 4];
    out.push({ src, device: s % 3, probe });
  }
  out.push({ src: '45.200.1.19', device: 0, probe: (j) => ['203.0.113.9', 1 + (j % 19)] }); // 19 ports
  out.push({ src: '45.200.1.14', device: 0, probe: (j) => [`203.0.113.${j % 14}`, 80] }); // 14 hosts
  const full = (j) => [`203.0.113.${j % 15}`, 1 + (j % 25)];
  for (const src of ['10.20.30.40', '192.0.2.10', '162.142.125.7', '168.63.129.16', '198.51.100.203']) out.push({ src, device: 1, probe: full });
  return out;
}

/**
 * ip-block-scan's stream: `rows` rows over the hour before NOW (12 windows of 5 minutes), the planted sources'
 * probes spread evenly through every window, and between them benign traffic. `cardinality: 'high'`: every benign
 * row from a random source (nearly every row its own group); `'low'`: from a pool of `pool` recurring clients,
 * each to at most 3 hosts and 3 ports (never an alert). Alerts: `scanners` × 12. Two scans fall just outside the
 * lookback (in the minute before it, and at NOW itself, which the half-open lookback leaves out).
 */
export function generateScanStream(file, { rows, seed = 1, cardinality = 'high', scanners = 40, pool = 5000 }) {
  const rnd = random(seed);
  const planted = scanSources(scanners);
  const probes = 30;
  const total = planted.length * probes;
  const clients = Array.from({ length: pool }, () => anyUnicast(rnd));
  const start = NOW_MS - 60 * MIN;
  const outside = (t, src, j) => ({ t, src, dst: `203.0.113.${j}`, dport: 1 + j, action: 'deny', sent: 60, recv: 0, device: 0 });
  const inside = rows - 2 * probes;
  function* gen() {
    for (let j = 0; j < probes; j++) yield outside(start - MIN + j * 1000, '45.201.1.1', j);
    for (let w = 0; w < 12; w++) {
      const count = Math.floor(((w + 1) * inside) / 12) - Math.floor((w * inside) / 12);
      if (count < total) throw new Error(`${rows} rows are too few for ${planted.length} planted sources × ${probes} probes × 12 windows`);
      let q = 0;
      for (let p = 0; p < count; p++) {
        const t = start + w * 5 * MIN + Math.floor((p * 5 * MIN) / count);
        // The q-th planted probe of the window sits at row floor(q × count / total): spread over the whole window.
        if (q < total && p === Math.floor((q * count) / total)) {
          const s = planted[q % planted.length];
          const [dst, dport] = s.probe(Math.floor(q / planted.length));
          yield { t, src: s.src, dst, dport, action: 'deny', sent: 60, recv: 0, device: s.device };
          q++;
          continue;
        }
        const allow = rnd() < 0.7;
        const c = Math.floor(rnd() * pool);
        const src = cardinality === 'high' ? anyUnicast(rnd) : clients[c];
        const dst = cardinality === 'high' ? `203.0.113.${Math.floor(rnd() * 256)}` : `203.0.113.${Math.floor(rnd() * 3)}`;
        const dport = cardinality === 'high' ? PORTS[Math.floor(rnd() * PORTS.length)] : PORTS[Math.floor(rnd() * 3)];
        yield {
          t, src, dst, dport, action: allow ? 'allow' : 'deny',
          sent: allow ? 300 + Math.floor(rnd() * 2000) : 60, recv: allow ? 1000 + Math.floor(rnd() * 20000) : 0,
          // A source keeps its device (the rule's DeviceVendor is `any` of the group's values).
          device: cardinality === 'high' ? Math.floor(rnd() * 3) : c % 3,
        };
      }
    }
    for (let j = 0; j < probes; j++) yield outside(NOW_MS, '45.201.1.2', j);
  }
  return writeRows(file, gen());
}

/**
 * scan-followed-by-access's stream: `rows` rows over the two hours before NOW. Benign clients (a pool of 2,000)
 * open sessions and have some connections denied (never a scan). `scanners` public sources scan in each hour and,
 * by their kind, then: access a probed host 20 minutes later; access an unprobed host, and a probed one at the
 * instant of its probe (neither matches); access exactly an hour after the probe, and one second later; send a
 * 199-byte and a reply-less connection (probes, not sessions), an `Accept`ed session and one of exactly 200 bytes;
 * nothing; scan 20 ports of one host, then access it; sweep exactly 10 hosts, or 9, then access one; or sweep 20
 * hosts across the hour boundary (10 in each row) and access one host of each half. Sources that would alert but
 * are excluded (private, health check) or suppressed (red-team window), and a scan before the lookback whose
 * session falls inside it, check the SQL's filters.
 */
export function generateFollowedBy(file, { rows, seed = 1, scanners = 40 }) {
  const rnd = random(seed);
  const start = NOW_MS - 120 * MIN;
  const planted = [];
  const session = (t, src, dst, dport, extra = {}) => ({ t, src, dst, dport, action: 'allow', sent: 900, recv: 5000, device: 0, ...extra });
  const sweep = (src, t0, hosts, port = () => 443) => hosts.forEach((dst, j) => planted.push({ t: t0 + j * 5000, src, dst, dport: port(j), action: ['deny', 'drop', 'reset'][j % 3], sent: 60, recv: 0, device: 0 }));
  const hostsOf = (s, n) => Array.from({ length: n }, (_, j) => `203.0.113.${20 + ((j + s) % 30)}`);
  for (let s = 0; s < scanners; s++) {
    const src = `${[45, 89, 185, 193][s % 4]}.${60 + s}.${(s * 7) % 256}.${9 + s}`;
    const kind = s % 9;
    if (kind === 8) {
      // 10:59:10 + 5 s per host: hosts 0-9 before 11:00, 10-19 after; each hour's row has exactly 10 hosts.
      const t0 = start + 59 * MIN + 10_000;
      const hosts = hostsOf(s, 20);
      sweep(src, t0, hosts);
      planted.push(session(t0 + 2 * 5000 + 6 * MIN, src, hosts[2], 443), session(t0 + 15 * 5000 + 10 * MIN, src, hosts[15], 443));
      continue;
    }
    for (let w = 0; w < 2; w++) {
      const t0 = start + w * 60 * MIN + ((s * 73) % 50) * MIN + s * 1000;
      const hosts = hostsOf(s, kind === 6 ? 10 : kind === 7 ? 9 : 12);
      const probeOf = (j) => t0 + j * 5000;
      if (kind === 5) sweep(src, t0, Array(20).fill(hosts[0]), (j) => 8000 + j);
      else sweep(src, t0, hosts, () => (s % 2 ? 22 : 443));
      switch (kind) {
        case 0:
          planted.push(session(probeOf(3) + 20 * MIN, src, hosts[3], 443));
          break;
        case 1:
          planted.push(session(probeOf(2) + 10 * MIN, src, '203.0.113.200', 443), session(probeOf(4), src, hosts[4], 443));
          break;
        case 2:
          planted.push(session(probeOf(5) + 60 * MIN, src, hosts[5], 8443), session(probeOf(6) + 60 * MIN + 1000, src, hosts[6], 8443));
          break;
        case 3:
          planted.push(
            session(probeOf(1) + 5 * MIN, src, hosts[1], 443, { sent: 199 }),
            session(probeOf(2) + 5 * MIN, src, hosts[2], 443, { recv: 0 }),
            session(probeOf(7) + 30 * MIN, src, hosts[7], 80, { action: 'Accept' }),
            session(probeOf(8) + 31 * MIN, src, hosts[8], 80, { sent: 200 }),
          );
          break;
        case 4:
          break;
        case 5:
          planted.push(session(probeOf(19) + 10 * MIN, src, hosts[0], 8080));
          break;
        default: // 6 and 7: 10 hosts (a row) or 9 (none), then an access
          planted.push(session(probeOf(0) + 15 * MIN, src, hosts[0], 443));
          break;
      }
    }
  }
  for (const src of ['10.20.30.40', '168.63.129.16', '198.51.100.201']) {
    const hosts = hostsOf(0, 12);
    sweep(src, start + 30 * MIN, hosts);
    planted.push(session(start + 40 * MIN, src, hosts[0], 443));
  }
  // Before the lookback: a scan at 09:50 and a session at 10:05 (the rule never sees the scan).
  sweep('45.202.1.1', start - 10 * MIN, hostsOf(1, 12));
  planted.push(session(start + 5 * MIN, '45.202.1.1', hostsOf(1, 12)[0], 443));
  planted.sort((a, b) => a.t - b.t);
  const background = rows - planted.length;
  if (background < 0) throw new Error(`${rows} rows are too few for ${planted.length} planted events`);
  function* gen() {
    let k = 0;
    for (let i = 0; i < background; i++) {
      const t = start + Math.floor((i * 120 * MIN) / background);
      while (k < planted.length && planted[k].t <= t) yield planted[k++];
      const c = Math.floor(rnd() * 2000);
      const allow = rnd() < 0.8;
      yield {
        t, src: `100.${64 + (c % 60)}.${Math.floor(c / 60)}.${1 + (c % 250)}`,
        dst: `203.0.113.${Math.floor(rnd() * 5)}`, dport: PORTS[Math.floor(rnd() * 4)], action: allow ? 'allow' : 'deny',
        sent: allow ? 300 + Math.floor(rnd() * 2000) : 60, recv: allow ? 1000 + Math.floor(rnd() * 20000) : 0, device: c % 3,
      };
    }
    while (k < planted.length) yield planted[k++];
  }
  return writeRows(file, gen());
}
