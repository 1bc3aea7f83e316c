// Once an edit starts from a selection, the selection has done its job: left over the region it
// would grow with the streamed text, the next keystroke would replace the whole region, and
// Escape would have two meanings (clear the selection, cancel the edit). It collapses to its
// active end, where the cursor was. Callers collapse only once the request is on its way.
import * as vscode from 'vscode';

export function collapseSelection(editor: vscode.TextEditor|undefined, uri: string): void {
  if (!editor || editor.document.uri.toString() !== uri) return;
  if (editor.selections.every((s) => s.isEmpty)) return;
  const cursor = editor.selection.active;
  editor.selection = new vscode.Selection(cursor, cursor);
}
