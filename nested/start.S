/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the nested payload. QEMU's -kernel loads the ELF and, for an
 * entry point at 0x10000, starts it there in 64-bit addressing mode with
 * DAT and interruptions off, and copies -append into the parameter area
 * at 0x10480 (as it does for Linux). Prefix 0: the lowcore is at 0.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	larl	%r15, stack_top
	aghi	%r15, -160
	xc	0(8, %r15), 0(%r15)
	brasl	%r14, payload_main
	/* payload_main does not return */
0:	j	0b

	.section .parm, "aw", @progbits
	.globl	parm_area
parm_area:
	.fill	0x380, 1, 0

	.text
	.globl	pgm_entry, ext_entry
/* A program check: report it from C on the program-check stack. */
pgm_entry:
	larl	%r15, pgm_stack_top
	aghi	%r15, -160
	brasl	%r14, program_check
0:	j	0b

/*
 * The only external interruption enabled is the SCLP's service signal:
 * return to the wait PSW's successor with wait and external mask off.
 */
ext_entry:
	ni	0x130, 0xfe
	ni	0x131, 0xfd
	lpswe	0x130

/* Enabled wait for the service signal, then return. */
	.globl	wait_ext
wait_ext:
	larl	%r1, wait_ext_psw
	larl	%r2, 1f
	stg	%r2, 8(%r1)
	lpswe	0(%r1)
1:	br	%r14

/* load_psw(mask, addr): a disabled wait, the end of the run. */
	.globl	load_psw
load_psw:
	larl	%r1, end_psw
	stg	%r2, 0(%r1)
	stg	%r3, 8(%r1)
	lpswe	0(%r1)
0:	j	0b

	.data
	.align	8
wait_ext_psw:
	.quad	0x0102000180000000, 0
end_psw:
	.quad	0, 0

	.bss
	.align	4096
	.space	16384
stack_top:
	.space	4096
pgm_stack_top:

	.section .note.GNU-stack, "", @progbits
