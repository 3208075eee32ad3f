#!/usr/bin/env bash
# PID 1 of a throwaway systemd for test/systemd/install-boot.test.ts. Run by
#   unshare --pid --fork --mount --net --mount-proc bash sandbox-init.sh SCRATCH APP
# Every path install.sh writes (/etc, /var/lib, /opt) is an overlay whose upper layer lives in
# SCRATCH, so the host is never changed; APP (the checkout) appears read-only at /opt/glance, and
# the private network namespace keeps the daemon's default ports (1883, 8080) off the host.
set -euo pipefail
S="$1"
APP="$2"

mount --make-rprivate /
overlay() { # lower, name in SCRATCH, mount point
  mkdir -p "$S/ov/$2/up" "$S/ov/$2/work"
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$S/ov/$2/up,workdir=$S/ov/$2/work" "$3"
}
overlay /etc etc /etc
overlay /var/lib var-lib /var/lib
overlay /opt opt /opt
mkdir -p /opt/glance
overlay "$APP" app /opt/glance
# The host's enabled units would be pulled in by our stub targets; start from an empty directory.
mount -t tmpfs -o mode=0755 tmpfs /etc/systemd/system
ip link set lo up
# systemd prepares a unit's credentials in a private mount namespace and relies on propagation to
# make them appear under /run/credentials: share within this namespace (the host was cut off above).
mount --make-rshared /

# Only the stub targets in SCRATCH/units and what install.sh puts in /etc/systemd/system exist.
exec env SYSTEMD_UNIT_PATH="/etc/systemd/system:$S/units" /lib/systemd/systemd --system --unit=sandbox.target --log-level=warning
