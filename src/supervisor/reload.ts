/**
 * Applying a reload plan (docs/reload.md "Live changes and restarts"): unchanged programs keep
 * their pids, policy changes apply live, numprocs changes add or stop only the difference,
 * shaping changes restart every instance that was up, removed programs are stopped and dropped.
 */
import type { ConfigDiff } from "../config/diff.ts";
import type { ProgramSpec } from "../config/types.ts";
import type { Instance } from "./instance.ts";
import type { Program } from "./program.ts";

/** What applying a plan needs from the supervisor. */
export interface ReloadHost {
  /** The program table. */
  programs(): Map<string, Program>;
  /** Replaces the table (the new file order) at the end of the reload. */
  setPrograms(table: Map<string, Program>): void;
  makeProgram(spec: ProgramSpec): Program;
  /** Stops one instance by `reload` and waits for a stopped state. */
  stop(instance: Instance): Promise<unknown>;
  /** Stops several instances by `reload`, dependents before their dependencies. */
  stopSet(instances: readonly Instance[]): Promise<unknown>;
  /** Dispatches START (no wait: STARTING is reached synchronously); never for a held-stopped one. */
  start(instance: Instance): void;
  /** True when the instance's desired state is started (operator override, else autostart). */
  wants(instance: Instance): boolean;
  /** Gives an instance a fresh output for `spec` (closing the old one). */
  renewOutput(instance: Instance, spec: ProgramSpec): Promise<void>;
  /** Releases a dropped instance's resources. */
  drop(instance: Instance): Promise<void>;
}

/**
 * Applies `diff` and `order` (the new file's programs); resolves at the point described in
 * docs/reload.md "When reload returns".
 */
export async function applyDiff(
  host: ReloadHost,
  diff: ConfigDiff,
  order: readonly ProgramSpec[],
): Promise<void> {
  const tasks: Promise<unknown>[] = [];
  const removed = diff.removed.flatMap((spec) => host.programs().get(spec.name)?.instances ?? []);
  if (removed.length > 0) {
    tasks.push(
      host.stopSet(removed).then(() => Promise.all(removed.map((i) => host.drop(i)))),
    );
  }
  for (const spec of diff.unchanged) host.programs().get(spec.name)?.setSpec(spec);
  for (const change of diff.changed) {
    const program = host.programs().get(change.next.name);
    if (program === undefined) continue;
    tasks.push(
      change.restart
        ? restartProgram(host, program, change.next)
        : live(host, program, change.next),
    );
  }
  const added = diff.added.map((spec) => host.makeProgram(spec));
  await Promise.all(tasks);
  const table = new Map<string, Program>();
  for (const spec of order) {
    const program = host.programs().get(spec.name) ?? added.find((p) => p.spec.name === spec.name);
    if (program !== undefined) table.set(spec.name, program);
  }
  host.setPrograms(table);
  for (const program of added) {
    program.instances.filter((i) => host.wants(i)).forEach((i) => host.start(i));
  }
}

async function stopAndDrop(host: ReloadHost, instances: readonly Instance[]): Promise<void> {
  await Promise.all(instances.map(async (instance) => {
    await host.stop(instance);
    await host.drop(instance);
  }));
}

/** Policy fields and numprocs: applied live; only the difference starts or stops. */
async function live(host: ReloadHost, program: Program, spec: ProgramSpec): Promise<void> {
  const { added, removed } = program.setSpec(spec);
  added.filter((i) => host.wants(i)).forEach((i) => host.start(i));
  await stopAndDrop(host, removed);
}

/** A shaping field changed: stop every instance, adopt the spec, start those that were up. */
async function restartProgram(host: ReloadHost, program: Program, spec: ProgramSpec) {
  const wasUp = new Set(
    program.instances.filter((i) => ["STARTING", "RUNNING", "BACKOFF"].includes(i.record.state)),
  );
  await Promise.all(program.instances.map((i) => host.stop(i)));
  const { added, removed } = program.setSpec(spec);
  await Promise.all(removed.map((i) => host.drop(i)));
  await Promise.all(
    program.instances.filter((i) => !added.includes(i)).map((i) => host.renewOutput(i, spec)),
  );
  for (const instance of program.instances) {
    if (wasUp.has(instance) || (added.includes(instance) && host.wants(instance))) {
      host.start(instance);
    }
  }
}
