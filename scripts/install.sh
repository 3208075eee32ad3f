#!/usr/bin/env bash
# Installs Glance as a systemd appliance. Idempotent: run it again to upgrade in place.
#   sudo scripts/install.sh [--prefix /opt/glance] [--no-enable] [--app-in-place]
# --app-in-place: the application at --prefix is complete already (an image, a CI checkout): no copy,
# no npm ci, no models build; only the user, directories, credential store, config and unit.
# Secrets go in /etc/credstore/glance.<name> (see systemd/glance.service), read by systemd only.
# Uninstall with scripts/uninstall.sh (keeps /var/lib/glance, /etc/glance and secrets unless --purge).
set -euo pipefail

PREFIX=/opt/glance
ENABLE=1
APP_IN_PLACE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --no-enable) ENABLE=0; shift ;;
    --app-in-place) APP_IN_PLACE=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
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
install -d -m 0750 -o root -g glance /etc/glance

# The unit loads secrets from the credential store, where a missing file is skipped (an absolute
# LoadCredential= path that is missing fails the start). Other services share /etc/credstore, so
# its mode is only set when we create it. Secrets of older installs move there once.
[ -d /etc/credstore ] || install -d -m 0700 -o root -g root /etc/credstore
for old in /etc/glance/credentials/*; do
  [ -f "$old" ] || continue
  new="/etc/credstore/glance.$(basename "$old")"
  if [ -e "$new" ]; then echo "install.sh: kept $new; $old is no longer read" >&2; continue; fi
  install -m 0600 -o root -g root "$old" "$new" && rm -f "$old"
  echo "install.sh: moved $old to $new"
done
[ -d /etc/glance/credentials ] && rmdir /etc/glance/credentials 2>/dev/null || true

if [ "$APP_IN_PLACE" -eq 1 ]; then
  [ -f "$PREFIX/bin/glance.js" ] || { echo "install.sh: --app-in-place: no application at $PREFIX" >&2; exit 1; }
else
  # Copy the application (not node_modules, data or built models), then install production deps
  # and build the models in place.
  if [ "$SRC" != "$PREFIX" ]; then
    tar -C "$SRC" --exclude=./node_modules --exclude=./data --exclude=./test-output --exclude='./models/*.onnx' --exclude=./.git -cf - . | tar -C "$PREFIX" -xf -
  fi
  (cd "$PREFIX" && npm ci --omit=dev --no-audit --no-fund)
  (cd "$PREFIX" && "$NODE" bin/glance.js models build)
fi

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
