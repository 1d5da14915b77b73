#!/usr/bin/env bash
# The Slurm recipe of docs/fuzzing.md, run for real: tools/slurm-fuzz starts a single-node
# Slurm cluster (munged, slurmctld, slurmd), runs 64 seeds of startup.json as a job array
# of 4 shards, merges them and compares with an unsharded run, then stops the daemons.
# Skipped (77) without Debian's slurm-wlm and munge (tools/bootstrap installs them) or
# without root or passwordless sudo. Usage: slurm-fuzz.sh AGENTSIM SOURCE_ROOT
set -euo pipefail
agentsim="$1"
root="$2"
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "skip: no $tool"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null || { echo "skip: needs root or passwordless sudo"; exit 77; }
export PATH="$PATH:/usr/sbin"
cd "$root"
AGENTSIM="$agentsim" SLURM_FUZZ_TIMEOUT=120 tools/slurm-fuzz scenarios/startup.json 64 4
