/**
 * An Alerter on a fresh EventHub with live-changeable settings, sending through a real SMTP
 * transport: the common setup of the alerter and outage tests.
 */
import { Alerter, type AlertSettings } from "../../../src/alerts/alerter.ts";
import { createSmtpTransport, type MailTransport } from "../../../src/alerts/mailer.ts";
import { EventHub } from "../../../src/events.ts";
import type { SmtpSpec } from "../../../src/config/types.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";
import { alertRules } from "../../helpers/specs.ts";

/**
 * Starts an Alerter mailing ops@example.com through `smtp` (SMTP timeout `timeoutMs`) with the
 * default rules but a 0.2 s batch window; `overrides` replace any setting. `events(name)` lists
 * the hub's recent events of that name; `set` changes settings as a reload would; `sends` counts
 * the send attempts started and settled (either way) on the transport.
 */
export function alerterRig(
  smtp: SmtpSpec,
  overrides: Partial<AlertSettings> = {},
  timeoutMs = 2000,
) {
  const hub = new EventHub();
  let settings: AlertSettings = {
    email: ["ops@example.com"],
    smtp,
    alerts: alertRules({ batchWindow: 0.2 }),
    ...overrides,
  };
  const sends = { started: 0, settled: 0 };
  const alerter = new Alerter(hub, {
    spec: () => settings,
    hostname: "testhost",
    transport: (spec) => counted(createSmtpTransport(spec, { timeoutMs }), sends),
  });
  const events = (name: LogEvent["event"]) => hub.recent().filter((e) => e.event === name);
  return {
    hub,
    alerter,
    events,
    sends,
    set: (next: Partial<AlertSettings>) => settings = { ...settings, ...next },
  };
}

/** `transport`, counting into `sends` each attempt as it starts and as it settles. */
function counted(
  transport: MailTransport,
  sends: { started: number; settled: number },
): MailTransport {
  return {
    send(message) {
      sends.started++;
      const sending = transport.send(message);
      const done = () => void sends.settled++;
      sending.then(done, done);
      return sending;
    },
    close: () => transport.close(),
  };
}
