// SPDX-License-Identifier: MIT
// crashkernel= parsing and evaluation. Expected values follow Linux 6.1's
// kernel/crash_core.c and arch/x86/kernel/setup.c by hand (see the
// comment of each case): the range is matched on RAM rounded up to 128M,
// the whole spec fails when a walked entry's size is not below that RAM,
// memparse wraps and reads a leading 0 as octal, the last crashkernel=
// wins, ,high is the fallback.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/crashkernel.h>

#include "test.h"

#define K (1ULL << 10)
#define M (1ULL << 20)
#define G (1ULL << 30)

struct kcase {
	const char *cmdline;
	uint64_t ram;
	bool ok;
	int rc;
	uint64_t size, base;
	bool high;
	int range;
};

static const struct kcase kcases[] = {
	{ "crashkernel=256M", 4 * G, true, 0, 256 * M, 0, false, -1 },
	{ "ro quiet crashkernel=256M@16M splash", 4 * G, true, 0, 256 * M, 16 * M, false, -1 },
	// Debian's default: 384M- matches from 384M up, on RAM rounded to 128M.
	{ "crashkernel=384M-:128M", 4 * G, true, 0, 128 * M, 0, false, 0 },
	{ "crashkernel=384M-:128M", 256 * M, false, 0, 0, 0, false, -1 },
	{ "crashkernel=384M-:128M", 257 * M, true, 0, 128 * M, 0, false, 0 },	// 257M -> 384M
	{ "crashkernel=384M-:128M", 383 * M, true, 0, 128 * M, 0, false, 0 },
	// Fedora's x86_64 default.
	{ "crashkernel=2G-64G:256M,64G-:512M", 1 * G, false, 0, 0, 0, false, -1 },
	{ "crashkernel=2G-64G:256M,64G-:512M", 2 * G - 1, true, 0, 256 * M, 0, false, 0 },
	{ "crashkernel=2G-64G:256M,64G-:512M", 64 * G - 128 * M, true, 0, 256 * M, 0, false, 0 },
	{ "crashkernel=2G-64G:256M,64G-:512M", 64 * G - 128 * M + 1, true, 0, 512 * M, 0, false, 1 },
	{ "crashkernel=2G-64G:256M,64G-:512M", 1024 * G, true, 0, 512 * M, 0, false, 1 },
	// An early entry's size is checked against the RAM even when it
	// does not match: unordered ranges break small machines.
	{ "crashkernel=4G-:8G,128M-4G:64M", 2 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=4G-:8G,128M-4G:64M", 16 * G, true, 0, 8 * G, 0, false, 0 },
	{ "crashkernel=0-1G:2G,1G-:128M", 1536 * M, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=0-1G:2G,1G-:128M", 4 * G, true, 0, 128 * M, 0, false, 1 },
	{ "crashkernel=0-:128M", 100 * M, false, -EINVAL, 0, 0, false, -1 },	// 128M >= 128M
	// Junk after the entry taken is skipped; after no match it is ignored.
	{ "crashkernel=1G-2G:64Mxyz", 1536 * M, true, 0, 64 * M, 0, false, 0 },
	{ "crashkernel=1G-2G:64Mxyz", 4 * G, false, 0, 0, 0, false, -1 },
	{ "crashkernel=1G-2G:64M,", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=1G-2G:64M@16M", 1536 * M, true, 0, 64 * M, 16 * M, false, 0 },
	{ "crashkernel=1G-2G:64M@", 1536 * M, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=2G-1G:64M", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=1G:64M", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=-1G:64M", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	// The simple form does not check what follows '@'.
	{ "crashkernel=256M@", 4 * G, true, 0, 256 * M, 0, false, -1 },
	{ "crashkernel=256Mx", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	// memparse: octal, hex, wrapping, a bare suffix.
	{ "crashkernel=010M", 4 * G, true, 0, 8 * M, 0, false, -1 },
	{ "crashkernel=0x10M", 4 * G, true, 0, 16 * M, 0, false, -1 },
	{ "crashkernel=0x", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=08M", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=18446744073709551616", 4 * G, false, 0, 0, 0, false, -1 },
	{ "crashkernel=16E", 4 * G, false, 0, 0, 0, false, -1 },
	{ "crashkernel=17179869185G", 4 * G, true, 0, 1 * G, 0, false, -1 },	// 2^64 + 1G
	{ "crashkernel=18446744073709551617", 4 * G, true, 0, 1, 0, false, -1 },
	{ "crashkernel=K", 4 * G, false, 0, 0, 0, false, -1 },
	{ "crashkernel=", 4 * G, false, -EINVAL, 0, 0, false, -1 },
	// The last one wins; ,high only when the plain one gives nothing.
	{ "crashkernel=256M crashkernel=128M", 4 * G, true, 0, 128 * M, 0, false, -1 },
	{ "crashkernel=512M,high", 8 * G, true, 0, 512 * M, 0, true, -1 },
	{ "crashkernel=256M crashkernel=512M,high", 8 * G, true, 0, 256 * M, 0, false, -1 },
	{ "crashkernel=256Mx crashkernel=512M,high", 8 * G, true, 0, 512 * M, 0, true, -1 },
	{ "crashkernel=1G-:256M,high", 8 * G, false, -EINVAL, 0, 0, false, -1 },
	{ "crashkernel=72M,low", 8 * G, false, -ENOENT, 0, 0, false, -1 },
	{ "quiet", 8 * G, false, -ENOENT, 0, 0, false, -1 },
	// strstr finds it inside another word, as the kernel does.
	{ "nocrashkernel=256M", 8 * G, true, 0, 256 * M, 0, false, -1 },
	// A ':' after the first space does not make it a range spec.
	{ "crashkernel=256M foo=1:2", 8 * G, true, 0, 256 * M, 0, false, -1 },
};

TEST(kernel_model)
{
	for (size_t i = 0; i < sizeof(kcases) / sizeof(kcases[0]); i++) {
		const struct kcase *c = &kcases[i];
		struct dp_ck_result r;
		dp_ck_kernel_eval(c->cmdline, c->ram, &r);
		bool good = r.ok == c->ok && r.rc == c->rc &&
			    r.size == c->size && r.base == c->base &&
			    r.high == c->high && r.range == c->range &&
			    (r.ok || r.why);
		if (!good) {
			printf("#   case %zu '%s' ram 0x%llx: ok %d rc %d size 0x%llx base 0x%llx high %d range %d (%s)\n",
			       i, c->cmdline, (unsigned long long)c->ram,
			       r.ok, r.rc, (unsigned long long)r.size,
			       (unsigned long long)r.base, r.high, r.range,
			       r.why ? r.why : "-");
			test_failed_ = 1;
		}
	}
}

TEST(kernel_low)
{
	struct dp_ck_result r;
	dp_ck_kernel_eval("crashkernel=512M,high crashkernel=72M,low", 8 * G, &r);
	CHECK(r.ok && r.high && r.low_given);
	CHECK_EQ_U64(r.low_size, 72 * M);
	dp_ck_kernel_eval("crashkernel=512M,high crashkernel=0,low", 8 * G, &r);
	CHECK(r.ok && r.high && r.low_given && r.low_size == 0);
	dp_ck_kernel_eval("crashkernel=512M,high crashkernel=7x,low", 8 * G, &r);
	CHECK(r.ok && r.high && !r.low_given);	// invalid: the default low size
}

static struct dp_error *parse(const char *s, struct dp_ck_spec *spec)
{
	return dp_ck_parse(s, strlen(s), spec);
}

TEST(strict_ok)
{
	struct dp_ck_spec s;
	CHECK_OK(parse("256M", &s));
	CHECK(s.syntax == DP_CK_SIMPLE && s.size == 256 * M && !s.has_offset);
	CHECK_OK(parse("256m@0x1000000", &s));
	CHECK(s.size == 256 * M && s.has_offset && s.offset == 16 * M);
	CHECK_OK(parse("384M-:128M", &s));
	CHECK(s.syntax == DP_CK_RANGES && s.nranges == 1);
	CHECK(s.ranges[0].start == 384 * M && s.ranges[0].end == UINT64_MAX &&
	      s.ranges[0].size == 128 * M);
	CHECK(s.nnotes == 1);	// "less than 384M reserve nothing"
	CHECK_OK(parse("2G-64G:256M,64G-:512M", &s));
	CHECK(s.nranges == 2 && s.ranges[1].start == 64 * G);
	CHECK_OK(parse("512M,high", &s));
	CHECK(s.syntax == DP_CK_HIGH && s.size == 512 * M);
	CHECK_OK(parse("72M,low", &s));
	CHECK(s.syntax == DP_CK_LOW && s.size == 72 * M);
	CHECK_OK(parse("0,low", &s));
	CHECK_OK(parse("1G-2G:64M@16M", &s));
	CHECK(s.has_offset && s.offset == 16 * M);
	CHECK_OK(parse("0x10000000", &s));
	CHECK_EQ_U64(s.size, 256 * M);
	CHECK_OK(parse("15E", &s));
	CHECK_EQ_U64(s.size, 15ULL << 60);
	CHECK_OK(parse("18446744073709551615", &s));
	CHECK_EQ_U64(s.size, UINT64_MAX);
	// A gap between ranges is allowed, with a note.
	CHECK_OK(parse("1G-2G:64M,4G-:128M", &s));
	bool gap = false;
	for (size_t i = 0; i < s.nnotes; i++)
		gap |= strstr(s.notes[i], "from 2G to 4G matches no range") != NULL;
	CHECK(gap);
}

static void bad(const char *spec, const char *needle)
{
	struct dp_ck_spec s;
	struct dp_error *err = parse(spec, &s);
	if (!err) {
		printf("#   '%s' accepted\n", spec);
		test_failed_ = 1;
		return;
	}
	if (err->code != DP_ERR_INVALID || !strstr(err->message, needle)) {
		printf("#   '%s': %s (want '%s')\n", spec, err->message, needle);
		test_failed_ = 1;
	}
	dp_error_destroy(err);
}

TEST(strict_errors)
{
	bad("", "empty");
	bad("0", "size 0");
	bad("0M,high", "size 0");
	bad("K", "size expected");
	bad("-1G:64M", "range start expected");
	bad("010M", "leading 0");
	bad("18446744073709551616", "does not fit");
	bad("16E", "does not fit");
	bad("17179869184G", "does not fit");
	bad("99999999999999999999999999M", "does not fit");
	bad("256Mx", "unexpected 'x'");
	bad("256M@", "offset after '@' expected");
	bad("256M@16Mjunk", "unexpected 'j'");
	bad("256M@1234", "not a multiple of 1 MiB");
	bad("1G-2G:64M,", "range start expected");
	bad("1G-2G:64Mxyz", "unexpected 'x'");
	bad("2G-1G:64M", "not above its start");
	bad("1G-1G:64M", "not above its start");
	bad("1G:64M", "'-' expected");
	bad("1G-2G64M:1", "':' expected");
	bad("1G-2G64M", "unexpected '-'");
	bad("1G-2G:", "size expected");
	bad("2G-:256M,0-2G:128M", "increasing order");
	bad("0-2G:128M,1G-:256M", "increasing order");
	bad("0-1G:2G,1G-:128M", "not below the range's RAM");
	bad("1G-:256M,high", "range start expected");
	bad("256M@16M,high", "no range, no @offset");
	bad("256M 1", "byte 0x20");
	bad("256M\"", "byte 0x22");
	bad("256M$(reboot)", "byte 0x24");
	bad("256M\n", "byte 0x0a");
	bad("0x", "unexpected 'x'");
	bad("0xg", "size expected");
	char many[400] = "";
	for (int i = 0; i < 17; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "%s%dG-%dG:64M", i ? "," : "", i + 1, i + 2);
	bad(many, "more than 16 ranges");
	// A NUL inside the length is a byte like any other.
	struct dp_ck_spec s;
	struct dp_error *err = dp_ck_parse("256M\0x", 6, &s);
	CHECK(err && strstr(err->message, "byte 0x00"));
	dp_error_destroy(err);
}

// For every spec the strict parser accepts, its evaluation equals the
// kernel model's on "crashkernel=<spec>".
TEST(eval_matches_kernel)
{
	static const char *specs[] = {
		"256M", "256M@16M", "384M-:128M", "2G-64G:256M,64G-:512M",
		"384M-2G:192M,2G-64G:256M,64G-:512M", "512M,high", "72M,low",
		"1G-2G:64M@16M", "1G-2G:64M,4G-:128M", "0-:128M",
		"128M-1G:0,1G-:256M", "0x10000000",
	};
	static const uint64_t rams[] = {
		0, 1, 100 * M, 128 * M, 128 * M + 1, 383 * M, 384 * M, 1 * G,
		1536 * M, 2 * G - 1, 2 * G, 3 * G, 4 * G, 64 * G - 1, 64 * G,
		1024 * G, UINT64_MAX - 5,
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct dp_ck_spec s;
		struct dp_error *err = parse(specs[i], &s);
		CHECK_OK(err);
		if (err)
			continue;
		char line[300];
		snprintf(line, sizeof(line), "crashkernel=%s", specs[i]);
		for (size_t j = 0; j < sizeof(rams) / sizeof(rams[0]); j++) {
			struct dp_ck_result a, b;
			dp_ck_eval(&s, rams[j], &a);
			dp_ck_kernel_eval(line, rams[j], &b);
			if (a.ok != b.ok || a.rc != b.rc || a.size != b.size ||
			    a.base != b.base || a.high != b.high ||
			    a.range != b.range) {
				printf("#   '%s' ram 0x%llx: eval %d/%d/0x%llx, kernel %d/%d/0x%llx\n",
				       specs[i], (unsigned long long)rams[j],
				       a.ok, a.rc, (unsigned long long)a.size,
				       b.ok, b.rc, (unsigned long long)b.size);
				test_failed_ = 1;
			}
		}
	}
}

TEST(format_size)
{
	char b[32];
	dp_ck_format_size(0, b, sizeof(b));
	CHECK_STR(b, "0");
	dp_ck_format_size(128 * M, b, sizeof(b));
	CHECK_STR(b, "128M");
	dp_ck_format_size(2 * G, b, sizeof(b));
	CHECK_STR(b, "2G");
	dp_ck_format_size(1536 * M, b, sizeof(b));
	CHECK_STR(b, "1536M");
	dp_ck_format_size(1000, b, sizeof(b));
	CHECK_STR(b, "1000");
	dp_ck_format_size(3 * K, b, sizeof(b));
	CHECK_STR(b, "3K");
	dp_ck_format_size(1ULL << 60, b, sizeof(b));
	CHECK_STR(b, "1E");
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *q = path + strlen(root) + 1; (q = strchr(q, '/')); q++) {
		*q = '\0';
		mkdir(path, 0755);
		*q = '/';
	}
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(probe_fake_root)
{
	char root[] = "/tmp/dp-ck-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	put(root, "/proc/cmdline",
	    "BOOT_IMAGE=/vmlinuz ro crashkernel=384M-:128M quiet\n");
	// 0x1000-0x9fbff and 0x100000-0x7ffdffff: 638 KiB + 2047.875 MiB.
	put(root, "/proc/iomem",
	    "00000000-00000fff : Reserved\n"
	    "00001000-0009fbff : System RAM\n"
	    "00100000-7ffdffff : System RAM\n"
	    "  01000000-01ffffff : Kernel code\n"
	    "  37000000-3effffff : Crash kernel\n"
	    "fee00000-fee00fff : Local APIC\n");
	put(root, "/sys/kernel/kexec_crash_size", "134217728\n");
	struct dp_ck_machine m;
	CHECK_OK(dp_ck_probe(root, &m));
	CHECK(m.have_cmdline);
	CHECK_STR(m.spec, "384M-:128M");
	CHECK_EQ_U64(m.ram, (0x9fc00 - 0x1000) + (0x7ffe0000 - 0x100000));
	CHECK(m.eval.ok && m.eval.size == 128 * M);
	CHECK(m.have_crash_size && m.crash_size == 128 * M);
	CHECK(m.nregions == 1 && m.region_start[0] == 0x37000000 &&
	      m.region_end[0] == 0x3effffff);
	CHECK(!m.iomem_hidden);
	// Not root: zero addresses; MemTotal + the reservation instead.
	put(root, "/proc/iomem",
	    "00000000-00000000 : System RAM\n"
	    "  00000000-00000000 : Crash kernel\n");
	put(root, "/proc/meminfo", "MemTotal:        1900000 kB\nMemFree: 1 kB\n");
	CHECK_OK(dp_ck_probe(root, &m));
	CHECK(m.iomem_hidden && m.nregions == 0);
	CHECK_EQ_U64(m.ram, 1900000ULL * 1024 + 128 * M);
	CHECK(strstr(m.ram_source, "estimate") != NULL);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

TEST(grub_scan_and_write)
{
	char root[] = "/tmp/dp-ck-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	put(root, "/etc/default/grub",
	    "GRUB_DEFAULT=0\n"
	    "# GRUB_CMDLINE_LINUX=\"crashkernel=1G\"\n"
	    "GRUB_CMDLINE_LINUX=\"console=ttyS0 crashkernel=256M\"\n");
	put(root, "/etc/default/grub.d/kdump-tools.cfg",
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n");
	put(root, "/etc/default/grub.d/50-cloudimg.cfg", "GRUB_TIMEOUT=0\n");
	struct dp_ck_grub g;
	CHECK_OK(dp_ck_grub_scan(root, &g));
	CHECK(g.have_grub_d && g.nhits == 2);
	CHECK_STR(g.hits[0].file, "/etc/default/grub");
	CHECK(g.hits[0].line == 3 && !g.hits[0].after_ours && !g.hits[0].ours);
	CHECK_STR(g.hits[0].word, "crashkernel=256M");
	CHECK_STR(g.hits[1].file, "/etc/default/grub.d/kdump-tools.cfg");
	CHECK_STR(g.hits[1].word, "crashkernel=384M-:128M");
	CHECK(g.hits[1].after_ours);	// "kdump-tools.cfg" > "dontpanic.cfg"
	CHECK_OK(dp_ck_grub_write(root, "2G-64G:256M,64G-:512M"));
	CHECK_OK(dp_ck_grub_scan(root, &g));
	CHECK(g.nhits == 3 && g.hits[1].ours);
	CHECK_STR(g.hits[1].word, "crashkernel=2G-64G:256M,64G-:512M");
	CHECK(!g.clobber_line);
	put(root, "/etc/default/grub.d/zz-local.cfg",
	    "# GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
	    "export GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} x\"\n"
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n");
	put(root, "/etc/default/grub.d/aa-local.cfg",
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");	// before ours: harmless
	CHECK_OK(dp_ck_grub_scan(root, &g));
	CHECK_STR(g.clobber_file, "/etc/default/grub.d/zz-local.cfg");
	CHECK(g.clobber_line == 3);
	struct dp_error *err = dp_ck_grub_write(root, "256M\"; reboot; \"");
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

TEST_MAIN(T(kernel_model), T(kernel_low), T(strict_ok), T(strict_errors),
	  T(eval_matches_kernel), T(format_size), T(probe_fake_root),
	  T(grub_scan_and_write))
