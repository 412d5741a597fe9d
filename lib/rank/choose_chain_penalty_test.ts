import assert from "node:assert/strict";
import { chainGroups, chainLayout } from "../../tests/fixtures/chain_groups.ts";
import { chooseChainPenalty } from "./choose_chain_penalty.ts";

const { group } = chainGroups(11);

Deno.test("chooseChainPenalty() picks the largest penalty when the picks carry no signal", () => {
  // The creator kept stage 1.5 in one group of six, whatever the pixels did: nothing to learn,
  // and a weak penalty only fits noise out of fold.
  const train = Array.from({ length: 120 }, (_, i) => group(false, i % 6 === 0 ? 1 : 2));
  const choice = chooseChainPenalty(train, chainLayout(train), { penalties: [0.01, 1, 100] })!;
  assert.deepEqual(Object.keys(choice.cv_nll).sort(), ["0.01", "1", "100"]);
  assert.equal(choice.l2, 100, JSON.stringify(choice.cv_nll));
  assert.ok(choice.cv_nll["0.01"]! > choice.cv_nll["100"]!);
});

Deno.test("chooseChainPenalty() keeps a penalty that lets a clear defect through", () => {
  const train = Array.from({ length: 120 }, (_, i) => group(i % 6 === 0, i % 6 === 0 ? 1 : 2));
  const choice = chooseChainPenalty(train, chainLayout(train), { penalties: [0.01, 1, 100] })!;
  assert.notEqual(choice.l2, 100, JSON.stringify(choice.cv_nll));
  // Out of fold the chain explains the picks far better than chance (log 3 ≈ 1.1 per group).
  assert.ok(choice.cv_nll[String(choice.l2)]! < 0.3, JSON.stringify(choice.cv_nll));
});

Deno.test("chooseChainPenalty() is null when a fold has no broken step, and checks its options", () => {
  const train = [group(true, 1), ...Array.from({ length: 9 }, () => group(false, 2))];
  assert.equal(chooseChainPenalty(train, chainLayout(train)), null);
  assert.throws(() => chooseChainPenalty(train, chainLayout(train), { folds: 1 }), RangeError);
  assert.throws(() => chooseChainPenalty(train, chainLayout(train), { penalties: [] }), RangeError);
});
