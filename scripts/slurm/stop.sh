#!/usr/bin/env bash
# Stops the cluster scripts/slurm/start.sh DIR started (by its pid files), whatever state it is in.
#   scripts/slurm/stop.sh /tmp/slurm-test
DIR=${1:?usage: stop.sh DIR}
for f in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munge/munged.pid"; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
exit 0
