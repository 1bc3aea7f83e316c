import { readFile } from "node:fs/promises";
const path = require("path");

export class Store {
  #items = new Map();
  static count = 0;

  async load(file) {
    const text = await readFile(path.resolve(file), "utf8");
    for (const [k, v] of Object.entries(JSON.parse(text))) this.#items.set(k, v);
    return this.#items.size;
  }
}

export const render = (items) => items.map((i) => `<li>${i}</li>`).join("");

function* ids() {
  let n = 0;
  while (true) yield n++;
}
