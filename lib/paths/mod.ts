/**
 * Names, stages, timestamps, companions, project manifests, aliases and resolution.
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
export { companionsOf, isImageName } from "./companions.ts";
export { buildProjectIndex, loadProjectManifests, parseProjectManifest } from "./project.ts";
export type { ProjectManifest } from "./project.ts";
export { loadProjectMap, parseProjectMap, sessionDate } from "./project_map.ts";
export type { ProjectMap } from "./project_map.ts";
export { ProjectResolver } from "./project_resolver.ts";
export type { Resolution } from "./project_resolver.ts";
export { imageKey } from "./image_key.ts";
export { buildImageIndex, imageIdentity, ImageIndex } from "./image_index.ts";
