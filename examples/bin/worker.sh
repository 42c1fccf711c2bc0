#!/bin/sh
# One of several identical workers (numprocs): says which one it is, then works quietly.
echo "worker ${TASKMASTER_PROCESS_NUM} of ${TASKMASTER_PROGRAM} up (pid $$)"
while :; do
  sleep 10 &
  wait $!
  echo "worker ${TASKMASTER_PROCESS_NUM}: processed a batch"
done
