#!/usr/bin/env bash
# Removes the Glance service and application. Keeps /var/lib/glance (aggregates), /etc/glance
# (config) and the secrets in /etc/credstore/glance.* unless --purge is given.
#   sudo scripts/uninstall.sh [--prefix /opt/glance] [--purge]
set -euo pipefail
PREFIX=/opt/glance
PURGE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --purge) PURGE=1; shift ;;
    *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "uninstall.sh: run as root" >&2; exit 1; }
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now glance.service 2>/dev/null || true
fi
rm -f /etc/systemd/system/glance.service
command -v systemctl >/dev/null && [ -d /run/systemd/system ] && systemctl daemon-reload || true
rm -rf "$PREFIX"
if [ "$PURGE" -eq 1 ]; then
  rm -rf /var/lib/glance /etc/glance
  # Only our own secrets: /etc/credstore is shared with other services.
  rm -f /etc/credstore/glance.*
  id glance >/dev/null 2>&1 && userdel glance || true
  echo "uninstall.sh: removed Glance, its data and config"
else
  echo "uninstall.sh: removed Glance; kept /var/lib/glance, /etc/glance and /etc/credstore/glance.* (use --purge to delete)"
fi
