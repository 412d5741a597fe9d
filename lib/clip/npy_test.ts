import assert from "node:assert/strict";
import { NpyError, readNpyVector, writeNpyVector } from "./npy.ts";

const dir = new URL("./testdata/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, dir));
/** The reason code of the NpyError `fn` throws. */
function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NpyError, String(e));
    return e.reason;
  }
  throw new Error("expected an NpyError");
}
const values = Deno.readTextFileSync(new URL("values.txt", dir)).trim().split("\n").map(Number);

Deno.test("readNpyVector() reads NumPy's float32 files, versions 1-3, (512,) and (1, 512)", () => {
  for (const name of ["v1_f4_vector.npy", "v1_f4_row.npy", "v2_f4_vector.npy"]) {
    const v = readNpyVector(read(name));
    assert.deepStrictEqual(v.length, 512, name);
    for (let i = 0; i < 512; i++) {
      assert.deepStrictEqual(v[i], Math.fround(values[i]!), `${name}[${i}]`);
    }
  }
});

Deno.test("readNpyVector() widens NumPy's float16 files within half precision", () => {
  for (const name of ["v1_f2_vector.npy", "v3_f2_row.npy"]) {
    const v = readNpyVector(read(name));
    for (let i = 0; i < 512; i++) {
      const tol = Math.max(Math.abs(values[i]!) * 2 ** -10, 2 ** -24);
      assert.ok(Math.abs(v[i]! - values[i]!) <= tol, `${name}[${i}]: ${v[i]} vs ${values[i]}`);
    }
  }
});

Deno.test("readNpyVector() refuses other dtypes, byte orders and shapes with a reason", () => {
  const cases: [string, string][] = [
    ["bad_f8.npy", "npy_dtype"],
    ["bad_big_endian.npy", "npy_dtype"],
    ["bad_shape_2x512.npy", "npy_shape"],
    ["bad_shape_256.npy", "npy_shape"],
  ];
  for (const [name, reason] of cases) {
    assert.equal(reasonOf(() => readNpyVector(read(name))), reason, name);
  }
  const good = read("v1_f4_vector.npy");
  assert.equal(reasonOf(() => readNpyVector(good.subarray(0, good.length - 4))), "npy_truncated");
  assert.equal(reasonOf(() => readNpyVector(new TextEncoder().encode("[1, 2]"))), "npy_bad_magic");
  const v9 = good.slice();
  v9[6] = 9;
  assert.equal(reasonOf(() => readNpyVector(v9)), "npy_version");
});

Deno.test("writeNpyVector() writes the bytes NumPy writes", () => {
  const v = new Float32Array(values);
  assert.deepStrictEqual(writeNpyVector(v), read("v1_f4_vector.npy"));
  assert.deepStrictEqual(writeNpyVector(v, { shape: "row" }), read("v1_f4_row.npy"));
  assert.deepStrictEqual(writeNpyVector(v, { dtype: "<f2" }), read("v1_f2_vector.npy"));
  assert.deepStrictEqual(writeNpyVector(v, { version: 2 }), read("v2_f4_vector.npy"));
});
