/**
 * The image roots a step searches: the creator's roots, plus the sandbox when
 * it is a folder (`apply` moves reviewed files there, so they are found after
 * a move).
 *
 * @module
 */

/** `images`, plus `sandbox` when it is an existing folder not already listed. */
export async function imageRoots(
  images: readonly string[],
  sandbox: string | null,
): Promise<string[]> {
  const roots = [...images];
  if (sandbox !== null && !roots.includes(sandbox) && await isFolder(sandbox)) roots.push(sandbox);
  return roots;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
