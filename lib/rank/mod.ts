/**
 * The ranker: group-relative features, listwise (or pairwise hinge)
 * training on ORT, temperature calibration, loading/saving, notes and the
 * highest-stage fallback.
 *
 * @module
 */
export { softmax } from "./calibration.ts";
export { crossFitRanker } from "./cross_fit.ts";
export { calibrateFromOutOfFold } from "./calibrate_ranker.ts";
export { chooseMixOutOfFold } from "./choose_mix.ts";
export { mixChainScores } from "./chain_model.ts";
export { transitionReference } from "./rank_features.ts";
export type { RankFeatureLayout } from "./rank_features.ts";
export { isAnomaly, refitRankerChain, trainRanker } from "./train_ranker.ts";
export type { RankEpoch, RankerMeta, RankGroup, TrainRankerOptions } from "./train_ranker.ts";
export {
  highestStageScores,
  loadRanker,
  rankerFrom,
  readRankerModel,
  saveRanker,
} from "./ranker.ts";
