/**
 * What `decideFolder` runs on: the loaded models and the feature source. Its own file so the
 * engine (`decide_folder.ts`) and its parts (`_decide_group.ts`, `_load_parts.ts`) share the type
 * without importing each other in a circle.
 *
 * @module
 */
import type { CropProposal, GroupMemberInput, ImageFeatures, RankResult } from "../types.ts";

/** Features for a list of files (lib/embed's `embedFiles` behind an adapter). */
export type FeatureSource = (
  paths: string[],
  onProgress?: (done: number, total: number) => void,
) => Promise<{ byPath: Map<string, ImageFeatures>; failed: Map<string, string> }>;

/** The models decide uses, already loaded (inject test doubles here). */
export interface DecideParts {
  features: FeatureSource;
  ranker: {
    identity: string;
    /** The ranker's own auto-approve confidence (null: never); absent: use the option. */
    autoApproveThreshold?: number | null;
    rank(members: GroupMemberInput[]): RankResult;
  };
  crop: { identity: string; propose(member: GroupMemberInput): CropProposal };
  /** Embedder identity recorded in `models.embedder`. */
  embedder: string;
  /** Release native resources. */
  dispose?: () => void | Promise<void>;
}
