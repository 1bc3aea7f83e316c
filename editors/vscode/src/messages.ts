// Which of flint's window/showMessage errors come from configuration, and where in the
// Settings editor they are fixed. Plain TypeScript so the matching is unit-tested.

// Words flint-lsp uses when a setting, a key, or the endpoint it names is the cause.
const CONFIGURATION_CAUSES = [
  /\bsettings?\b/i,
  /\bconfigur/i,
  /\bapi[ _-]?key/i,
  /\bapiKeyEnv\b/,
  /\bbase ?url\b/i,
  /\bmodel\b.*\b(not found|unknown|missing|not configured|does not exist)/i,
  /\b(401|403|404)\b/,
  /\bunauthori[sz]ed\b/i,
  /\bforbidden\b/i,
  /\bnot configured\b/i,
  /\bprovider\b/i,
  /\bconnection refused\b/i,
  /\bcould not (connect|resolve)\b/i,
];

// The Settings editor query that shows the settings a message is about, or undefined when the
// message is not about configuration.
export function settingsQueryFor(message: string): string|undefined {
  if (!CONFIGURATION_CAUSES.some((pattern) => pattern.test(message))) return undefined;
  // A message that names a setting path (e.g. "models.agent.baseUrl") gets that setting.
  const path =
      /\b(models\.(?:fast|agent)(?:\.[A-Za-z]+)?|(?:edit|completion|jobs)\.[A-Za-z]+)\b/.exec(
          message);
  if (path) return `flint.${path[1]}`;
  if (/\bagent\b/i.test(message)) return 'flint.models.agent';
  if (/\b(fast|model|api[ _-]?key|endpoint|base ?url|provider|connect\w*|40[134])\b/i.test(
          message)) {
    return 'flint.models.fast';
  }
  return 'flint';
}
