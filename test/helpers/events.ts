/** Small deterministic generators of canonical events for tests (the real fixture generator is scripts/). */
export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const at = (min: number, sec = 0) => new Date(NOW - min * 60_000 + sec * 1000).toISOString();

/** `ports` distinct ports on `hosts` distinct hosts from `src`, in the 5-minute window starting `startMin` ago. */
export function sweep(src: string, ports: number, hosts: number, startMin = 30): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const n = Math.max(ports, hosts);
  for (let i = 0; i < n; i++) {
    events.push({ time: at(startMin, i % 240), src_ip: src, dst_ip: `203.0.113.${i % hosts}`, dst_port: 1000 + (i % ports), device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' });
  }
  return events;
}

/** A process start on an endpoint, with a consistent name and path. */
export function proc(name: string, cmd: string, folder = 'C:\\Tools'): Record<string, unknown> {
  return { time: at(5), host: 'ws1', user: 'alice', process_name: name, process_path: `${folder}\\${name}`, command_line: cmd, parent_process_name: 'cmd.exe' };
}

/** Sorts rows into a canonical order so engines can be compared as multisets. */
export function canonicalRows(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
}
