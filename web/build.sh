#!/usr/bin/env bash
# Builds the workbench bundle into web/dist (embedded by web/embed.go) from the locked npm packages.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run build
