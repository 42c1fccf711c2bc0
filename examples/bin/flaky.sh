#!/bin/sh
# Crashes now and then: runs 5-20 seconds, then exits 1 (unexpected) so Taskmaster restarts it.
secs=$(( $$ % 16 + 5 ))
echo "flaky: will crash in ${secs}s"
sleep "$secs"
echo "flaky: crashing" >&2
exit 1
