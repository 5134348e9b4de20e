import { App, Aspects, type IAspect, type TerraformStack } from "cdktf";
// cdktf's hook for writing extra files during a real synth (TerraformAsset uses it); Testing.synth never calls it.
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import type { IConstruct } from "constructs";
import { GuardrailError } from "./errors";
import { evaluateStack, findingLines, type GuardrailOptions, type StackReport } from "./evaluate";
import type { JsonObject } from "./json";
import { writeReports } from "./report";

/**
 * The guarded stacks of one App. cdktf synthesizes stack after stack, writing
 * each one's files right after running its aspects, so a finding in the third
 * stack would leave the first two written. The first stack to be checked
 * therefore evaluates every guarded stack of the App, before any file exists;
 * the later stacks take their result from that batch.
 */
class Gate {
  private readonly members = new Map<TerraformStack, GuardrailOptions>();
  /** Results evaluated in a batch, not yet taken by their stack's aspect. */
  private readonly pending = new Map<TerraformStack, StackReport>();
  /** The result each stack's aspect took last: what its report file shows. */
  private readonly verdicts = new WeakMap<TerraformStack, StackReport>();
  /** Each stack's JSON as evaluated in a batch, until cdktf asks for it to write it. */
  private readonly synthesized = new Map<TerraformStack, JsonObject>();
  /** The output directories whose stale reports are removed: the stacks of an App do not change between synths. */
  private readonly cleaned = new Set<string>();

  constructor(private readonly root: IConstruct) {}

  add(stack: TerraformStack, options: GuardrailOptions): void {
    if (this.members.has(stack)) throw new Error(`guardrails are applied to ${stack.node.path} already`);
    this.members.set(stack, options);
  }

  /** Throws a GuardrailError listing every finding of every guarded stack, or records `stack`'s passing verdict. */
  check(stack: TerraformStack): void {
    if (!this.pending.has(stack)) this.evaluateAll();
    this.verdicts.set(stack, this.pending.get(stack) as StackReport);
    this.pending.delete(stack);
  }

  /**
   * The JSON `stack` was evaluated on, once, for cdktf to write: resolving a
   * stack is most of a synth's cost. Kept only while every aspect of the App is
   * a guardrail, so that nothing changes a stack between its evaluation and its
   * writing (another aspect runs on its stack after the batch).
   */
  takeSynthesized(stack: TerraformStack): JsonObject | undefined {
    const json = this.synthesized.get(stack);
    this.synthesized.delete(stack);
    return json;
  }

  /** Writes `stack`'s report; the first of a synth also removes the reports of stacks gone (once, not per stack). */
  writeReport(stack: TerraformStack, outdir: string): void {
    const report = this.verdicts.get(stack);
    if (!report) return;
    writeReports(outdir, [report], this.cleaned.has(outdir) ? undefined : this.stackNames());
    this.cleaned.add(outdir);
  }

  private evaluateAll(): void {
    const batch = [...this.members].filter(([stack]) => !this.pending.has(stack));
    const reusable = onlyGuardrailAspects(this.root);
    const reports = batch.map(([stack, options]) => {
      const json = stack.toTerraform() as JsonObject;
      if (reusable) this.synthesized.set(stack, json);
      return [stack, evaluateStack(stack, options, json)] as const;
    });
    const problems = reports.flatMap(([, report]) => findingLines(report));
    if (problems.length > 0) {
      this.pending.clear();
      this.synthesized.clear();
      // No stack file exists yet: the reports are the only output of a failed synth.
      if (App.isApp(this.root)) writeReports(this.root.outdir, reports.map(([, report]) => report), this.stackNames());
      throw new GuardrailError(problems);
    }
    for (const [stack, report] of reports) this.pending.set(stack, report);
  }

  private stackNames(): Set<string> {
    return new Set([...this.members.keys()].map((stack) => stack.node.id));
  }
}

/** Whether every aspect anywhere under `root` is a GuardrailsAspect, which changes nothing. */
export function onlyGuardrailAspects(root: IConstruct): boolean {
  return root.node.findAll().every((construct) => Aspects.of(construct).all.every((aspect) => aspect instanceof GuardrailsAspect));
}

const GATES = new WeakMap<IConstruct, Gate>();

function gateOf(stack: TerraformStack): Gate {
  const root = stack.node.root;
  let gate = GATES.get(root);
  if (!gate) {
    gate = new Gate(root);
    GATES.set(root, gate);
  }
  return gate;
}

/**
 * The rule pack as a cdktf Aspect on one stack. cdktf runs a stack's aspects
 * right before writing the stack; this one acts on the stack node only (it is
 * inherited by every construct below) and throws a GuardrailError there.
 */
export class GuardrailsAspect implements IAspect {
  constructor(
    private readonly stack: TerraformStack,
    private readonly gate: Gate,
  ) {}

  visit(node: IConstruct): void {
    if (node === this.stack) this.gate.check(this.stack);
  }
}

/**
 * Puts `stack` under the rule pack: its synth fails on any unsuppressed
 * finding (of any guarded stack of the App), and a real synth writes
 * `guardrails-<stack>.json` beside `stacks/` with every pass, failure and
 * suppression. Aspects on the App itself never run in cdktf, hence per stack.
 */
export function applyGuardrails(stack: TerraformStack, options: GuardrailOptions): void {
  const gate = gateOf(stack);
  gate.add(stack, options);
  Aspects.of(stack).add(new GuardrailsAspect(stack, gate));
  // cdktf writes what toTerraform returns: the JSON the guardrails evaluated, when the gate kept it.
  const toTerraform = stack.toTerraform.bind(stack);
  stack.toTerraform = () => gate.takeSynthesized(stack) ?? toTerraform();
  addCustomSynthesis(stack, { onSynthesize: (session) => gate.writeReport(stack, session.outdir) });
}
