/**
 * Real SMTP servers on 127.0.0.1 for the alert tests: a recording sink (npm `smtp-server`, every
 * message kept raw and parsed by `mailparser`) and a "stalled" server that accepts TCP and never
 * greets. Every helper returns an async `close()` that releases all sockets.
 */
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import type { ParsedMail } from "mailparser";
import type { SmtpSpec } from "../../../src/config/types.ts";

/** One message received by the sink. */
export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  /** The raw message as transmitted (headers + body). */
  readonly raw: string;
  readonly parsed: ParsedMail;
  /** Header block only, unfolded per line as sent. */
  readonly headerLines: string[];
}

/** A running sink. */
export interface SmtpSink {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Number of successful AUTH commands. */
  readonly logins: () => number;
  /** Connection errors the server reported (TLS alerts, aborted clients). */
  readonly errors: string[];
  /** SmtpSpec pointing at this sink (no auth, plain). */
  spec(overrides?: Partial<SmtpSpec>): SmtpSpec;
  close(): Promise<void>;
}

const FIXTURES = new URL("../../fixtures/alerts/", import.meta.url);

/** Test-only self-signed certificate for localhost/127.0.0.1. */
export function testCert(): { key: string; cert: string } {
  return {
    key: Deno.readTextFileSync(new URL("test_only_key.pem", FIXTURES)),
    cert: Deno.readTextFileSync(new URL("test_only_cert.pem", FIXTURES)),
  };
}

/**
 * Starts a recording SMTP server on 127.0.0.1:0. `tls`: offer STARTTLS (or implicit TLS with
 * `secure`) with the test certificate; `auth`: require these credentials.
 */
export async function startSink(
  options: { tls?: boolean; secure?: boolean; auth?: { user: string; pass: string } } = {},
): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  let logins = 0;
  const auth = options.auth;
  const server = new SMTPServer({
    ...(options.tls || options.secure ? testCert() : {}),
    secure: options.secure ?? false,
    disabledCommands: [
      ...(options.tls || options.secure ? [] : ["STARTTLS"]),
      ...(auth ? [] : ["AUTH"]),
    ],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 100,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        logins++;
        callback(null, { user: credentials.username });
      } else {
        callback(new Error("Invalid username or password"));
      }
    },
    onData(stream, session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = new TextDecoder().decode(concat(chunks));
        simpleParser(raw).then((parsed) => {
          const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
          mails.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
            headerLines: head.split(/\r?\n/),
          });
          callback(null, "Message queued as test");
        }, (error) => callback(error));
      });
    },
  });
  const errors: string[] = [];
  // smtp-server reports per-connection failures (a client rejecting our self-signed certificate,
  // a client aborting) as server "error" events; they are expected in these tests, so record them.
  server.on("error", (error: Error) => errors.push(String(error)));
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      if (address && typeof address === "object") resolve(address.port);
      else reject(new Error("no port"));
    });
  });
  return {
    port,
    mails,
    logins: () => logins,
    errors,
    spec: (overrides = {}) => ({ ...smtpSpec(port), ...overrides }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SmtpSpec for 127.0.0.1:`port` with no auth and verification on. */
export function smtpSpec(port: number): SmtpSpec {
  return {
    host: "127.0.0.1",
    port,
    secure: false,
    user: null,
    password: null,
    from: "taskmaster@test.invalid",
    tlsverify: true,
  };
}

/**
 * A TCP server that accepts connections and never says a word; counts the connections it
 * accepted and those still open (a client closing or aborting its socket ends one).
 */
export function startStalledServer(): {
  port: number;
  connections: () => number;
  open: () => number;
  close(): Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let count = 0;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        count++;
        conns.add(conn);
        // Drain and ignore whatever the client sends, until either side closes.
        conn.readable.pipeTo(new WritableStream()).catch(() => {
          // The client or close() tore the connection down: nothing to report in a stall test.
        }).finally(() => conns.delete(conn));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => count,
    open: () => conns.size,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch (error) {
          if (!(error instanceof Deno.errors.BadResource)) throw error;
        }
      }
      await accepting;
    },
  };
}

/**
 * Waits for `promise` to settle, failing the test if that takes longer than `deadlineMs`. The
 * deadline is a generous bound against hangs, not a measurement: what a test proves comes from
 * how the promise settled. Resolves with the outcome (a rejection is a value here).
 */
export async function settleWithin<T>(
  promise: Promise<T>,
  deadlineMs: number,
  what: string,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not settled after ${deadlineMs} ms`)),
      deadlineMs,
    );
  });
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  try {
    return await Promise.race([outcome, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port nothing listens on (bound then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
