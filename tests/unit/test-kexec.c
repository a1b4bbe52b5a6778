// SPDX-License-Identifier: MIT
// The capture kernel's command line and the pre-load checks
// (lib/setup/kexec.c), on strings and on fake /proc and /sys trees. The
// system call itself runs only in QEMU (tests/vm/test-dp-kdump.sh).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/kexec.h>

#include "test.h"

static char *build(const char *base, const char *append, const char *extra)
{
	struct dp_kexec_cmdline_opts o = { base, append, extra };
	char *s = NULL;
	CHECK_OK(dp_kexec_cmdline(&o, &s));
	return s;
}

#define CMDLINE_IS(base, append, extra, want) do { \
	char *s_ = build(base, append, extra); \
	CHECK_STR(s_, want); \
	free(s_); \
} while (0)

// A Debian cloud guest's command line: crashkernel= and the other words
// that hurt a capture kernel go, console= stays, the defaults follow.
TEST(debian_cmdline)
{
	char *s = build("BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-cloud-amd64 "
			"root=PARTUUID=1234 ro console=tty0 console=ttyS0,115200 "
			"earlyprintk=ttyS0,115200 consoleblank=0 crashkernel=256M quiet",
			NULL, NULL);
	char want[4096];
	snprintf(want, sizeof(want), "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-cloud-amd64 "
		 "ro console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200 "
		 "consoleblank=0 %s", dp_kexec_default_append);
	CHECK_STR(s, want);
	free(s);
}

// Every removal class: kdumpctl always, kdumpctl's x86_64 REMOVE list,
// kdump-tools' abm=, ours (init=, rdinit=, resume=).
TEST(dropped_words)
{
	CMDLINE_IS("crashkernel=1G-4G:192M,4G-:256M panic_on_warn=1 root=/dev/vda1 "
		   "rd.lvm.lv=vg/root rd.luks.uuid=x netroot=iscsi:x "
		   "hugepages=100 hugepagesz=2M slub_debug=FZ quiet log_buf_len=1M "
		   "swiotlb=65536 cma=64M hugetlb_cma=1G ignition.firstboot abm=1 "
		   "init=/bin/bash rdinit=/sbin/init resume=/dev/vda2 resume_offset=4 "
		   "keep=1", "X", NULL, "keep=1 X");
	CHECK(dp_kexec_cmdline_drops("crashkernel=512M", 16));
	CHECK(dp_kexec_cmdline_drops("quiet", 5));
	CHECK(!dp_kexec_cmdline_drops("quietly", 7));
	CHECK(!dp_kexec_cmdline_drops("crashkernelx=1", 14));
	CHECK(!dp_kexec_cmdline_drops("console=ttyS0", 13));
	// Only the name counts, not a prefix of it.
	CMDLINE_IS("rootwait rootfstype=ext4 initcall_debug", "", NULL,
		   "rootwait rootfstype=ext4 initcall_debug");
}

// A word the appended list sets again is dropped from the base, so the
// capture kernel gets one nr_cpus=, not nr_cpus=8 then nr_cpus=1.
TEST(append_overrides)
{
	CMDLINE_IS("console=ttyS0 nr_cpus=8 panic=-1 irqpoll", "irqpoll nr_cpus=1 panic=10",
		   NULL, "console=ttyS0 irqpoll nr_cpus=1 panic=10");
	// --append comes last and also overrides.
	CMDLINE_IS("console=ttyS0 loglevel=3", "nr_cpus=1", "loglevel=7 dp.x=1",
		   "console=ttyS0 nr_cpus=1 loglevel=7 dp.x=1");
	// KDUMP_CMDLINE_APPEND="" (empty, not NULL): nothing appended.
	CMDLINE_IS("a b", "", NULL, "a b");
}

// Kernel next_arg() rules: quotes group words, extra blanks collapse.
TEST(quotes_and_blanks)
{
	CMDLINE_IS("  a  \"dyndbg=file x +p\"\tquiet \"crashkernel=1G\"  b\n", "", NULL,
		   "a \"dyndbg=file x +p\" b");
	CMDLINE_IS("", "", NULL, "");
	// "--" ends the kernel's words; the first init's arguments go too.
	CMDLINE_IS("console=ttyS0 -- --init-flag x=1", "irqpoll", NULL,
		   "console=ttyS0 irqpoll");
	CMDLINE_IS(NULL, "", "z", "z");
}

static char root[256];

static void put(const char *rel, const char *text, size_t pad)
{
	char path[512], dir[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *q = path + strlen(root) + 1; (q = strchr(q, '/')); q++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(q - path), path);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		for (size_t i = 0; i < pad; i++)
			fputc(0, f);
		fclose(f);
	}
}

static struct dp_error *check(const char *initrd)
{
	struct dp_kexec_state st;
	char k[512], i[512];
	snprintf(k, sizeof(k), "%s/boot/vmlinuz", root);
	snprintf(i, sizeof(i), "%s%s", root, initrd ? initrd : "");
	struct dp_kexec_load req = { k, initrd ? i : NULL, "console=ttyS0", root };
	dp_kexec_probe(root, &st);
	return dp_kexec_check(&req, &st);
}

static void expect(struct dp_error *err, const char *needle)
{
	CHECK(err != NULL);
	if (!err)
		return;
	if (!strstr(err->message, needle)) {
		printf("#   message '%s' lacks '%s'\n", err->message, needle);
		CHECK(0);
	}
	dp_error_destroy(err);
}

TEST(checks_on_fake_trees)
{
	strcpy(root, "/tmp/dp-kexec-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	put("/boot/vmlinuz", "MZ", 3u << 20);
	put("/initrd.img", "070701", 2u << 20);
	expect(check("/initrd.img"), "no kexec crash support");
	put("/sys/kernel/kexec_crash_size", "0\n", 0);
	expect(check("/initrd.img"), "kexec_crash_size is 0");
	put("/sys/kernel/kexec_crash_size", "4194304\n", 0);
	expect(check("/initrd.img"), "do not fit in the 4 MiB reserved");
	CHECK_OK(check(NULL));	// 3 MiB kernel alone fits in 4 MiB
	put("/sys/kernel/kexec_crash_size", "167772160\n", 0);
	CHECK_OK(check("/initrd.img"));
	expect(check("/missing.img"), "initrd");
	put("/proc/sys/kernel/kexec_load_disabled", "1\n", 0);
	expect(check("/initrd.img"), "kexec_load_disabled = 1");
	put("/proc/sys/kernel/kexec_load_disabled", "0\n", 0);
	put("/sys/kernel/kexec_crash_loaded", "1\n", 0);
	put("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n", 0);
	struct dp_kexec_state st;
	dp_kexec_probe(root, &st);
	CHECK(st.have_crash_size);
	CHECK_EQ_U64(st.crash_size, 160u << 20);
	CHECK(st.crash_loaded == 1);
	CHECK(st.load_disabled == 0);
	CHECK_STR(st.lockdown, "integrity");
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

TEST_MAIN(T(debian_cmdline), T(dropped_words), T(append_overrides),
	  T(quotes_and_blanks), T(checks_on_fake_trees))
