#!/usr/bin/env bash
# Installs Glance as a systemd appliance. Idempotent: run it again to upgrade in place.
#   sudo scripts/install.sh [--prefix /opt/glance] [--no-enable]
# Uninstall with scripts/uninstall.sh (keeps /var/lib/glance and /etc/glance unless --purge).
set -euo pipefail

PREFIX=/opt/glance
ENABLE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --no-enable) ENABLE=0; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
SRC="$(cd "$(dirname "$0")/.." && pwd)"
NODE="$(command -v node || true)"
[ -n "$NODE" ] || { echo "install.sh: Node.js 20+ is required" >&2; exit 1; }
major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || { echo "install.sh: Node.js 20+ is required (found $major)" >&2; exit 1; }

# A system user with no login, in the video group for cameras.
if ! id glance >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/glance --no-create-home --shell /usr/sbin/nologin glance
fi
for g in video render; do getent group "$g" >/dev/null && usermod -aG "$g" glance; done

install -d -m 0755 "$PREFIX"
install -d -m 0750 -o glance -g glance /var/lib/glance
install -d -m 0750 -o root -g glance /etc/glance /etc/glance/credentials

# Copy the application (not node_modules, data or built models), then install production deps
# and build the models in place.
if [ "$SRC" != "$PREFIX" ]; then
  tar -C "$SRC" --exclude=./node_modules --exclude=./data --exclude=./test-output --exclude='./models/*.onnx' --exclude=./.git -cf - . | tar -C "$PREFIX" -xf -
fi
(cd "$PREFIX" && npm ci --omit=dev --no-audit --no-fund)
(cd "$PREFIX" && "$NODE" bin/glance.js models build)

if [ ! -f /etc/glance/glance.yaml ]; then
  sed -e 's#^  dataDir: data$#  dataDir: /var/lib/glance#' "$PREFIX/config/glance.example.yaml" > /etc/glance/glance.yaml
  chown root:glance /etc/glance/glance.yaml
  chmod 0640 /etc/glance/glance.yaml
  echo "install.sh: wrote /etc/glance/glance.yaml (edit device.id, capture.source, mqtt.url)"
fi
"$NODE" "$PREFIX/bin/glance.js" config check /etc/glance/glance.yaml >/dev/null

sed -e "s#/opt/glance#$PREFIX#g" -e "s#/usr/bin/node#$NODE#g" "$PREFIX/systemd/glance.service" > /etc/systemd/system/glance.service
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ "$ENABLE" -eq 1 ]; then systemctl enable --now glance.service; fi
  echo "install.sh: done. Status: systemctl status glance; logs: journalctl -u glance -f"
else
  echo "install.sh: systemd is not running here; unit installed but not enabled"
fi
