/** Deployment settings of the Splunk app and its saved searches. */
export interface SplunkSettings {
  app?: { id?: string; label?: string; version?: string; author?: string };
  notable?: boolean;
  risk?: boolean;
  scheduleWindow?: 'auto' | number;
  disabled?: boolean;
}
