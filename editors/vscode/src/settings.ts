// The `flint.*` settings that flint-lsp reads, turned into the JSON object it expects from
// workspace/configuration (section "flint"), e.g. {models: {fast: {baseUrl: ...}}}.
//
// Only values the user actually set are sent. flint-lsp layers its settings (defaults, --config,
// environment, initializationOptions, then these), so a default sent from here would hide a
// FLINT_BASE_URL from the environment or a --config file. Client-only settings (server path,
// languages, trace) stay out: the server reports unknown keys as errors.

export const SECTION = 'flint';

// Top-level keys of the server's settings object.
const SERVER_GROUPS = ['models', 'edit', 'completion', 'jobs', 'privacy', 'documents'];

export interface SettingValue {
  // True when some scope (user, workspace, folder, language) holds a value of its own.
  isSet: boolean;
  value: unknown;
}

export type ReadSetting = (key: string) => SettingValue;

// The server's keys among the contributed properties ("flint.models.fast.baseUrl" ->
// "models.fast.baseUrl"), in the manifest's order.
export function serverSettingKeys(contributedProperties: Record<string, unknown>): string[] {
  const prefix = SECTION + '.';
  return Object.keys(contributedProperties)
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
      .filter((key) => SERVER_GROUPS.includes(key.split('.')[0]));
}

// An empty string means "not configured here": it falls through to flint-lsp's lower layers
// instead of sending an invalid empty URL or model name.
function isMeaningful(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function buildServerSettings(keys: string[], read: ReadSetting): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const {isSet, value} = read(key);
    if (!isSet || !isMeaningful(value)) continue;
    const path = key.split('.');
    let node = settings;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return settings;
}

// Settings whose change needs a new flint-lsp process (command line, document selector).
export const RESTART_SETTINGS = ['server.path', 'server.logLevel', 'server.logFile', 'languages'];
