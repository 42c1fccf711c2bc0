/**
 * One program = `numprocs` instances, and the name rules of docs/cli.md "Names": `prog` for
 * numprocs 1 (`prog:0` addresses it too), else `prog:0`…`prog:n-1`. Instance identity is
 * (program, index).
 */
import type { ProgramSpec } from "../config/types.ts";
import type { Instance } from "./instance.ts";

/** Builds the instance for `index` of `spec` under `name`. */
export type InstanceFactory = (spec: ProgramSpec, index: number, name: string) => Instance;

/** The process name of instance `index` of `spec`. */
export function processName(spec: ProgramSpec, index: number): string {
  return spec.numprocs === 1 ? spec.name : `${spec.name}:${index}`;
}

/** A program and its instances, in index order. */
export class Program {
  #spec: ProgramSpec;
  #instances: Instance[] = [];
  #make: InstanceFactory;

  constructor(spec: ProgramSpec, make: InstanceFactory) {
    this.#spec = spec;
    this.#make = make;
    for (let i = 0; i < spec.numprocs; i++) {
      this.#instances.push(make(spec, i, processName(spec, i)));
    }
  }

  /** The current spec. */
  get spec(): ProgramSpec {
    return this.#spec;
  }

  /** Instances in index order. */
  get instances(): readonly Instance[] {
    return this.#instances;
  }

  /**
   * Adopts `spec` live: every instance gets it and its (possibly new) name; indices past the new
   * numprocs are detached and returned (the caller stops them); new indices are created and
   * returned too (the caller starts them if autostart).
   */
  setSpec(spec: ProgramSpec): { added: Instance[]; removed: Instance[] } {
    this.#spec = spec;
    const removed = this.#instances.splice(spec.numprocs);
    const added: Instance[] = [];
    for (let i = this.#instances.length; i < spec.numprocs; i++) {
      const instance = this.#make(spec, i, processName(spec, i));
      this.#instances.push(instance);
      added.push(instance);
    }
    for (const instance of this.#instances) {
      instance.spec = spec;
      instance.name = processName(spec, instance.index);
    }
    return { added, removed };
  }
}
