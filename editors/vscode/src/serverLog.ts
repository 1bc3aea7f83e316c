// flint-lsp's stderr lines, read for their level. flint-lsp logs with spdlog, one record a line:
//   [2026-12-06 14:03:47.123] [warning] edit 3: the editor refused an edit
// (server/logging.cpp, pattern "[%Y-%m-%d %H:%M:%S.%e] [%l] %v"; a pattern with the logger's name
// puts "[flint] " before the level). vscode-languageclient would write every stderr line as an
// error; each is logged at its own level instead, without the server's timestamp (the output
// channel adds its own). Plain TypeScript so it is unit-tested.

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

const TIMESTAMP = /^\[\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?\] /;
const BRACKETED = /^\[([^\]\s]+)\] ?/;

// A line without a level (a crash report, output of a library) is information, not an error.
export function parseServerLogLine(line: string): ServerLogLine {
  const stamp = TIMESTAMP.exec(line);
  if (!stamp) return {level: 'info', message: line};
  let rest = line.slice(stamp[0].length);
  // The level is the first bracketed word after the timestamp, or the second after a logger name.
  for (let i = 0; i < 2; i++) {
    const word = BRACKETED.exec(rest);
    if (!word) break;
    rest = rest.slice(word[0].length);
    const level = LEVELS[word[1]];
    if (level) return {level, message: rest};
  }
  return {level: 'info', message: line};
}
