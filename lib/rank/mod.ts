/**
 * The ranker: group-relative features, listwise (or pairwise hinge)
 * training on ORT, temperature calibration, loading/saving, notes and the
 * highest-stage fallback.
 *
 * @module
 */
export { fitTemperature, groupNll, softmax, temperatureObjective } from "./calibration.ts";
export type { FitTemperatureOptions } from "./calibration.ts";
export { clopperPearsonLower, incompleteBeta } from "./binomial.ts";
export { fitAutoApprove, isApprovable } from "./auto_approve.ts";
export type { AutoApprove, BandSet, FitAutoApproveOptions } from "./auto_approve.ts";
export { crossFitRanker } from "./cross_fit.ts";
export type { CrossFitOptions, OutOfFold } from "./cross_fit.ts";
export { calibrateFromOutOfFold } from "./calibrate_ranker.ts";
export type { CalibrateOptions, CalibrationResult } from "./calibrate_ranker.ts";
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
  RankerCalibration,
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
