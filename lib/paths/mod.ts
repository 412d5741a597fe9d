/**
 * Names, stages, timestamps, companions and (later) project resolution.
 *
 * @module
 */
export {
  basename,
  DEFAULT_STAGES,
  groupStemOf,
  parseFilenameTimestamp,
  parseStage,
  stageToken,
  stemOf,
} from "./stage.ts";
export type { ParseStageOptions } from "./stage.ts";
export { companionsOf, IMAGE_EXTENSIONS, isImageName } from "./companions.ts";
export type { CompanionOptions } from "./companions.ts";
