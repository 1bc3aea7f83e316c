// A minimal change signal for the extension's plain-TypeScript models, which must load outside
// VS Code (unit tests run them under node without the `vscode` module).

export type Unsubscribe = () => void;

export class Signal<T> {
  private listeners = new Set<(value: T) => void>();

  subscribe(listener: (value: T) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}
