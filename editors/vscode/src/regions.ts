// Keeps a session's region pointing at the same text while the document changes under it
// (the model's streamed edits inside it, the user's typing above it). flint-lsp sends the
// authoritative region at every state change; in between, the extension moves it itself so
// that decorations and CodeLens follow the streamed text.
import type {Position, Range} from './protocol';

export interface ContentChange {
  range: Range;
  text: string;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

// Where `text` ends when inserted at `start`.
export function endOfInsertedText(start: Position, text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length === 1) return {line: start.line, character: start.character + text.length};
  return {line: start.line + lines.length - 1, character: lines[lines.length - 1].length};
}

// A position at or after the changed range's end, moved by the change.
function shiftAfter(p: Position, changeEnd: Position, newEnd: Position): Position {
  if (p.line === changeEnd.line) {
    return {line: newEnd.line, character: newEnd.character + (p.character - changeEnd.character)};
  }
  return {line: p.line + (newEnd.line - changeEnd.line), character: p.character};
}

// Changes that start at or inside the region (including at its very end, where a model appends
// lines) grow or shrink it; changes before it move it; changes after it leave it alone.
export function rebaseRange(region: Range, change: ContentChange): Range {
  const {start: s, end: e} = change.range;
  const newEnd = endOfInsertedText(s, change.text);
  let start = region.start;
  if (comparePositions(s, region.start) < 0) {
    start = comparePositions(e, region.start) <= 0 ? shiftAfter(region.start, e, newEnd) : s;
  }
  let end = region.end;
  if (comparePositions(s, region.end) <= 0) {
    end = comparePositions(e, region.end) <= 0 ? shiftAfter(region.end, e, newEnd) : newEnd;
  }
  return {start, end};
}

// VS Code lists the changes of one event so that applying them in order is correct.
export function rebaseRangeThrough(region: Range, changes: readonly ContentChange[]): Range {
  return changes.reduce(rebaseRange, region);
}
