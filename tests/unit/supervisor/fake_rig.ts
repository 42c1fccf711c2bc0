/**
 * Wiring for deterministic supervisor unit tests: an {@link Instance} or a {@link Supervisor} on
 * a {@link FakeClock}, a {@link FakeSpawner} and {@link FakeOutput}s, with the event hub's
 * entries at hand. No real process, no real timer.
 */
import type { HealthWatchFactory } from "../../../src/supervisor/health.ts";
import type { ReadyWatchFactory } from "../../../src/supervisor/ready.ts";
import type { Config, LoadResult, ProgramSpec } from "../../../src/config/types.ts";
import { EventHub } from "../../../src/events.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";
import { Instance } from "../../../src/supervisor/instance.ts";
import { Supervisor } from "../../../src/supervisor/supervisor.ts";
import type { StateStore } from "../../../src/state/store.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";
import { FakeOutput } from "../../helpers/fake_output.ts";
import { FakeSpawner, type FakeSpawnerOptions } from "../../helpers/fake_spawner.ts";
import { daemonDefaults, makeSpec } from "../../helpers/specs.ts";

/** The shared fakes of one test. */
export interface Fakes {
  clock: FakeClock;
  spawner: FakeSpawner;
  hub: EventHub;
  /** Monotonic time the test started at. */
  t0: number;
  /** Ms elapsed on the fake clock since `t0`. */
  elapsed(): number;
  /** Events of one kind (optionally of one process) so far. */
  events(event: string, process?: string): LogEvent[];
}

/** Fresh fakes; the hub stamps events with the fake wall clock. */
export function fakes(options: Omit<FakeSpawnerOptions, "clock"> = {}): Fakes {
  const clock = new FakeClock();
  const spawner = new FakeSpawner({ ...options, clock });
  const hub = new EventHub(() => new Date(clock.wall()));
  const t0 = clock.now();
  return {
    clock,
    spawner,
    hub,
    t0,
    elapsed: () => clock.now() - t0,
    events: (event, process) =>
      hub.recent().filter((e) =>
        e.event === event && (process === undefined || e.process === process)
      ),
  };
}

/** One instance (`web` unless the spec says otherwise) with its fakes and output. */
export interface InstanceRig extends Fakes {
  instance: Instance;
  output: FakeOutput;
}

/** Builds an instance of `makeSpec(patch)` on fresh fakes. */
export function instanceRig(
  patch: Partial<ProgramSpec> = {},
  options: Omit<FakeSpawnerOptions, "clock"> & {
    output?: FakeOutput;
    readyWatch?: ReadyWatchFactory;
    healthWatch?: HealthWatchFactory;
  } = {},
): InstanceRig {
  const f = fakes(options);
  const spec = makeSpec(patch);
  const output = options.output ?? new FakeOutput();
  const instance = new Instance({
    spec,
    index: 0,
    name: spec.name,
    hub: f.hub,
    spawner: f.spawner,
    clock: f.clock,
    output,
    secretEnv: () => [],
    ...(options.readyWatch === undefined ? {} : { readyWatch: options.readyWatch }),
    ...(options.healthWatch === undefined ? {} : { healthWatch: options.healthWatch }),
  });
  return { ...f, instance, output };
}

/** A config holding `programs` (orders assigned), with the daemon defaults. */
export function configOf(programs: readonly ProgramSpec[]): Config {
  return {
    file: "test.yaml",
    path: "/tmp/taskmaster-unit/test.yaml",
    daemon: daemonDefaults("/tmp/taskmaster-unit", "unit-host"),
    programs: programs.map((p, order) => ({ ...p, order })),
  };
}

/** A program spec named `name` (documented defaults, starttime 0 for brevity). */
export function prog(name: string, patch: Partial<ProgramSpec> = {}): ProgramSpec {
  return makeSpec({ name, argv: [`/bin/${name}`], starttime: 0, ...patch });
}

/** A supervisor on fresh fakes; `next` is what the next reload loads. */
export interface SupervisorRig extends Fakes {
  sup: Supervisor;
  outputs: Map<string, FakeOutput[]>;
  next: LoadResult;
  /** How many times the supervisor loaded a config. */
  loads: number;
  /** Pid per process name, from `status`. */
  pids(): Record<string, number | null>;
  /** State per process name, from `status`. */
  states(): Record<string, string>;
}

/** Builds a supervisor on `programs`. */
export function supervisorRig(
  programs: readonly ProgramSpec[],
  options: Omit<FakeSpawnerOptions, "clock"> = {},
  makeState?: (f: Fakes) => StateStore,
): SupervisorRig {
  const f = fakes(options);
  const outputs = new Map<string, FakeOutput[]>();
  const cfg = configOf(programs);
  const rig: SupervisorRig = {
    ...f,
    sup: undefined as unknown as Supervisor,
    outputs,
    next: { ok: true, config: cfg },
    loads: 0,
    pids: () => Object.fromEntries(rig.sup.status([]).map((s) => [s.name, s.pid])),
    states: () => Object.fromEntries(rig.sup.status([]).map((s) => [s.name, s.state])),
  };
  rig.sup = new Supervisor({
    config: cfg,
    hub: f.hub,
    spawner: f.spawner,
    clock: f.clock,
    createOutput: (_spec, name) => {
      const output = new FakeOutput();
      outputs.set(name, [...(outputs.get(name) ?? []), output]);
      return output;
    },
    loadConfig: () => {
      rig.loads++;
      return Promise.resolve(rig.next);
    },
    ...(makeState === undefined ? {} : { state: makeState(f) }),
  });
  return rig;
}
