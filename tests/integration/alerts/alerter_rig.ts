/**
 * An Alerter on a fresh EventHub with live-changeable settings, sending through a real SMTP
 * transport: the common setup of the alerter and outage tests.
 */
import { Alerter, type AlertSettings } from "../../../src/alerts/alerter.ts";
import { createSmtpTransport } from "../../../src/alerts/mailer.ts";
import { EventHub } from "../../../src/events.ts";
import type { SmtpSpec } from "../../../src/config/types.ts";
import type { LogEvent } from "../../../src/protocol/types.ts";
import { alertRules } from "../../helpers/specs.ts";

/**
 * Starts an Alerter mailing ops@example.com through `smtp` (SMTP timeout `timeoutMs`) with the
 * default rules but a 0.2 s batch window; `overrides` replace any setting. `events(name)` lists
 * the hub's recent events of that name; `set` changes settings as a reload would.
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
  const alerter = new Alerter(hub, {
    spec: () => settings,
    hostname: "testhost",
    transport: (spec) => createSmtpTransport(spec, { timeoutMs }),
  });
  const events = (name: LogEvent["event"]) => hub.recent().filter((e) => e.event === name);
  return {
    hub,
    alerter,
    events,
    set: (next: Partial<AlertSettings>) => settings = { ...settings, ...next },
  };
}
