// flint-lsp's stderr lines, read for their level. flint-lsp logs with spdlog, one record a line:
//   [2026-12-06 14:03:47.123] [warning] edit 3: the editor refused an edit
// (server/logging.cpp, pattern "[%Y-%m-%d %H:%M:%S.%e] [%l] %v"). vscode-languageclient would
// write every stderr line as an error; each is logged at its own level instead, without the
// server's timestamp (the output channel adds its own). Plain TypeScript so it is unit-tested.

export type LogLevel = 'trace'|'debug'|'info'|'warn'|'error';

export interface ServerLogLine {
  level: LogLevel;
  message: string;
}

// spdlog's level names (`%l`) and the output channel's.
const LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'error',
};

const RECORD = /^\[\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?\] \[([a-z]+)\] ?(.*)$/;

// A line without a level (a crash report, output of a library) is information, not an error.
export function parseServerLogLine(line: string): ServerLogLine {
  const match = RECORD.exec(line);
  const level = match ? LEVELS[match[1]] : undefined;
  if (!match || !level) return {level: 'info', message: line};
  return {level, message: match[2]};
}
