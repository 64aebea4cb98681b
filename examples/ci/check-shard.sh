#!/bin/sh
# One shard of the multicast filter check in CI (README "CI recipe"): SHARD=1, 2 or 3 and
# DRIVER='the command that runs your driver' (and PROFILE_MODULE=path/to/plugin.js when the
# driver's model is your own profile plug-in). Run it after `npm ci` in a project that has
# mcast-testbench in its devDependencies; collect results/ as artifacts whatever the exit code.
# The three shards must share SEED: by default the UTC date, so each day explores new cases
# and a failure prints the --seed that reproduces it.
set -eu
SEED="${SEED:-$(date -u +%Y%m%d)}"
mkdir -p results/fixtures
# exec the bin itself, not npx: npx may not pass the CI's SIGTERM on, and exec makes the
# testbench the job's own process. Exit 0 holds, 1 counterexample, 2 usage, 3 driver error.
exec node_modules/.bin/mcast-testbench ${PROFILE_MODULE:+--profile-module "$PROFILE_MODULE"} check --driver "$DRIVER" --seed "$SEED" \
  --shard "$SHARD/3" --junit results/junit.xml --html results/html --fixtures results/fixtures
