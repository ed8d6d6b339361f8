#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# userland.sh [--print-dir]
# The Debian s390x userland the nested stage needs inside the guest, made
# from Debian's own packages and never installed on the host:
#   qemu-system-s390x (qemu-system-misc) and s390-ccw.img (qemu-system-data),
#   mdevctl, driverctl (a bash script, hence bash), lscss, lschp and chchp
#   (s390-tools),
# plus the shared libraries those binaries need (the readelf NEEDED
# closure) and the loader /lib/ld64.so.1.
#
# The packages are fetched with "apt-get download", unpacked with
# "dpkg-deb -x" and trimmed to what the binaries need, in a cache
# directory outside the repository keyed by the package versions and by
# this script: $CACHE/userland-s390x/<key>/. Its result is
# <key>/layer.cpio, an uncompressed newc cpio that is appended to the
# initramfs (scripts/nested-initramfs.sh). Prints the path of the
# layer (or, with --print-dir, of the trimmed tree).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Packages whose files are kept; their library dependencies are followed.
TOP_PKGS=(qemu-system-misc:s390x mdevctl:s390x bash:s390x)
# Packages taken whole-sale for a file or two, without their dependencies.
EXTRA_PKGS=(qemu-system-data driverctl s390-tools:s390x)
# What the guest gets (paths inside the packages).
KEEP_BINS=(usr/bin/qemu-system-s390x usr/bin/mdevctl usr/sbin/driverctl
	sbin/lscss sbin/lschp sbin/chchp bin/bash)
KEEP_DATA=(usr/share/qemu/s390-ccw.img)
READELF=${CROSS_COMPILE}readelf

log() { echo "userland: $*" >&2; }

# Print "name version" of each package, and follow the Depends and
# Pre-Depends that are shared libraries (lib*, zlib1g), breadth first, with
# one apt-cache call per level. Of alternatives the first is taken.
resolve() {
	local -A seen=()
	local frontier=("$@") next p
	while [ "${#frontier[@]}" -gt 0 ]; do
		next=()
		for p in "${frontier[@]}"; do seen[$p]=1; done
		while read -r p; do
			[ -n "${seen[$p]:-}" ] && continue
			seen[$p]=1
			next+=("$p")
		done < <(apt-cache show --no-all-versions "${frontier[@]}" |
			awk '
			/^Package: / { pkg = $2 }
			/^Version: / { print "V", pkg, $2 }
			/^(Pre-)?Depends: / {
				sub(/^[^:]*: /, "")
				n = split($0, deps, /, */)
				for (i = 1; i <= n; i++) {
					d = deps[i]
					sub(/ *\|.*/, "", d)
					sub(/ *\(.*/, "", d)
					sub(/:any$/, "", d)
					if (d ~ /^(lib|zlib1g)/)
						print "D", d ":s390x"
				}
			}' | tee -a "$resolved_raw" | sed -n 's/^D //p' | sort -u)
		frontier=("${next[@]}")
	done
}

# Resolving costs a few apt-cache calls (a minute on a busy machine): the
# answer is kept while apt's package lists stay the same.
lists_key=$( { stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* 2>/dev/null
	grep -v "^[[:space:]]*#" "$0" | sha256sum; } | sha256sum | cut -c1-16)
resolved="$CACHE/userland-s390x/resolved-$lists_key"
if [ -s "$resolved" ]; then
	versions=$(cat "$resolved")
else
	resolved_raw=$(mktemp)
	trap 'rm -f "$resolved_raw"' EXIT
	resolve "${TOP_PKGS[@]}"
	apt-cache show --no-all-versions "${EXTRA_PKGS[@]}" |
		awk '/^Package: / { pkg = $2 } /^Version: / { print "V", pkg, $2 }' \
		>> "$resolved_raw"
	versions=$(sed -n 's/^V //p' "$resolved_raw" | sort -u)
	[ -n "$versions" ] || { log "apt-cache knows no s390x packages;" \
		"run scripts/setup-deps.sh"; exit 1; }
	mkdir -p "$CACHE/userland-s390x"
	echo "$versions" > "$resolved.tmp"
	mv "$resolved.tmp" "$resolved"
fi
key=$( { echo "$versions"; grep -v "^[[:space:]]*#" "$0" | sha256sum; } | sha256sum | cut -c1-16)
dir="$CACHE/userland-s390x/$key"

if [ ! -f "$dir/layer.cpio" ]; then
	log "building $dir"
	rm -rf "$dir"
	mkdir -p "$dir/debs" "$dir/unpacked" "$dir/root"
	pkgs=()
	while read -r name ver; do
		case "$name" in
		qemu-system-data | driverctl) pkgs+=("$name=$ver") ;;
		*) pkgs+=("$name:s390x=$ver") ;;
		esac
	done <<<"$versions"
	log "apt-get download ${#pkgs[@]} packages"
	# _apt cannot write into a root-owned cache: apt says so, harmlessly.
	(cd "$dir/debs" && apt-get download -q "${pkgs[@]}" 2>&1 |
		grep -v -e 'unsandboxed' -e '^Get:' -e '^Fetched' >&2 || true)
	n=$(find "$dir/debs" -name '*.deb' | wc -l)
	[ "$n" -eq "${#pkgs[@]}" ] ||
		{ log "downloaded $n of ${#pkgs[@]} packages"; exit 1; }
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/unpacked"
	done
	u=$dir/unpacked r=$dir/root

	# The library directories the loader searches, in its order.
	libdirs=(lib/s390x-linux-gnu usr/lib/s390x-linux-gnu lib usr/lib)
	find_lib() {
		local d
		for d in "${libdirs[@]}"; do
			if [ -e "$u/$d/$1" ]; then echo "$d/$1"; return 0; fi
		done
		return 1
	}
	# Copy a path, and the target of a symlink, keeping the layout.
	copy() {
		local p=$1 t
		[ -e "$r/$p" ] || [ -L "$r/$p" ] && return 0
		mkdir -p "$r/$(dirname "$p")"
		if [ -L "$u/$p" ]; then
			t=$(readlink "$u/$p")
			ln -s "$t" "$r/$p"
			case "$t" in
			/*) copy "${t#/}" ;;
			*) copy "$(dirname "$p")/$t" ;;
			esac
		else
			cp -a "$u/$p" "$r/$p"
		fi
	}
	queue=("${KEEP_BINS[@]}")
	declare -A done_=()
	while [ "${#queue[@]}" -gt 0 ]; do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		[ -n "${done_[$p]:-}" ] && continue
		done_[$p]=1
		[ -e "$u/$p" ] || { log "missing $p in the packages"; exit 1; }
		copy "$p"
		# Scripts have no NEEDED entries.
		head -c4 "$u/$p" | grep -q 'ELF' || continue
		for so in $("$READELF" -d "$u/$p" |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			l=$(find_lib "$so") ||
				{ log "$p needs $so: in no package"; exit 1; }
			queue+=("$l")
		done
	done
	# The loader, by the path the binaries name as their interpreter.
	copy lib/ld64.so.1
	for p in "${KEEP_DATA[@]}"; do copy "$p"; done
	(cd "$r" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) > "$dir/layer.cpio.tmp"
	mv "$dir/layer.cpio.tmp" "$dir/layer.cpio"
	rm -rf "$u" "$dir/debs"
	log "$(find "$r" -type f | wc -l) files," \
		"$(du -sh "$r" | cut -f1) in $dir/layer.cpio"
fi
if [ "${1:-}" = --print-dir ]; then
	echo "$dir/root"
else
	echo "$dir/layer.cpio"
fi
