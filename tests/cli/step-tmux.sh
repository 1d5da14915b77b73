#!/usr/bin/env bash
# agentsim step's interactive mode in a real terminal: tmux (Debian's package, which
# tools/bootstrap installs) runs it in a detached session; the test types commands with
# send-keys and reads the screen with capture-pane, polling a bounded number of times.
# Usage: step-tmux.sh AGENTSIM SCENARIO
set -euo pipefail
agentsim=$1
scenario=$2
command -v tmux >/dev/null || { echo "tmux is missing (tools/bootstrap installs it)" >&2; exit 77; }

socket="agentsim-step-test-$$"
tmux_() { tmux -L "$socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT

screen() { tmux_ capture-pane -p -t step -S -200 2>/dev/null || true; }
# Waits until the screen shows `text` (a fixed string), at most 300 tries 0.1s apart.
wait_for() {
  for _ in $(seq 1 300); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: the screen never showed '$1'; it shows:" >&2
  screen >&2
  exit 1
}
type_line() { tmux_ send-keys -t step -l -- "$1"; tmux_ send-keys -t step Enter; }

TERM=xterm tmux_ new-session -d -s step -x 200 -y 60 "$agentsim step '$scenario'; echo EXITED-\$?; sleep 30"
wait_for "Type help."
wait_for "[0.000000s] step>"

type_line "help"
wait_for "why [PROCESS]"

type_line "run-to 5secs"
wait_for "[5.000000s] step>"

type_line "why slave(1)"
wait_for "Slave::State RUNNING"

type_line "pending"
wait_for "queued event(s)"

type_line "bogus"
wait_for 'unknown command "bogus"'

type_line "back 1"
wait_for "back at event"

# End of input ends the session (exit 0).
tmux_ send-keys -t step C-d
wait_for "EXITED-0"
echo "ok: agentsim step under tmux"
