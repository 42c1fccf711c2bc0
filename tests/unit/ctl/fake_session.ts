/** A recording Session and a scripted client for controller unit tests (no daemon, no socket). */
import type { ControlClient } from "../../../ctl/client.ts";
import { makePaint } from "../../../ctl/render.ts";
import type { Session } from "../../../ctl/session.ts";

/** Answers of the fake client: a function per command name (throw to fail the call). */
export type Answers = Record<string, (request: unknown) => unknown>;

/** A session whose output is recorded and whose client answers from `answers`. */
export interface FakeSession extends Session {
  readonly stdout: string[];
  readonly stderr: string[];
  /** Every call the client received, in order. */
  readonly calls: { name: string; request: unknown }[];
  /** Items yielded by `client.stream()`, by route. */
  streams: Record<string, unknown[]>;
  /** Answer of `ask()`. */
  answer: boolean;
  readonly asked: string[];
  quitRequested: boolean;
}

/** Builds a fake session; `overrides` sets terminal flags or the interactive switch. */
export function fakeSession(
  answers: Answers = {},
  overrides: Partial<Pick<Session, "interactive" | "stdinIsTerminal">> = {},
): FakeSession {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const calls: { name: string; request: unknown }[] = [];
  const asked: string[] = [];
  const client = {
    socketPath: "/nonexistent/taskmaster-unit-test.sock",
    call(name: string, request: unknown) {
      calls.push({ name, request });
      const answer = answers[name];
      if (answer === undefined) return Promise.reject(new Error(`unexpected call ${name}`));
      try {
        return Promise.resolve(answer(request));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async *stream(route: string, query: Record<string, string>) {
      calls.push({ name: `stream:${route}`, request: query });
      for (const item of session.streams[route] ?? []) yield item;
    },
    close() {},
  } as unknown as ControlClient;
  const session: FakeSession = {
    stdout,
    stderr,
    calls,
    streams: {},
    answer: false,
    asked,
    quitRequested: false,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    paint: makePaint(false),
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    stdinIsTerminal: overrides.stdinIsTerminal ?? false,
    interactive: overrides.interactive ?? false,
    client: () => Promise.resolve(client),
    ask(question) {
      asked.push(question);
      return Promise.resolve(session.answer);
    },
    onInterrupt: () => () => {},
    requestQuit() {
      session.quitRequested = true;
    },
    exitCode: 0,
  };
  return session;
}
