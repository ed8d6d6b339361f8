#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh series|check|build: the driver as a patch series against the
# Debian linux-source-6.12 tree (scripts/mkseries.py) and its checks.
#
#   series  write build/patches/ from driver/, selftests/, lkmm/, intree/
#   check   the series, then: checkpatch --strict (with the tree) on each
#           patch; git am of each in order onto a fresh git init of the
#           pristine tree (a copy in the cache); after each patch that
#           touches what the kernel build reads, the tree built with
#           CONFIG_VFIO_CCW=m and with =y (kernel.config plus
#           kernel-intree-{m,y}.config; incremental builds in the cache);
#           the selftests built with the kselftest framework after their
#           patch; Sphinx on Documentation/arch/s390 after the docs patch,
#           with no warning the pristine tree does not have; last, the
#           patched tree compared with the sources (mkseries.py --verify).
#           Ends with "N passed, N failed".
#   build   check, then print the =y build directory (the built-in
#           flavour that make check boots: KCONFIG=builtin).
#
# The pristine tree ($(scripts/kdir.sh src)) is only read. The patched
# tree is $CACHE/intree/<version>/tree (a git repository whose first
# commit is the pristine tree); its build directories are
# $CACHE/build/<version>-intree-{m,y}-<config hash>. A series already
# applied and checked there (same hash in tree/.series) is not applied or
# built again: CI with a kept cache pays nothing.
# INTREE_SKIP_BUILD=1: leave out the kernel builds (host-only quick run).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-check}
src=$(KCONFIG=kcsan kernel_src_dir)
patches=$TOP/build/patches
ver=$(kernel_pkg_version)
work=$CACHE/intree/$ver
tree=$work/tree
passed=0
failed=0
ok() { echo "ok      $*"; passed=$((passed + 1)); }
bad() { echo "FAILED  $*"; failed=$((failed + 1)); }

series() {
	"$TOP/scripts/mkseries.py" --src "$src" --out "$patches" >/dev/null ||
		return 1
	echo "intree: $(ls "$patches"/*.patch | wc -l) patches in $patches," \
		"series $(cat "$patches/series-hash")"
}

# What the kernel build of the tree after patch N depends on: patches 1
# to N (their hash, cumulative; the build directory's name already has
# the configuration's). A series that changes only the selftests, the
# litmus tests or the documentation has the same key for every patch
# that touches what kbuild reads, so nothing is built again.
kbuild_key() {
	local n=$1 p
	for p in "$patches"/*.patch; do
		cat "$p"
		[ "$(basename "$p")" = "$n" ] && break
	done | sha256sum | cut -c1-16
}

if [ ! -f "$src/.extracted" ]; then
	"$TOP/scripts/build-kernel.sh" --extract-only >/dev/null || exit 1
fi
series || exit 1
[ "$mode" = series ] && exit 0
hash=$(cat "$patches/series-hash")
ydir=$(KCONFIG=intree-y kernel_build_dir)

# touches_kbuild PATCH: true when PATCH changes what the kernel build
# reads (anything but Documentation/, tools/ and MAINTAINERS).
touches_kbuild() {
	sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$1" |
		grep -qv -e '^Documentation/' -e '^tools/' -e '^MAINTAINERS$'
}
last_kbuild=
for p in "$patches"/*.patch; do
	touches_kbuild "$p" && last_kbuild=$(basename "$p")
done

if [ "$mode" = build ] && [ "$(cat "$tree/.series" 2>/dev/null)" = "$hash" ] &&
   [ "$(cat "$ydir/.state" 2>/dev/null)" = "$(kbuild_key "$last_kbuild")" ]; then
	echo "$ydir"
	exit 0
fi

# --- checkpatch, with the tree --------------------------------------------
# A patch (its whole text, commit message included) found clean once is
# not checked again: $work/checkpatch-ok lists the hashes of clean ones.
mkdir -p "$work"
touch "$work/checkpatch-ok"
for p in "$patches"/*.patch; do
	n=$(basename "$p")
	ph=$(sha256sum <"$p" | cut -c1-16)
	if grep -qx "$ph" "$work/checkpatch-ok"; then
		ok "checkpatch --strict $n (clean before, same patch)"
		continue
	fi
	out=$(cd "$src" && perl scripts/checkpatch.pl --strict --quiet "$p" 2>&1)
	if [ -z "$out" ]; then
		ok "checkpatch --strict $n"
		echo "$ph" >>"$work/checkpatch-ok"
	else
		echo "$out" | head -40
		bad "checkpatch --strict $n"
	fi
done

# --- the patched tree: a fresh git init of the pristine one -----------------
gitq() { git -C "$tree" -c user.name=intree -c user.email=intree@localhost \
	-c core.autocrlf=false "$@"; }
exec 8>"$work/.lock"
flock 8
if [ ! -f "$tree/.git/intree-base" ]; then
	echo "intree: copying the pristine tree to $tree (once per version)"
	rm -rf "$tree"
	cp -a "$src" "$tree"
	rm -f "$tree/.extracted"
	# -f: Debian's tree ignores everything of its own (.gitignore "/*").
	if ! { gitq init -q && gitq add -f -A . &&
	       GIT_AUTHOR_DATE="1767225600 +0000" \
	       GIT_COMMITTER_DATE="1767225600 +0000" \
	       gitq commit -q -m "linux-source-6.12 $ver, pristine"; }; then
		echo "intree: git init of $tree failed" >&2
		exit 1
	fi
	gitq rev-parse HEAD >"$tree/.git/intree-base"
fi
base=$(cat "$tree/.git/intree-base")

# kbuild NAME PATCH: build the tree with CONFIG_VFIO_CCW=NAME (m or y)
# after PATCH. $out/.built lists the keys that built clean; $out/.state
# is the key its objects are built for now. An earlier patch that built
# clean before is not built again (that is all its check says); the last
# one is, unless the directory is already built for it, as make check
# boots the =y build (KCONFIG=builtin).
kbuild() {
	local f=$1 p=$2 last=$3 out log key
	out=$(KCONFIG=intree-$f kernel_build_dir)
	log=$out.log
	mkdir -p "$out"
	key=$(kbuild_key "$p")
	if [ "$(cat "$out/.state" 2>/dev/null)" = "$key" ] ||
	   { [ "$last" = 0 ] && grep -qx "$key" "$out/.built" 2>/dev/null; }; then
		ok "$p builds with CONFIG_VFIO_CCW=$f (built before, key $key)"
		return 0
	fi
	# One kernel build on the machine at a time (build-kernel.sh's lock).
	exec 9>"$CACHE/.build.lock"
	flock 9
	kmake() {
		nice -n 10 "$TOP/scripts/intree-make.sh" "$tree" -s O="$out" \
			ARCH=s390 CROSS_COMPILE="$CROSS_COMPILE" -j"$JOBS" "$@"
	}
	# Seeded with the KCSAN flavour's build of the pristine tree (same
	# fragment but for the driver's symbols): kbuild then rebuilds only
	# what the patches and those symbols change (scripts/intree-make.sh).
	local seed
	seed=$(KCONFIG=kcsan kernel_build_dir)
	if [ ! -f "$out/.config" ] && [ -f "$seed/.complete" ]; then
		echo "intree: seeding $out with $seed"
		cp -a "$seed/." "$out/"
		rm -f "$out/.complete" "$out/.series" "$out/.state" "$out/.built"
		# Modules of the seed's configuration (mdev.ko, the 6.12
		# vfio_ccw.ko): the ones still configured =m are built again.
		find "$out" -name '*.ko' -delete
	fi
	if [ ! -f "$out/.config" ]; then
		kmake allnoconfig >>"$log" 2>&1
		# shellcheck disable=SC2046
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" $(KCONFIG=intree-$f kernel_config_files) \
			>/dev/null
	fi
	# The fragments again: a symbol the patch adds gets its value.
	# shellcheck disable=SC2046
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		$(KCONFIG=intree-$f kernel_config_files) >/dev/null
	kmake olddefconfig >>"$log" 2>&1
	local want=CONFIG_VFIO_CCW=$f
	if ! grep -qx "$want" "$out/.config"; then
		bad "$p: $want did not stick"
		flock -u 9
		return 1
	fi
	local start=$(date +%s) rc=0
	echo "intree: $p: building CONFIG_VFIO_CCW=$f in $out"
	kmake bzImage modules >"$log.last" 2>&1 || rc=$?
	cat "$log.last" >>"$log"
	if [ "$rc" -ne 0 ] ||
	   grep -E "drivers/s390/cio/(vfio_ccw|vccw)[^ ]*: (warning|error)" \
		"$log.last"; then
		tail -30 "$log.last"
		bad "$p builds with CONFIG_VFIO_CCW=$f"
		rm -f "$out/.state"
		flock -u 9
		return 1
	fi
	ok "$p builds with CONFIG_VFIO_CCW=$f ($(( $(date +%s) - start ))s)"
	if [ "$f" = y ]; then
		kmake headers_install INSTALL_HDR_PATH="$out/usr-headers" \
			>/dev/null 2>&1
	fi
	echo "$key" >>"$out/.built"
	echo "$key" >"$out/.state"
	flock -u 9
}

# The warnings of Sphinx on Documentation/arch/s390 (paths made relative).
sphinx() {
	local out=$1
	rm -rf "$out"
	PYTHONDONTWRITEBYTECODE=1 nice -n 10 make -s -C "$tree" O="$out" \
		SPHINXDIRS=arch/s390 htmldocs 2>&1 |
		sed -n "s|^$tree/||; /WARNING\|ERROR/p" | sort -u
}

if [ "$(cat "$tree/.series" 2>/dev/null)" = "$hash" ] &&
   [ "$(cat "$ydir/.state" 2>/dev/null)" = "$(kbuild_key "$last_kbuild")" ]; then
	echo "intree: series $hash already applied and built in $tree"
	ok "git am of every patch, builds (=m, =y), kselftest build, htmldocs (cached for $hash)"
else
	rm -f "$tree/.series"
	gitq am --abort >/dev/null 2>&1
	gitq reset -q --hard "$base"
	gitq clean -fdxq
	if [ "${INTREE_SKIP_BUILD:-0}" != 1 ] && have_sphinx=$(command -v sphinx-build) &&
	   [ ! -f "$work/sphinx-base.txt" ]; then
		sphinx "$work/sphinx-base" >"$work/sphinx-base.txt"
	fi
	amfail=0
	for p in "$patches"/*.patch; do
		n=$(basename "$p")
		if ! gitq am -q "$p" >"$work/am.log" 2>&1; then
			cat "$work/am.log"
			bad "git am $n"
			amfail=1
			break
		fi
		ok "git am $n"
		[ "${INTREE_SKIP_BUILD:-0}" = 1 ] && continue
		files=$(gitq diff --name-only HEAD~1 HEAD)
		if touches_kbuild "$p"; then
			last=$([ "$n" = "$last_kbuild" ] && echo 1 || echo 0)
			kbuild m "$n" "$last"
			kbuild y "$n" "$last"
		fi
		if grep -q '^tools/testing/selftests/' <<<"$files"; then
			"$TOP/scripts/intree-kselftest.sh" "$tree" \
				"$(KCONFIG=intree-y kernel_build_dir)" \
				"$TOP/build/kselftest" >"$work/kselftest.log" 2>&1 &&
				ok "$n: kselftest build and install" ||
				{ tail -20 "$work/kselftest.log"; bad "$n: kselftest build"; }
		fi
		if grep -q '^Documentation/.*\.rst$' <<<"$files"; then
			# The pages use no kernel-doc: the patches that touch
			# .rst files are all the output depends on.
			skey=$(for q in "$patches"/*.patch; do
				grep -q '^diff --git a/Documentation/.*\.rst ' "$q" &&
					cat "$q"; done | sha256sum | cut -c1-16)
			if grep -qx "$skey" "$work/sphinx-ok" 2>/dev/null; then
				ok "$n: htmldocs SPHINXDIRS=arch/s390, no new warning (same pages as before)"
			elif [ -z "${have_sphinx:-}" ]; then
				echo "intree: $n: SKIPPED htmldocs: no sphinx-build (python3-sphinx)"
			else
				sphinx "$work/sphinx-new" >"$work/sphinx-new.txt"
				new=$(comm -13 "$work/sphinx-base.txt" "$work/sphinx-new.txt")
				if [ -z "$new" ]; then
					ok "$n: htmldocs SPHINXDIRS=arch/s390, no new warning"
					echo "$skey" >>"$work/sphinx-ok"
				else
					echo "$new"
					bad "$n: htmldocs has new warnings"
				fi
			fi
		fi
	done
	if [ "$amfail" = 0 ] && [ "$failed" = 0 ] &&
	   [ "${INTREE_SKIP_BUILD:-0}" != 1 ]; then
		echo "$hash" >"$tree/.series"
	fi
fi

if "$TOP/scripts/mkseries.py" --src "$src" --verify "$tree"; then
	ok "the patched tree holds driver/, selftests/, lkmm/ exactly"
else
	bad "the patched tree holds driver/, selftests/, lkmm/ exactly"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
if [ "$mode" = build ]; then
	echo "$ydir"
fi
