// SPDX-License-Identifier: MIT
// System facts for `sys`: utsname, uptime, load average, memory, taint.
#include <stdlib.h>
#include <string.h>

#include "kernel-internal.h"

static void read_uts(struct dp_kernel *k, struct dp_sysinfo *si)
{
	struct dp_dump *dump = dp_program_dump(k->prog);
	int64_t v;
	uint64_t uts, name = 0;
	// kallsyms first: they are cross-checked against every VMCOREINFO
	// SYMBOL(), so a damaged SYMBOL(init_uts_ns) line is outvoted there;
	// VMCOREINFO's (kernel/crash_core.c) serves when kallsyms do not.
	struct dp_error *err = dp_program_symbol_address(k->prog, "init_uts_ns",
							 &uts);
	if (err) {
		dp_error_destroy(err);
		err = dp_dump_vmcoreinfo_number(dump, "SYMBOL(init_uts_ns)", &v);
		if (err) {
			dp_error_destroy(err);
			return;
		}
		uts = (uint64_t)v;
	}
	err = dp_dump_vmcoreinfo_number(dump, "OFFSET(uts_namespace.name)", &v);
	if (!err)
		name = (uint64_t)v;
	else if (dp_error_destroy(err),
		 (name = dp_kernel_member_opt(k, "uts_namespace", "name")) ==
		 UINT64_MAX)
		return;
	// struct new_utsname: six char[65] fields (include/uapi/linux/utsname.h).
	char *fields[] = { si->sysname, si->nodename, si->release,
			   si->version, si->machine };
	for (size_t i = 0; i < 5; i++) {
		err = dp_program_read_string(k->prog, uts + name + 65 * i,
					     fields[i], 65);
		if (err) {
			dp_error_destroy(err);
			fields[i][0] = '\0';
		}
	}
}

// HZ from tick_nsec (≈ NSEC_PER_SEC / HZ, kernel/time/ntp.c).
static uint64_t read_hz(struct dp_kernel *k)
{
	uint64_t tick;
	struct dp_error *err = dp_kernel_read_sym_u64(k, "tick_nsec", &tick);
	if (err || tick < 100000 || tick > 100000000) {
		dp_error_destroy(err);
		return 0;
	}
	return (1000000000 + tick / 2) / tick;
}

static void read_uptime(struct dp_kernel *k, struct dp_sysinfo *si)
{
	uint64_t hz = read_hz(k), j;
	if (!hz)
		return;
	struct dp_error *err = dp_kernel_read_sym_u64(k, "jiffies_64", &j);
	if (err) {
		dp_error_destroy(err);
		if ((err = dp_kernel_read_sym_u64(k, "jiffies", &j))) {
			dp_error_destroy(err);
			return;
		}
	}
	// INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300 * HZ)
	// (include/linux/jiffies.h): jiffies wrap 5 minutes after boot.
	uint64_t initial = (uint64_t)(uint32_t)(-(int64_t)(300 * hz));
	si->uptime_sec = (j - initial) / hz;
	si->have_uptime = true;
}

// Physical memory: the sum of node_present_pages over node_data[]
// (SYMBOL/LENGTH(node_data) in VMCOREINFO), else node_spanned_pages.
static void read_memory(struct dp_kernel *k, struct dp_sysinfo *si)
{
	struct dp_dump *dump = dp_program_dump(k->prog);
	int64_t nd, len, spanned;
	uint64_t present = dp_kernel_member_opt(k, "pglist_data",
						"node_present_pages");
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump,
		"SYMBOL(node_data)", &nd);
	if (!err)
		err = dp_dump_vmcoreinfo_number(dump, "LENGTH(node_data)", &len);
	if (!err)
		err = dp_dump_vmcoreinfo_number(dump,
			"OFFSET(pglist_data.node_spanned_pages)", &spanned);
	if (err || len <= 0 || len > 65536) {
		dp_error_destroy(err);
		return;
	}
	uint64_t off = present != UINT64_MAX ? present : (uint64_t)spanned;
	for (int64_t i = 0; i < len; i++) {
		uint64_t pgdat, pages;
		err = dp_program_read_u64(k->prog, (uint64_t)nd + 8 * i, &pgdat);
		if (!err && pgdat)
			err = dp_program_read_u64(k->prog, pgdat + off, &pages);
		if (err) {
			dp_error_destroy(err);
			return;
		}
		if (pgdat)
			si->memory_pages += pages;
	}
}

static void read_mhz(struct dp_kernel *k, struct dp_sysinfo *si)
{
	static const char *const vars[] = { "cpu_khz", "tsc_khz" };
	for (size_t i = 0; i < 2 && !si->cpu_khz; i++) {
		uint64_t addr;
		uint32_t v;
		struct dp_error *err = dp_program_symbol_address(k->prog,
								 vars[i],
								 &addr);
		if (!err)
			err = dp_kernel_read_u32(k, addr, &v);
		if (!err)
			si->cpu_khz = v;
		dp_error_destroy(err);
	}
}

// Wall-clock seconds: shadow_timekeeper is a named struct timekeeper that
// timekeeping_advance() keeps equal to tk_core.timekeeper after every
// update (kernel/time/timekeeping.c); tk_core itself has no named type.
static void read_xtime(struct dp_kernel *k, struct dp_sysinfo *si)
{
	uint64_t off = dp_kernel_member_opt(k, "timekeeper", "xtime_sec");
	uint64_t addr, v;
	if (off == UINT64_MAX)
		return;
	struct dp_error *err = dp_program_symbol_address(k->prog,
		"shadow_timekeeper", &addr);
	if (!err)
		err = dp_program_read_u64(k->prog, addr + off, &v);
	if (!err)
		si->xtime_sec = (int64_t)v;
	dp_error_destroy(err);
}

// CPUs set in __cpu_online_mask (a bitmap of unsigned longs).
static void read_online(struct dp_kernel *k, struct dp_sysinfo *si)
{
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(k->prog,
		"__cpu_online_mask", &addr);
	for (unsigned int w = 0; !err && w * 64 < si->nr_cpus; w++) {
		uint64_t bits;
		err = dp_program_read_u64(k->prog, addr + 8 * w, &bits);
		for (unsigned int b = 0; !err && b < 64 &&
		     w * 64 + b < si->nr_cpus; b++)
			si->online_cpus += (bits >> b) & 1;
	}
	if (err) {
		dp_error_destroy(err);
		si->online_cpus = si->nr_cpus;
	}
}

struct dp_error *dp_kernel_sysinfo(struct dp_kernel *k, struct dp_sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	read_uts(k, si);
	read_uptime(k, si);
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(k->prog, "avenrun",
							 &addr);
	if (!err) {
		for (int i = 0; i < 3 && !err; i++)
			err = dp_program_read_u64(k->prog, addr + 8 * i,
						  &si->avenrun[i]);
		si->have_load = !err;
	}
	dp_error_destroy(err);
	// _totalram_pages since 5.0 (atomic_long_t), totalram_pages before.
	err = dp_kernel_read_sym_u64(k, "_totalram_pages", &si->totalram_pages);
	if (err) {
		dp_error_destroy(err);
		err = dp_kernel_read_sym_u64(k, "totalram_pages",
					     &si->totalram_pages);
	}
	dp_error_destroy(err);
	err = dp_kernel_read_sym_u64(k, "tainted_mask", &si->tainted_mask);
	dp_error_destroy(err);
	err = dp_kernel_nr_cpus(k, &si->nr_cpus);
	dp_error_destroy(err);
	read_memory(k, si);
	read_mhz(k, si);
	read_xtime(k, si);
	read_online(k, si);
	return NULL;
}
