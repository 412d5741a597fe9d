/**
 * The workspace: one small git-ignored JSON file (`keeper.workspace.json`)
 * recording where a creator's logs, manifests, image roots, sandbox, feature
 * cache, models and ingested store live, so everyday commands need no paths.
 *
 * @module
 */
export {
  DEFAULT_WORKSPACE,
  loadWorkspaceSync,
  parseWorkspace,
  resolveWorkspace,
  WORKSPACE_ENV,
  WORKSPACE_FILE,
  workspaceFile,
} from "./workspace.ts";
export type { LoadedWorkspace, Workspace } from "./workspace.ts";
export { checkWorkspace, runSetup, setupWorkspace } from "./setup_workspace.ts";
export type { RunSetupResult, WorkspaceCheck } from "./setup_workspace.ts";
