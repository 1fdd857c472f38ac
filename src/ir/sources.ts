import type { DataSource } from './types.js';

// The canonical data sources a rule can read. Backends map each one to their world in
// templates/<backend>/mapping.yml; a field missing there is a build error for that backend.
export const DATA_SOURCES: Record<string, DataSource> = {
  network_connection: {
    name: 'network_connection',
    description: 'Network sessions seen by a firewall, flow log or sensor (one event per connection attempt).',
    time: 'time',
    fields: {
      time: { type: 'timestamp', description: 'When the connection was seen.' },
      src_ip: { type: 'ip', description: 'Source (initiating) IP address, IPv4 or IPv6.' },
      src_port: { type: 'int', description: 'Source port.' },
      dst_ip: { type: 'ip', description: 'Destination IP address, IPv4 or IPv6.' },
      dst_port: { type: 'int', description: 'Destination port; absent for ICMP.' },
      protocol: { type: 'string', description: 'Transport protocol (tcp, udp, icmp, ...).' },
      action: { type: 'string', description: 'What the device did (allow, deny, drop, ...).' },
      direction: { type: 'string', description: 'Inbound or outbound, as the device reports it.' },
      device_vendor: { type: 'string', description: 'Vendor of the reporting device.' },
      device_product: { type: 'string', description: 'Product of the reporting device.' },
      device_name: { type: 'string', description: 'Name of the reporting device.' },
      bytes_sent: { type: 'int', description: 'Bytes from source to destination.' },
      bytes_received: { type: 'int', description: 'Bytes from destination to source.' },
    },
  },
  process_creation: {
    name: 'process_creation',
    description: 'A process started on an endpoint (EDR, Sysmon event 1, auditd execve, ...).',
    time: 'time',
    fields: {
      time: { type: 'timestamp', description: 'When the process started.' },
      host: { type: 'string', description: 'Name of the endpoint.' },
      user: { type: 'string', description: 'Account that started the process.' },
      user_domain: { type: 'string', description: 'Domain of that account.' },
      process_name: { type: 'string', description: 'File name of the image, without its folder (nmap.exe).' },
      process_path: { type: 'string', description: 'Full path of the image.' },
      command_line: { type: 'string', description: 'Full command line.' },
      process_id: { type: 'int', description: 'Process id.' },
      parent_process_name: { type: 'string', description: 'File name of the parent image.' },
      parent_command_line: { type: 'string', description: 'Command line of the parent.' },
      original_file_name: { type: 'string', description: 'Original file name from the PE version info.' },
      sha256: { type: 'string', description: 'SHA-256 of the image.' },
    },
  },
};
