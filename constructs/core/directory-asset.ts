import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
// cdktf's own hash and copy of an asset's directory: the same folder name and the same files as TerraformAsset's.
import { copySync, hashPath } from "cdktf/lib/private/fs";
// cdktf's hook for writing files during a real synth, which TerraformAsset uses; Testing.synth never calls it.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct } from "constructs";

/** Where a copy is written before it is renamed into place: beside the asset's folder, never taken for a version. */
const STAGING = ".partial-";

/**
 * A directory shipped with its stack, as cdktf's TerraformAsset ships one (`AssetType.DIRECTORY`): copied at synth to
 * `assets/<logical id>/<hash of its files>/` beside the stack's cdk.tf.json, the same path, hash and files. Unlike
 * TerraformAsset, which removes that folder and copies the directory again on every synth (7 ms a platform stack,
 * most of it unlinking files), it keeps a complete copy already there. The folder is named by the files' hash, so a
 * complete copy is this directory; complete means the same names, folders and file sizes, which a copy cut short
 * lacks. A new copy is written beside the folder and renamed into place, so none is left half-written under its name.
 */
export class DirectoryAsset extends Construct {
  /** The directory, absolute (a relative one is taken from the working directory). */
  readonly directory: string;
  /** cdktf's hash of the directory's files, TerraformAsset's `assetHash`. */
  readonly assetHash: string;

  constructor(scope: Construct, id: string, directory: string) {
    super(scope, id);
    this.directory = path.resolve(directory);
    this.assetHash = hashPath(this.directory);
    addCustomSynthesis(this, {
      onSynthesize: (session) => this.copyInto(path.dirname(path.join(session.manifest.outdir, session.manifest.forStack(TerraformStack.of(this)).synthesizedStackPath))),
    });
  }

  /** The copy, relative to the stack's directory: what a resource gives Terraform (TerraformAsset's `path`). */
  get path(): string {
    return path.posix.join(this.folderName, this.assetHash);
  }

  private get folderName(): string {
    return path.posix.join("assets", TerraformStack.of(this).getLogicalId(this.node));
  }

  private copyInto(stackDirectory: string): void {
    const folder = path.join(stackDirectory, this.folderName);
    const versions = existsSync(folder) ? readdirSync(folder) : [];
    if (versions.length === 1 && versions[0] === this.assetHash && isCompleteCopy(this.directory, path.join(folder, this.assetHash))) return;
    const assets = path.dirname(folder);
    mkdirSync(assets, { recursive: true });
    // What an interrupted run left beside the folder.
    for (const name of readdirSync(assets)) {
      if (name.startsWith(`${path.basename(folder)}${STAGING}`)) rmSync(path.join(assets, name), { recursive: true, force: true });
    }
    const staging = `${folder}${STAGING}${process.pid}`;
    mkdirSync(path.join(staging, this.assetHash), { recursive: true });
    copySync(this.directory, path.join(staging, this.assetHash));
    rmSync(folder, { recursive: true, force: true });
    renameSync(staging, folder);
  }
}

/** Whether `copy` holds what cdktf's copySync makes of `source`: the same names, folders and file sizes. */
function isCompleteCopy(source: string, copy: string): boolean {
  const names = readdirSync(source).sort();
  const copied = existsSync(copy) && statSync(copy).isDirectory() ? readdirSync(copy).sort() : undefined;
  if (copied?.join("\0") !== names.join("\0")) return false;
  return names.every((name) => {
    const original = statSync(path.join(source, name));
    const copiedItem = statSync(path.join(copy, name));
    if (original.isDirectory()) return copiedItem.isDirectory() && isCompleteCopy(path.join(source, name), path.join(copy, name));
    return original.isFile() && copiedItem.isFile() && copiedItem.size === original.size;
  });
}
