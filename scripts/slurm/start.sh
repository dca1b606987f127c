#!/usr/bin/env bash
# Starts a one-node Slurm cluster for tests and demos, all its files under DIR (created): its own
# munged (own key and socket, so a system munge is left alone), slurmctld and slurmd on free ports,
# one partition with this machine's CPUs. Prints `export SLURM_CONF=DIR/slurm.conf`; stop it with
# scripts/slurm/stop.sh DIR. Needs root and Debian's slurm-wlm and munge.
#   scripts/slurm/start.sh /tmp/slurm-test
set -euo pipefail
DIR=${1:?usage: start.sh DIR}
mkdir -p "$DIR"/{munge,state,spool,log}
DIR=$(cd "$DIR" && pwd)
HOST=$(hostname -s)

# munge: a fresh key, its own socket; munged runs as user munge.
chown munge: "$DIR/munge" 2>/dev/null || true
dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
chown munge: "$DIR/munge/munge.key" && chmod 400 "$DIR/munge/munge.key"
chmod 711 "$DIR" "$DIR/munge"
runuser -u munge -- /usr/sbin/munged --key-file="$DIR/munge/munge.key" \
  --socket="$DIR/munge/munge.socket" --pid-file="$DIR/munge/munged.pid" \
  --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" --force

# Two free TCP ports.
read -r CTLD_PORT SLURMD_PORT < <(node -e '
const net = require("node:net")
const one = () => new Promise((r) => { const s = net.createServer().listen(0, () => { const p = s.address().port; s.close(() => r(p)) }) })
Promise.all([one(), one()]).then((p) => console.log(p.join(" ")))')

# What the node offers: a node that reports less memory than slurm.conf says is drained, so ask
# for 80% of what this machine has (no DNS either: both daemons talk over 127.0.0.1).
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)

cat >"$DIR/slurm.conf" <<CONF
ClusterName=glassbox-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$MEM_MB State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$DIR/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "slurm: the node did not come up within 30 s (logs in $DIR/log)" >&2
sinfo >&2 || true
exit 1
