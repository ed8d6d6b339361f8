# SPDX-License-Identifier: GPL-2.0
# Shared settings for the scripts: where the kernel cache lives and how a
# build is keyed. Sourced, not executed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSRC_TARBALL=${KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
CACHE=${VFIO_CCW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-ccw}
CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
KCONFIG=${KCONFIG:-kcsan}
JOBS=${JOBS:-$(nproc)}

# Version of the Debian linux-source package: the cache key's first half.
kernel_pkg_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null |
		tr '~:' '__'
}

# Second half of the key: the fragment(s) the config is made from.
kernel_config_files() {
	case "$KCONFIG" in
	kcsan) echo "$TOP/scripts/kernel.config" ;;
	kasan) echo "$TOP/scripts/kernel.config $TOP/scripts/kernel-kasan.config" ;;
	lockdep) echo "$TOP/scripts/kernel.config $TOP/scripts/kernel-kasan.config $TOP/scripts/kernel-lockdep.config" ;;
	bench) echo "$TOP/scripts/kernel.config $TOP/scripts/kernel-bench.config" ;;
	# The patched tree (scripts/intree.sh): driver built in (the
	# built-in boot, "builtin") or as a module (only built).
	builtin | intree-y) echo "$TOP/scripts/kernel.config $TOP/scripts/kernel-intree-y.config" ;;
	intree-m) echo "$TOP/scripts/kernel.config $TOP/scripts/kernel-intree-m.config" ;;
	*) echo "unknown KCONFIG=$KCONFIG" >&2; return 1 ;;
	esac
}

# Only the settings count, not comments or blank lines.
kernel_config_hash() {
	# shellcheck disable=SC2046
	cat $(kernel_config_files) | grep -v -e '^#' -e '^[[:space:]]*$' |
		sha256sum | cut -c1-12
}

kernel_src_dir() {
	case "$KCONFIG" in
	builtin | intree*) echo "$CACHE/intree/$(kernel_pkg_version)/tree" ;;
	*) echo "$CACHE/src/$(kernel_pkg_version)/linux-source-6.12" ;;
	esac
}

kernel_build_dir() {
	local k=$KCONFIG
	[ "$k" = builtin ] && k=intree-y
	echo "$CACHE/build/$(kernel_pkg_version)-$k-$(kernel_config_hash)"
}

# The tally each test script ends with: one line "N passed, N failed".
TALLY_PASSED=0
TALLY_FAILED=0

# tally ok|no: count one result.
tally() {
	if [ "$1" = ok ]; then
		TALLY_PASSED=$((TALLY_PASSED + 1))
	else
		TALLY_FAILED=$((TALLY_FAILED + 1))
	fi
}

# tally_from TEXT: add the last "N passed, N failed" line of a script's
# output; output without one counts as one failure.
tally_from() {
	local re='^([0-9]+) passed, ([0-9]+) failed$' line
	line=$(grep -E "$re" <<<"$1" | tail -1)
	if [[ $line =~ $re ]]; then
		TALLY_PASSED=$((TALLY_PASSED + BASH_REMATCH[1]))
		TALLY_FAILED=$((TALLY_FAILED + BASH_REMATCH[2]))
	else
		TALLY_FAILED=$((TALLY_FAILED + 1))
	fi
}

# tally_end: print the closing line; false when anything failed.
tally_end() {
	echo "$TALLY_PASSED passed, $TALLY_FAILED failed"
	[ "$TALLY_FAILED" -eq 0 ]
}
