import { decodeBech32, wordsToBytes } from "../config/bech32";
import { loadPlatformConfig } from "../config";
import { problemsOf, shippedConfig } from "./helpers";

/** BIP-173's test vectors: https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki#test-vectors */
const VALID = ["a12uel5l", "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", `11${"q".repeat(82)}c8247j`, "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"];
const INVALID = ["x1b4n0q5v", "li1dgmt3", "de1lg7wt\u00ff", "A1G7SGD8", "10a06t8", "1qzzfhee", "pzry9x0s0muk", "1pzry9x0s0muk"];

describe("decodeBech32", () => {
  it.each(VALID)("accepts BIP-173's valid string %s", (text) => {
    expect(decodeBech32(text)).toBeDefined();
  });

  it.each(INVALID)("refuses BIP-173's invalid string %p", (text) => {
    expect(decodeBech32(text)).toBeUndefined();
  });

  it("refuses a string one character off, or with two characters swapped", () => {
    const key = "age1j3namta3vm9r689d433p7ae8mslextuz59f3pyf6xmql7vst2y3svutwm3";
    expect(decodeBech32(key)?.prefix).toBe("age");
    expect(decodeBech32(`${key.slice(0, -1)}4`)).toBeUndefined();
    expect(decodeBech32(`${key.slice(0, 10)}${key[11]}${key[10]}${key.slice(12)}`)).toBeUndefined();
  });

  it("decodes an age recipient to its 32-byte X25519 key", () => {
    const decoded = decodeBech32("age1ua5ujdmu6gpxvc0c9nyykwtd48tfxatgvaxzc69tshnvxx45zuxqp0qtle")!;
    expect(wordsToBytes(decoded.words)).toHaveLength(32);
  });

  it("refuses leftover bits that are not zero padding shorter than one group", () => {
    expect(wordsToBytes([0, 0])).toEqual(new Uint8Array(1)); // 10 bits: one byte and 2 zero bits of padding
    expect(wordsToBytes([0, 1])).toBeUndefined(); // a padding bit set
    expect(wordsToBytes([0])).toBeUndefined(); // 5 bits: a whole group of padding
    expect(wordsToBytes([0, 0, 0, 0, 0, 0, 0, 0])).toEqual(new Uint8Array(5));
  });
});

describe("age recipients in the configuration", () => {
  it("refuses a restore-test key whose checksum does not match", () => {
    const input: any = shippedConfig(); // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
    input.environments.staging.backup = { ...input.environments.staging.backup, restoreTestRecipient: "age1ndd29u230gfpzuwgc7f3t9suwuagj8mn4jk8ue746ujvjarr8sks8txdg3" };
    expect(problemsOf(() => loadPlatformConfig(input))).toEqual([
      'environments.staging.backup.restoreTestRecipient = "age1ndd29u230gfpzuwgc7f3t9suwuagj8mn4jk8ue746ujvjarr8sks8txdg3": Bech32 checksum mismatch: a character is mistyped, swapped or missing; copy the key again from age-keygen -y',
    ]);
  });

  it("reports a key that is not even shaped like one once, by its shape", () => {
    const input: any = shippedConfig(); // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
    input.environments.staging.backup = { ...input.environments.staging.backup, restoreTestRecipient: "AGE1NDD29U230GFPZUWGC7F3T9SUWUAGJ8MN4JK8UE746UJVJARR8SKS8TXDG2" };
    expect(problemsOf(() => loadPlatformConfig(input))).toEqual([
      'environments.staging.backup.restoreTestRecipient = "AGE1NDD29U230GFPZUWGC7F3T9SUWUAGJ8MN4JK8UE746UJVJARR8SKS8TXDG2": an age public key (age1 followed by 58 bech32 characters)',
    ]);
  });
});
