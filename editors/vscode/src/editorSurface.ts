// The VS Code side of undo grouping: applies a streamed edit through the visible editor of the
// document, where undo stops can be controlled (workspace.applyEdit always adds its own).
import * as vscode from 'vscode';

import type {EditorSurface, TextEditLike} from './undoGrouping';

function findDocument(uri: string): vscode.TextDocument|undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

function toRange(range: TextEditLike['range']): vscode.Range {
  return new vscode.Range(
      range.start.line, range.start.character, range.end.line, range.end.character);
}

export function vscodeEditorSurface(): EditorSurface {
  return {
    documentVersion(uri) { return findDocument(uri)?.version; },
    async applyInEditor(uri, edits, undoStopBefore) {
      const editor =
          vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
      if (!editor) return undefined;
      // TextEditor.edit checks the document version it saw against the one it edits, so a
      // keystroke that lands meanwhile makes this answer false instead of being overwritten.
      return editor.edit(
          (builder) => {
            for (const edit of edits) builder.replace(toRange(edit.range), edit.newText);
          },
          {undoStopBefore, undoStopAfter: false},
      );
    },
  };
}
