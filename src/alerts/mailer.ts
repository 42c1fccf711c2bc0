/**
 * The thin nodemailer wrapper: one {@link MailTransport} per SMTP setting. It owns every socket it
 * opens so that `close()` can end a stalled conversation at once (nodemailer's own non-pooled
 * transport cannot abort a send in flight, which would leave sockets and timers behind).
 *
 * nodemailer is imported on the first send, not at start: loading it costs the daemon ~7 MB RSS
 * (measured: 48.6 MB for yaml alone, 55.4 MB with nodemailer), which a daemon without `email`
 * would pay for nothing.
 */
import type Nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { Socket } from "node:net";
import type { SmtpSpec } from "../config/types.ts";

/** One composed alert mail; every header field is already sanitised by `message.ts`. */
export interface MailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** The text/plain body. */
  readonly text: string;
}

/** Something that delivers mail; faked in tests. */
export interface MailTransport {
  /** Delivers one message; resolves with the server's final reply (`250 …`), rejects on failure. */
  send(message: MailMessage): Promise<string>;
  /** Aborts any conversation in flight and releases every socket and timer; idempotent. */
  close(): Promise<void>;
}

/** Default connection, greeting and socket-inactivity timeout (ms). */
export const SMTP_TIMEOUT_MS = 10_000;

/**
 * Creates the nodemailer-backed transport for `smtp`. `secure` is implicit TLS; otherwise STARTTLS
 * is used when the server offers it. `tlsverify: false` accepts self-signed certificates.
 */
export function createSmtpTransport(
  smtp: SmtpSpec,
  options: { timeoutMs?: number } = {},
): MailTransport {
  return new SmtpTransport(smtp, options.timeoutMs ?? SMTP_TIMEOUT_MS);
}

type Transporter = ReturnType<
  typeof Nodemailer.createTransport<SMTPTransport.SentMessageInfo>
>;

/** The modules only mail needs, loaded once on first use. */
interface MailModules {
  readonly nodemailer: typeof Nodemailer;
  readonly connect: (options: { host: string; port: number }) => Socket;
}

let modules: Promise<MailModules> | null = null;

function loadMailModules(): Promise<MailModules> {
  modules ??= Promise.all([import("nodemailer"), import("node:net")]).then(
    ([mailer, net]) => ({ nodemailer: mailer.default, connect: net.connect }),
  );
  return modules;
}

class SmtpTransport implements MailTransport {
  #sockets = new Set<Socket>();
  #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  readonly #settings: SMTPTransport.Options;
  #transporter: Transporter | null = null;
  #connectSocket: MailModules["connect"] | null = null;

  constructor(smtp: SmtpSpec, timeoutMs: number) {
    const settings: SMTPTransport.Options = {
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      tls: { rejectUnauthorized: smtp.tlsverify, servername: smtp.host },
      // nodemailer's own logger stays off: it would print envelopes and AUTH exchanges.
      logger: false,
      debug: false,
      getSocket: (_options, callback) => this.#connect(smtp, timeoutMs, callback),
    };
    if (smtp.user !== null) settings.auth = { user: smtp.user, pass: smtp.password ?? "" };
    this.#settings = settings;
  }

  send(message: MailMessage): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("mail transport closed"));
    const sending = this.#send(message);
    this.#inFlight.add(sending);
    const forget = () => this.#inFlight.delete(sending);
    sending.then(forget, forget);
    return sending;
  }

  async #send(message: MailMessage): Promise<string> {
    if (this.#transporter === null) {
      const loaded = await loadMailModules();
      // close() may have run while the modules loaded: no transporter may be born after it.
      if (this.#closed) throw new Error("mail transport closed");
      this.#connectSocket ??= loaded.connect;
      this.#transporter ??= loaded.nodemailer.createTransport(this.#settings);
    }
    const info = await this.#transporter.sendMail({
      from: message.from,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      // No HTML part and no attachments: the body is plain text only.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return info.response;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const socket of this.#sockets) {
      // Destroying with an error makes nodemailer fail the send at once instead of arming its
      // one-second "unexpected close" timer.
      socket.destroy(new Error("mail transport closed"));
    }
    // Each pending send now settles promptly; wait so no callback or timer outlives close().
    await Promise.allSettled([...this.#inFlight]);
    this.#transporter?.close();
  }

  /** nodemailer's `getSocket` hook: a TCP connection we can destroy, with a connect deadline. */
  #connect(
    smtp: SmtpSpec,
    timeoutMs: number,
    callback: (error: Error | null, socketOptions: unknown) => void,
  ): void {
    const connect = this.#connectSocket;
    if (this.#closed || connect === null) {
      return callback(new Error("mail transport closed"), false);
    }
    const socket = connect({ host: smtp.host, port: smtp.port });
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener("error", onError);
      if (error) {
        socket.destroy();
        callback(error, false);
      } else {
        callback(null, { connection: socket });
      }
    };
    const onError = (error: Error) => finish(error);
    const timer = setTimeout(
      () => finish(new Error(`connection to ${smtp.host}:${smtp.port} timed out`)),
      timeoutMs,
    );
    socket.once("error", onError);
    socket.once("connect", () => finish(null));
  }
}
