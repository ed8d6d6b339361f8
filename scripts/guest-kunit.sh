#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, as /tests/vfio_ccw_kunit_test: load the KUnit module of
# driver/vfio_ccw_kunit.c (its suites run while it loads), read each
# suite's KTAP from /sys/kernel/debug/kunit/<suite>/results and print
# one TAP stream, one result per case ("ok N suite.case"), with the
# failure messages as diagnostics. Needs our vfio_ccw.ko loaded (it
# exports the translation functions to KUnit); with the in-tree module
# the plan is empty.

SUITES="vfio_ccw_own vfio_ccw_irb vfio_ccw_cp"
KO=/lib/modules/ours/vfio_ccw_kunit.ko
DBG=/sys/kernel/debug/kunit

if [ "${VFIO_CCW_DRIVER:-ours}" != ours ]; then
	echo "1..0 # SKIP the KUnit tests link against our vfio_ccw.ko"
	exit 0
fi
if [ ! -f "$KO" ]; then
	echo "1..1"
	echo "not ok 1 vfio_ccw_kunit.ko is not in the initramfs"
	exit 1
fi
start=$(date +%s)
if ! insmod "$KO"; then
	echo "1..1"
	echo "not ok 1 insmod vfio_ccw_kunit.ko"
	exit 1
fi
rm -f /tmp/kunit.ktap
missing=
for s in $SUITES; do
	if [ -r "$DBG/$s/results" ]; then
		echo "# suite $s" >> /tmp/kunit.ktap
		cat "$DBG/$s/results" >> /tmp/kunit.ktap
	else
		missing="$missing $s"
	fi
done
rmmod vfio_ccw_kunit
echo "# suites ran in $(( $(date +%s) - start )) s"

# Cases are the results indented by one level (4 spaces) under a suite.
awk -v missing="$missing" '
	/^# suite / { suite = $3; next }
	/^    # / { diag[n] = diag[n] "\n# " substr($0, 7); next }
	/^    (not )?ok [0-9]+ / {
		line = $0; sub(/^    /, "", line)
		ok = (line ~ /^ok /)
		sub(/^(not )?ok [0-9]+ /, "", line)
		res[++n] = (ok ? "ok " : "not ok ") n " " suite "." line
		next
	}
	END {
		nm = split(missing, m, " ")
		print "1.." n + nm
		for (i = 1; i <= n; i++) {
			if (res[i] ~ /^not ok/ && diag[i - 1] != "")
				print substr(diag[i - 1], 2)
			print res[i]
		}
		for (i = 1; i <= nm; i++)
			print "not ok " n + i " " m[i] " # no results in debugfs"
		exit (nm > 0)
	}' /tmp/kunit.ktap
rc=$?
grep -q "^    not ok " /tmp/kunit.ktap && rc=1
exit $rc
