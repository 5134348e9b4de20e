import { coveredAddresses, malformedCidrMessage, parseCidr, type Ipv4Cidr } from "../config/cidr";

const cidrs = (...texts: string[]): Ipv4Cidr[] => texts.map((text) => parseCidr(text)!);

describe("parseCidr", () => {
  it("reads a range, its first and last address", () => {
    expect(parseCidr("10.20.0.0/16")).toMatchObject({ start: 0x0a140000, end: 0x0a14ffff, prefix: 16, hostBitsSet: false });
  });

  it.each(["10.020.0.0/16", "10.20.0.00/16", "010.20.0.0/16", "10.20.0.0/08"])("refuses %s: a number with a leading zero", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("still reads zero octets and a /0", () => {
    expect(parseCidr("0.0.0.0/0")).toMatchObject({ start: 0, end: 2 ** 32 - 1 });
  });
});

describe("malformedCidrMessage", () => {
  it("spells a CIDR with leading zeros plainly", () => {
    expect(malformedCidrMessage("10.020.0.0/16", "the rule")).toBe("leading zeros: write 10.20.0.0/16 (some tools read a number with a leading zero as octal)");
  });

  it("gives the field's rule for anything else", () => {
    expect(malformedCidrMessage("10.20.0.0", "the rule")).toBe("the rule");
    expect(malformedCidrMessage("10.0300.0.0/16", "the rule")).toBe("the rule");
  });
});

describe("coveredAddresses", () => {
  it("counts each address once, however the ranges overlap or nest", () => {
    expect(coveredAddresses(cidrs("10.0.0.0/24"))).toBe(256);
    expect(coveredAddresses(cidrs("10.0.0.0/24", "10.0.0.0/25", "10.0.0.128/26"))).toBe(256);
    expect(coveredAddresses(cidrs("10.0.1.0/24", "10.0.0.0/23"))).toBe(512);
    expect(coveredAddresses(cidrs("10.0.0.0/24", "10.0.2.0/24"))).toBe(512);
    expect(coveredAddresses(cidrs("0.0.0.0/1", "128.0.0.0/1"))).toBe(2 ** 32);
    expect(coveredAddresses([])).toBe(0);
  });
});
