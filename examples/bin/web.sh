#!/bin/sh
# A long-running "service": logs a heartbeat every few seconds until stopped.
trap 'echo "web: got SIGTERM, bye"; exit 0' TERM
echo "web: listening (pid $$, started by ${STARTED_BY:-?})"
while :; do
  sleep 5 &
  wait $!
  echo "web: heartbeat $(date -u +%H:%M:%S)"
done
