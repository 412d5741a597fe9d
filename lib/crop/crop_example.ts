/**
 * One crop training example: the member, its target box and whether it was
 * left uncropped. Its own file so the trainer, the subject-relative crop and
 * the blend share it without importing each other in a circle.
 *
 * @module
 */
import type { Box, GroupMemberInput } from "../types.ts";

/** One labelled crop. */
export interface CropExample {
  member: GroupMemberInput;
  /** Target box (`[0,0,1,1]` when not cropped). */
  box: Box;
  no_crop: boolean;
  /** Loss weight (default 1): reviews, the creator's newest taste, count more. */
  weight?: number;
}
