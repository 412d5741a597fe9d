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
export { companionsOf, IMAGE_EXTENSIONS, isImageName } from "./companions.ts";
export type { CompanionOptions } from "./companions.ts";
export {
  buildProjectIndex,
  loadProjectManifests,
  lookupProject,
  parseProjectManifest,
  projectKey,
} from "./project.ts";
export type {
  BuildProjectIndexOptions,
  LoadProjectManifestsOptions,
  ProjectIndex,
  ProjectLookup,
  ProjectManifest,
} from "./project.ts";
export {
  globToRegExp,
  loadProjectMap,
  matchProjectMap,
  parseProjectMap,
  sessionDate,
} from "./project_map.ts";
export type { ProjectMap, ProjectRule, RuleSubject } from "./project_map.ts";
export { DEFAULT_ROOTS, ProjectResolver, stripRoots } from "./project_resolver.ts";
export type {
  ProjectConflict,
  ProjectResolverOptions,
  Resolution,
  ResolveContext,
  ResolveVia,
} from "./project_resolver.ts";
export { imageKey, projectsOfFilename } from "./image_key.ts";
export { buildImageIndex, imageIdentity, ImageIndex, projectOfImagePath } from "./image_index.ts";
export type {
  BuildImageIndexOptions,
  DeliveredCopy,
  IdentityConflict,
  IdentityLookup,
  ImageIdentity,
  IndexedImage,
  LookupOptions,
} from "./image_index.ts";
