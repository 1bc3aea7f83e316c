import type { Readable } from "stream";

export interface Shape {
  area(): number;
  readonly name: string;
}

enum Color { Red, Green }

export abstract class Base<T> implements Shape {
  constructor(protected readonly value: T) {}
  abstract area(): number;
  get name(): string { return String(this.value); }
}

namespace Util {
  export function clamp(x: number, lo = 0, hi = 1): number {
    return Math.min(hi, Math.max(lo, x));
  }
}

export type Pair<A, B> = [A, B];
export const first = <A, B>(p: Pair<A, B>): A => p[0];
declare function external(stream: Readable): void;
