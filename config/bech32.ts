/**
 * The checksum of Bech32 strings (BIP-173), which age recipients (`age1...`)
 * are: a mistyped or dropped character changes it, so a key copied wrong is
 * caught at validation instead of when nobody can decrypt a backup. Small
 * enough to carry here rather than as a dependency.
 */

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
/** The six 5-bit groups at the end that hold the checksum. */
const CHECKSUM_LENGTH = 6;

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    GENERATOR.forEach((generator, bit) => {
      if ((top >>> bit) & 1) checksum ^= generator;
    });
  }
  return checksum;
}

/** The human-readable part, expanded as BIP-173 feeds it to the checksum. */
function expandPrefix(prefix: string): number[] {
  const codes = [...prefix].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >>> 5), 0, ...codes.map((code) => code & 31)];
}

export interface Bech32 {
  readonly prefix: string;
  /** The data part as 5-bit groups, without the checksum. */
  readonly words: readonly number[];
}

/**
 * Decodes a lowercase Bech32 string, or returns undefined when it is not one:
 * no `1` separator, a character outside the Bech32 alphabet, or a checksum
 * that does not match (BIP-173's constant 1; this is not Bech32m).
 */
export function decodeBech32(text: string): Bech32 | undefined {
  const separator = text.lastIndexOf("1");
  if (separator < 1 || text.length - separator - 1 < CHECKSUM_LENGTH) return undefined;
  const prefix = text.slice(0, separator);
  if (![...prefix].every((char) => char >= "!" && char <= "~")) return undefined;
  const values = [...text.slice(separator + 1)].map((char) => CHARSET.indexOf(char));
  if (values.some((value) => value < 0)) return undefined;
  if (polymod([...expandPrefix(prefix), ...values]) !== 1) return undefined;
  return { prefix, words: values.slice(0, -CHECKSUM_LENGTH) };
}

/** 5-bit groups to bytes; undefined when the padding left over is not zero bits (a malformed encoding). */
export function wordsToBytes(words: readonly number[]): Uint8Array | undefined {
  const bytes: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const word of words) {
    accumulator = ((accumulator << 5) | word) & 0xfff; // at most 12 bits are pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >>> bits) & 0xff);
    }
  }
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return undefined;
  return Uint8Array.from(bytes);
}
