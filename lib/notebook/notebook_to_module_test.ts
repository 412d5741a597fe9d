import assert from "node:assert/strict";
import { notebookToModule } from "./mod.ts";

Deno.test("notebookToModule() hoists imports and keeps cells in one scope", () => {
  const text = notebookToModule({
    cells: [
      { cell_type: "markdown", source: "# title" },
      { cell_type: "code", source: ['import { a } from "./a.ts";\n', "const x = a;\n"] },
      { cell_type: "code", source: "const y = x + 1;" },
    ],
  });
  assert.ok(text.startsWith('export {};\nimport { a } from "./a.ts";'));
  assert.ok(text.indexOf("const x = a;") < text.indexOf("const y = x + 1;"));
  assert.match(text, /\/\/ cell 3\n/);
  assert.ok(!text.includes("# title"));
});

Deno.test("notebookToModule() rejects a file without cells", () => {
  assert.throws(
    () => notebookToModule({} as unknown as { cells: [] }),
    /Cannot read notebook/,
  );
});
