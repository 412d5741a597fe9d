/**
 * The ranker: group-relative features, listwise (or pairwise hinge)
 * training on ORT, temperature calibration, loading/saving, notes and the
 * highest-stage fallback.
 *
 * @module
 */
export { fitTemperature, groupNll, softmax } from "./calibration.ts";
export {
  CHAIN_MIXES,
  chainLogProbabilities,
  evaluateChain,
  fitChainModel,
  mixChainScores,
} from "./chain_model.ts";
export type {
  ChainGroup,
  ChainMix,
  ChainModel,
  ChainVerdict,
  FitChainOptions,
} from "./chain_model.ts";
export {
  CONTEXT_COLUMNS,
  contextColumns,
  memberSteps,
  rankInputSize,
  rankMatrix,
  TRANSITION_COLUMNS,
  transitionKind,
  transitionNotes,
  transitionReference,
  writeGroupInputs,
} from "./rank_features.ts";
export type { RankFeatureLayout, Step, TransitionReference } from "./rank_features.ts";
export { isAnomaly, rankerInputs, splitScores, trainRanker } from "./train_ranker.ts";
export type {
  ChainValidation,
  RankEpoch,
  RankerChain,
  RankerMeta,
  RankGroup,
  TrainedRanker,
  TrainRankerOptions,
} from "./train_ranker.ts";
export {
  fallbackRanker,
  highestStageScores,
  loadRanker,
  RANKER_FILES,
  rankerFrom,
  rankNotes,
  readRankerModel,
  saveRanker,
} from "./ranker.ts";
export type { LoadRankerOptions, Ranker } from "./ranker.ts";
