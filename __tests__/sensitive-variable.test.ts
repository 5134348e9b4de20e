import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { SensitiveVariable } from "../constructs/core/sensitive-variable";
import { synthJson } from "./synth";

function stackWithNestedScope() {
  const stack = new TerraformStack(Testing.app(), "test");
  return { stack, nested: new Construct(new Construct(stack, "outer"), "inner") };
}

describe("SensitiveVariable", () => {
  it("names the variable exactly as configured, however deep it is declared, and says how to set it", () => {
    const { stack, nested } = stackWithNestedScope();
    SensitiveVariable.of(nested, { name: "grafana_admin_password", purpose: "Grafana admin password" });
    expect(synthJson(stack).variable).toEqual({
      grafana_admin_password: {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "Grafana admin password (set TF_VAR_grafana_admin_password)",
      },
    });
  });

  it("gives every construct of a stack that asks for the same variable and purpose the same one", () => {
    const { stack, nested } = stackWithNestedScope();
    const props = { name: "alerts_slack_webhook_url", purpose: "Slack incoming-webhook URL" };
    expect(SensitiveVariable.of(nested, props)).toBe(SensitiveVariable.of(stack, props));
  });

  it("takes any name, even one a construct of the stack already has", () => {
    const { stack, nested } = stackWithNestedScope();
    SensitiveVariable.of(nested, { name: "outer", purpose: "a secret named like the stack's construct outer" });
    expect(Object.keys(synthJson(stack).variable)).toEqual(["outer"]);
  });

  it("refuses one variable for two purposes", () => {
    const { stack, nested } = stackWithNestedScope();
    SensitiveVariable.of(nested, { name: "alerts_slack_webhook_url", purpose: "Slack incoming-webhook URL" });
    expect(() => SensitiveVariable.of(stack, { name: "alerts_slack_webhook_url", purpose: "JWT signing secret" })).toThrow(
      'test: variable alerts_slack_webhook_url is wanted for "JWT signing secret" but already taken by "Slack incoming-webhook URL"',
    );
  });
});
