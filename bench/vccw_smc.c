// SPDX-License-Identifier: GPL-2.0
/*
 * vccw_smc: a guest-side workaround, for the test harness only, of a
 * self-modifying-code bug of QEMU's TCG s390x emulation, fixed upstream
 * by QEMU commit e43ced8be18d ("target/s390x: Fix MVC not always
 * invalidating translation blocks", January 2025, in the 8.2.9 and 9.2.1
 * stable releases) but present in Debian 12's QEMU 7.2.
 *
 * QEMU invalidates the translation blocks (TBs) of a page of guest RAM
 * when the guest stores into it. For the storage-to-storage instructions
 * that a helper emulates (MVC, XC, MVCL, ...) it checks only the first
 * byte of each operand: a TB that lies wholly inside the other bytes
 * survives. The kernel's module loader zeroes module memory with XC and
 * copies the sections in with MVC, 256 bytes at a time, so the TBs of
 * the code that was in those pages before survive, and the ones that do
 * not contain a 256-byte boundary of the copy are looked up again when
 * the new code runs at the same virtual address in the same physical
 * page: the CPU runs a mix of the old module's code and the new one's.
 * "make bench" unloads and reloads our vfio_ccw.ko and the in-tree one,
 * same name, same module area, in turn: now and then the reloaded one
 * died of an operation exception in the middle of one of its own
 * instructions (the stale TB ended at a page boundary where the new code
 * has an instruction that crosses it) or of a pointer the stale code
 * left in a register.
 *
 * Loaded before any other module, this stores every doubleword of the
 * text of each module that comes after it back in place, with ordinary
 * stores (which QEMU checks in full) through a writable alias of its
 * pages, after the loader wrote it and before any of it runs (the
 * MODULE_STATE_COMING notifier, last in the chain). That drops every TB
 * of those pages, stale or not; the code is unchanged. On real hardware
 * or a fixed QEMU it costs a few thousand stores per module load.
 *
 * Built only for the bench flavour, never part of vfio_ccw; loaded by
 * scripts/guest-init.sh before the benchmark's rounds unless the kernel
 * command line has vccw.smc=0 (scripts/reload-repro.sh measures both).
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static unsigned int smc_pages;
module_param(smc_pages, uint, 0444);
MODULE_PARM_DESC(smc_pages, "pages of module text stored back so far");

/* Store [base, base + size) back in place, whole pages, via an alias. */
static int smc_restore(void *base, unsigned int size)
{
	unsigned long start = (unsigned long)base & PAGE_MASK;
	unsigned long end = PAGE_ALIGN((unsigned long)base + size);
	unsigned int i, n = (end - start) >> PAGE_SHIFT;
	struct page **pages;
	u64 *alias;
	size_t w;

	if (!size)
		return 0;
	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pages[i] = vmalloc_to_page((void *)(start + i * PAGE_SIZE));
		if (!pages[i]) {
			kfree(pages);
			return -EFAULT;
		}
	}
	alias = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!alias) {
		kfree(pages);
		return -ENOMEM;
	}
	/*
	 * One ordinary 8-byte store per doubleword: the volatile accesses
	 * cannot be merged into an MVC, which is what QEMU misses.
	 */
	for (w = 0; w < (size_t)n * PAGE_SIZE / sizeof(u64); w++)
		WRITE_ONCE(alias[w], READ_ONCE(alias[w]));
	vunmap(alias);
	kfree(pages);
	smc_pages += n;
	return 0;
}

static int smc_notify(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	struct module *mod = data;
	int ret;

	if (action != MODULE_STATE_COMING)
		return NOTIFY_DONE;
	for_class_mod_mem_type(type, text) {
		ret = smc_restore(mod->mem[type].base, mod->mem[type].size);
		if (ret)
			pr_warn("vccw_smc: %s: text not stored back: %d\n",
				mod->name, ret);
	}
	return NOTIFY_OK;
}

static struct notifier_block smc_nb = {
	.notifier_call = smc_notify,
	.priority = INT_MIN,	/* after jump labels, static calls, ... */
};

static int __init smc_init(void)
{
	return register_module_notifier(&smc_nb);
}

static void __exit smc_exit(void)
{
	unregister_module_notifier(&smc_nb);
}

module_init(smc_init);
module_exit(smc_exit);
MODULE_DESCRIPTION("make bench: QEMU TCG drops stale translations of module text");
MODULE_LICENSE("GPL");
