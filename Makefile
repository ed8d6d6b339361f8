# SPDX-License-Identifier: GPL-2.0
#
# make          build everything (installs missing Debian packages first)
# make check    boot the KCSAN guest and run every test
# make bench    figures of our module and the in-tree one, same boot
# make run      QEMU as the client: driverctl, mdevctl, the nested payload
# See README.md.

SHELL := /bin/bash
KCONFIG ?= kcsan
export KCONFIG
BUILD := $(CURDIR)/build
CROSS_COMPILE ?= s390x-linux-gnu-
KMAKE_ARGS = ARCH=s390 CROSS_COMPILE=$(CROSS_COMPILE)

# Evaluated when a recipe runs, i.e. after "deps" installed dpkg's answer.
KDIR = $(shell KCONFIG=$(KCONFIG) scripts/kdir.sh build)
KSRC = $(shell KCONFIG=$(KCONFIG) scripts/kdir.sh src)

DRIVER ?= ours
export DRIVER

INITRD := $(BUILD)/initramfs-$(KCONFIG).cpio
# The test build has the debug hooks of driver/vfio_ccw_hooks.h compiled
# in (forced-interleaving selftests); VCCW_DEBUG_HOOKS=n builds without.
# The bench flavour measures the module as shipped: without them.
VCCW_DEBUG_HOOKS ?= $(if $(filter bench,$(KCONFIG)),n,y)
# The KUnit tests and the ownership torture test are modules of their
# own (driver/Kbuild).
MODULE_ARGS = $(KMAKE_ARGS) M=$(CURDIR)/driver W=1 \
	CONFIG_VFIO_CCW_DEBUG_HOOKS=$(VCCW_DEBUG_HOOKS) \
	CONFIG_VFIO_CCW_KUNIT_TEST=m CONFIG_VFIO_CCW_TORTURE_TEST=m

# The floor of the benchmarks (bench/vccw_floor.c): a css driver that runs
# the same channel programs through cio directly; and bench/vccw_smc.c,
# which makes QEMU drop stale translations of reloaded module text (the
# rounds reload both vfio_ccw modules). Bench flavour only.
FLOOR_KO := $(if $(filter bench,$(KCONFIG)),$(CURDIR)/bench/vccw_floor.ko \
	$(CURDIR)/bench/vccw_smc.ko)

all: initramfs

deps:
	@scripts/setup-deps.sh

kernel: deps
	@scripts/build-kernel.sh >/dev/null

module: kernel
	@# Objects built against another kernel build (another flavour, or
	@# the same flavour before a config change) are removed: kbuild only
	@# sees changed compiler flags, not a changed struct layout.
	@if [ "$$(cat driver/.kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		rm -f driver/*.o driver/.*.o.cmd; echo "$(KDIR)" > driver/.kdir; fi
	$(MAKE) -C $(KDIR) $(MODULE_ARGS) modules

selftests: kernel
	$(MAKE) -C selftests KSRC=$(KSRC) KHDR=$(KDIR)/usr-headers \
		OUT=$(BUILD)/selftests-bin

initramfs: module selftests $(if $(FLOOR_KO),floor)
	@scripts/mkinitramfs.sh $(INITRD) $(KDIR) $(CURDIR)/driver/vfio_ccw.ko \
		$(BUILD)/selftests-bin/* $(FLOOR_KO)

floor: kernel
	@# as for module: objects of another kernel build are removed
	@if [ "$$(cat bench/.kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		rm -f bench/*.o bench/.*.o.cmd; echo "$(KDIR)" > bench/.kdir; fi
	$(MAKE) -C $(KDIR) $(KMAKE_ARGS) M=$(CURDIR)/bench W=1 modules

# Kernel coding style and sparse on driver/ (W=1 is on in every build).
# The objects are removed, not the sources touched, so that W=1 sees every
# file again while the source tree keeps its timestamps.
lint: kernel
	@$(KSRC)/scripts/checkpatch.pl --strict --no-tree --quiet -f \
		$(filter-out %.mod.c,$(wildcard driver/*.c driver/*.h bench/*.c)) && \
		echo "checkpatch: clean"
	rm -f driver/*.o
	$(MAKE) -C $(KDIR) $(MODULE_ARGS) C=2 modules
	@if [ "$$(cat bench/.kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		rm -f bench/*.o bench/.*.o.cmd; echo "$(KDIR)" > bench/.kdir; fi
	$(MAKE) -C $(KDIR) $(KMAKE_ARGS) M=$(CURDIR)/bench W=1 C=2 modules

# LKMM proofs of the cp ownership protocol: herd7 over lkmm/*.litmus with
# the kernel tree's tools/memory-model, then check-orderings (README.md).
lkmm: deps
	@scripts/build-kernel.sh --extract-only >/dev/null
	@scripts/run-lkmm.sh

# driver/vfio_ccw_own.h: ORDERING lines = code = lkmm/ annotations.
check-orderings:
	@scripts/check-orderings.py

# lkmm/: each ctrl-* is its Base: test plus marked mutations; every
# register an exists/filter clause reads is declared and assigned.
check-litmus:
	@scripts/check-litmus.py
.PHONY: check-litmus

check: all
	@scripts/check.sh

# Only the guest suites on the KASAN kernel ("make check" runs them too).
check-kasan:
	$(MAKE) KCONFIG=kasan all
	@KCONFIG=kasan scripts/check.sh --guest-only

# Only the guest suites on the KASAN + lockdep kernel ("make check" runs
# them too; Documentation/testing.rst, "Lockdep").
check-lockdep:
	$(MAKE) KCONFIG=lockdep all
	@KCONFIG=lockdep scripts/check.sh --guest-only

# The stress and race suites with LOAD busy loops beside the guest,
# LOADED_RUNS times ("make check" runs them once).
check-loaded: all
	@scripts/check.sh --loaded-only

check-host:
	@scripts/check.sh --host-only

# Figures of our module and of the in-tree one, side by side, in the same
# boot of a kernel without sanitizers (scripts/kernel-bench.config).
# "make check" runs it last; BENCH_ITERS sets the programs per case and
# round, BENCH_ROUNDS the rounds (floor, ours, in-tree each), BENCH_CHARTS
# where the SVG charts go (default build/bench; README.md's are in
# Documentation/bench).
bench:
	$(MAKE) KCONFIG=bench all
	@KCONFIG=bench scripts/check.sh --bench-only

# The driver as a patch series against the Debian linux-source-6.12 tree
# in build/patches/ (scripts/mkseries.py; Documentation/intree.rst).
intree: deps
	@scripts/intree.sh series

# The series: checkpatch --strict with the tree, git am onto a fresh git
# init of the pristine tree, the tree built after each patch with
# CONFIG_VFIO_CCW=m and =y, kselftest build, htmldocs, and the patched
# tree compared with driver/, selftests/, lkmm/.
check-intree: deps
	@scripts/intree.sh check

# The built-in flavour: the patched tree with CONFIG_VFIO_CCW=y, its
# selftests built and installed the kselftest way, and an initramfs with
# them and run_kselftest.sh (no module of ours).
BUILTIN_KDIR = $(shell KCONFIG=builtin scripts/kdir.sh build)
BUILTIN_KSRC = $(shell KCONFIG=builtin scripts/kdir.sh src)
builtin: deps
	@KCONFIG=builtin scripts/build-kernel.sh >/dev/null
	@scripts/intree-kselftest.sh $(BUILTIN_KSRC) $(BUILTIN_KDIR) \
		$(BUILD)/kselftest-builtin >/dev/null
	@KSELFTEST=$(BUILD)/kselftest-builtin \
		scripts/mkinitramfs.sh $(BUILD)/initramfs-builtin.cpio \
		$(BUILTIN_KDIR) /nonexistent

# Only the built-in boot ("make check" runs it too).
check-builtin: builtin
	@scripts/check.sh --builtin-only

# The series' KUnit tests with the kernel's own runner on the patched tree:
# kunit.py run --arch=s390 --kunitconfig=drivers/s390/cio (its build in
# the cache; a key that passed before is not run again). Not part of
# "make check": a cold run builds one more kernel (Documentation/intree.rst).
check-kunit: deps
	@KCONFIG=builtin scripts/build-kernel.sh >/dev/null
	@scripts/intree-kunit.sh

shell: all
	scripts/run-qemu.sh --shell

# The main job in one command: boot the guest, bind a subchannel with
# driverctl, start the mdev with mdevctl, run QEMU with -device vfio-ccw
# on our driver with the nested payload, each step printed as it goes.
run: all
	@scripts/run-nested.sh

# Only the nested stage ("make check" runs it too): ours and in-tree.
check-nested: all
	@scripts/check.sh --nested-only

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C selftests clean OUT=$(BUILD)/selftests-bin
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) $(KMAKE_ARGS) M=$(CURDIR)/driver clean
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) $(KMAKE_ARGS) M=$(CURDIR)/bench clean

.PHONY: floor
.PHONY: intree check-intree builtin check-builtin check-kunit
.PHONY: all deps kernel module selftests initramfs lint check check-kasan check-lockdep check-loaded check-host bench shell clean lkmm check-orderings run check-nested
