// The report of `flint-lsp check --json` ("flint: Check Setup"): read from the command's output,
// turned into the output channel's lines and one notification. Plain TypeScript so it is
// unit-tested.
//
// The command prints one JSON object (API keys never appear in it):
//   {"version":"0.1.0","ok":false,"settingsSources":["defaults","environment",…],
//    "settingsErrors":["..."],
//    "roles":[{"role":"fast","provider":"openai-chat","baseUrl":"http://…","model":"m",
//              "ok":true,"ms":12,"message":"answered in 12 ms"},
//             {"role":"agent",…,"ok":false,"message":"401 Unauthorized: …","fix":"set …"}]}
// and exits 0 when every role works, 1 when one fails, 2 on a usage error.

export interface CheckRole {
  role: string;
  provider?: string;
  baseUrl?: string;
  model?: string;
  ok: boolean;
  ms?: number;
  message?: string;
  fix?: string;
}

export interface CheckReport {
  version?: string;
  ok: boolean;
  // Where the settings were read from, lowest layer first.
  settingsSources: string[];
  settingsErrors: string[];
  roles: CheckRole[];
}

// How the command ended, as the extension saw it (serverCli.ts).
export interface CheckRun {
  status: number|null;
  stdout: string;
  stderr: string;
  // The process could not start, or was stopped (a timeout).
  error?: string;
}

const text = (value: unknown): string|undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;

function parseRole(value: unknown): CheckRole|undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const role = text(r.role);
  if (!role) return undefined;
  return {
    role,
    provider: text(r.provider),
    baseUrl: text(r.baseUrl),
    model: text(r.model),
    ok: r.ok === true,
    ms: typeof r.ms === 'number' ? r.ms : undefined,
    message: text(r.message),
    fix: text(r.fix),
  };
}

// The report in the command's standard output, or undefined when there is none (an older
// flint-lsp, a crash). The object is the output's last line that parses.
export function parseCheckReport(stdout: string): CheckReport|undefined {
  const trimmed = stdout.trim();
  const attempts = [trimmed, ...trimmed.split('\n').reverse().filter((l) => l.startsWith('{'))];
  for (const attempt of attempts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(attempt);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
    const o = parsed as Record<string, unknown>;
    if (!Array.isArray(o.roles) || typeof o.ok !== 'boolean') continue;
    const roles = o.roles.map(parseRole).filter((r): r is CheckRole => r !== undefined);
    const strings = (value: unknown) =>
        Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : [];
    return {
      version: text(o.version),
      ok: o.ok,
      settingsSources: strings(o.settingsSources),
      settingsErrors: strings(o.settingsErrors),
      roles,
    };
  }
  return undefined;
}

// `fast   ok      openai-chat http://127.0.0.1:8080/v1 m: answered in 12 ms`, and under a failed
// role its fix.
export function reportLines(report: CheckReport): string[] {
  const lines: string[] = [];
  if (report.settingsSources.length > 0) {
    lines.push(`settings from: ${report.settingsSources.join(', ')}`);
  }
  for (const error of report.settingsErrors) lines.push(`settings  error   ${error}`);
  const width = Math.max(8, ...report.roles.map((r) => r.role.length + 2));
  for (const role of report.roles) {
    const what = [role.provider, role.baseUrl, role.model].filter((p) => p !== undefined).join(' ');
    const outcome = role.message ?? (role.ok ? 'ok' : 'failed');
    lines.push(`${role.role.padEnd(width)}${(role.ok ? 'ok' : 'FAILED').padEnd(8)}${
        what === '' ? '' : `${what}: `}${outcome}`);
    if (!role.ok && role.fix) lines.push(`${' '.repeat(width + 8)}fix: ${role.fix}`);
  }
  if (report.roles.length === 0 && report.settingsErrors.length === 0) {
    lines.push('no model role was checked');
  }
  return lines;
}

export interface ReportSummary {
  ok: boolean;
  message: string;
  // The first failure's fix, for the notification's "Open Settings" to look for.
  fix?: string;
}

// The notification: every role's outcome when all work, else the first failure and its fix.
export function reportSummary(report: CheckReport): ReportSummary {
  const failedRoles = report.roles.filter((r) => !r.ok);
  const problems = report.settingsErrors.length + failedRoles.length;
  const more = problems > 1 ? ` (${problems - 1} more problem${problems > 2 ? 's' : ''} in the report)` : '';
  if (report.settingsErrors.length > 0) {
    return {
      ok: false,
      message: `flint: Check Setup: a setting is invalid: ${report.settingsErrors[0]}${more}`,
      fix: report.settingsErrors[0],
    };
  }
  const failed = failedRoles[0];
  if (failed) {
    const fix = failed.fix ? ` Fix: ${sentence(failed.fix)}` : '';
    return {
      ok: false,
      message: `flint: Check Setup: the ${failed.role} model failed: ${
          sentence(failed.message ?? 'no answer')}${fix}${more}`,
      fix: failed.fix ?? failed.message,
    };
  }
  if (!report.ok) {
    return {ok: false, message: 'flint: Check Setup failed (see the report in the flint output).'};
  }
  const answered = report.roles.map((r) => `${r.role}: ${r.message ?? 'ok'}`).join('; ');
  return {ok: true, message: `flint: setup OK: ${answered === '' ? 'nothing to check' : answered}.`};
}

// The server's messages end with a period or a question, or with nothing.
function sentence(message: string): string {
  return /[.?!]$/.test(message) ? message : `${message}.`;
}

// What to say when the command printed no report.
export function runFailureMessage(run: CheckRun): string {
  if (run.error) return `flint: Check Setup could not run flint-lsp: ${run.error}`;
  const firstError = run.stderr.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (run.status === 2 && /\bcheck\b/.test(run.stderr) && /unknown|usage|unrecognized/i.test(run.stderr)) {
    return 'flint: this flint-lsp has no "check" command: update flint-lsp to check the setup.';
  }
  return `flint: Check Setup: flint-lsp check exited with status ${run.status ?? 'unknown'}${
      firstError ? `: ${firstError}` : ' and printed no report'}.`;
}
