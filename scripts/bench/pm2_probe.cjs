// PM2 status probe for the benchmark: one long-lived connection to a private PM2 daemon
// (PM2_HOME from the environment) so that polling measures PM2's list RPC, not node start-up.
// Protocol on stdin/stdout, one line each: "list" -> JSON array of pids of online processes.
// Exits on stdin EOF, and on its own after 15 minutes at most (bounded like every bench loop).
"use strict";
const pm2 = require(process.argv[2]);
const readline = require("node:readline");

setTimeout(() => process.exit(2), 15 * 60 * 1000).unref();
pm2.connect((err) => {
  if (err) {
    process.stderr.write(`pm2 connect: ${err}\n`);
    process.exit(1);
  }
  process.stdout.write("ready\n");
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", () => {
    pm2.list((listErr, list) => {
      if (listErr) {
        process.stdout.write(`{"error":${JSON.stringify(String(listErr))}}\n`);
        return;
      }
      const pids = list
        .filter((p) => p.pm2_env && p.pm2_env.status === "online" && p.pid > 0)
        .map((p) => p.pid);
      process.stdout.write(JSON.stringify(pids) + "\n");
    });
  });
  lines.on("close", () => {
    pm2.disconnect();
    process.exit(0);
  });
});
