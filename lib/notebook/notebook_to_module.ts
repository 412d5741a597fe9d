/**
 * Turn a Deno Jupyter notebook's code cells into one TypeScript module so
 * `deno check` can type-check them (the test command does).
 *
 * @module
 */

/** The parts of an .ipynb file this module reads. */
export interface NotebookJson {
  cells: { cell_type: string; source: string | string[] }[];
}

/**
 * Concatenate the code cells of a notebook into module text, in order, as
 * the kernel sees them (one shared scope, so a name declared in one cell is
 * visible in the next); top-level `import` lines are hoisted. A leading
 * `export {};` makes top-level await legal.
 *
 * @param notebook Parsed .ipynb JSON.
 * @returns TypeScript source.
 * @example
 * ```ts
 * notebookToModule({ cells: [{ cell_type: "code", source: "const x = 1;" }] });
 * ```
 */
export function notebookToModule(notebook: NotebookJson): string {
  if (!Array.isArray(notebook.cells)) {
    throw new TypeError("Cannot read notebook: field 'cells' is not an array");
  }
  const imports: string[] = [];
  const bodies: string[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const body: string[] = [];
    let inImport = false;
    for (const line of text.split("\n")) {
      if (inImport || /^import\s/.test(line)) {
        imports.push(line);
        inImport = !/;\s*$/.test(line) && !/from\s+["'][^"']+["']\s*$/.test(line);
      } else {
        body.push(line);
      }
    }
    bodies.push(`// cell ${i + 1}\n${body.join("\n")}`);
  });
  return ["export {};", ...imports, ...bodies].join("\n") + "\n";
}
