// SPDX-License-Identifier: MIT
// The BTF provider of a program: vmlinux BTF read from kernel memory
// between __start_BTF and __stop_BTF, module split BTF from the kernel's
// btf_modules list (FORMATS.md §6.2), and program.h's type getters.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "debuginfo/debuginfo-priv.h"
#include "debuginfo/types-priv.h"
#include "kernel/program-priv.h"

/* Bounds for the btf_modules walk (a module count, not a byte size). */
#define MAX_MODULE_BTFS 4096
#define MODULE_NAME_MAX 56	/* MODULE_NAME_LEN on 64-bit */

static void debuginfo_destroy(void *arg)
{
	struct dp_debuginfo *di = arg;
	if (!di)
		return;
	dp_types_destroy(di->types);
	free(di->module_warning);
	dp_dwarf_destroy(di->dwarf);
	free(di->vmlinux_warning);
	free(di);
}

struct dp_debuginfo *dp_debuginfo_get(struct dp_program *prog)
{
	if (!prog->btf) {
		prog->btf = calloc(1, sizeof(struct dp_debuginfo));
		prog->btf_destroy = debuginfo_destroy;
	}
	return prog->btf;
}

// Read [start, start + size) of kernel memory into a new buffer.
static struct dp_error *read_blob(struct dp_program *prog, uint64_t start,
				  uint64_t size, void **ret)
{
	void *buf;
	if (size == 0 || size > DP_BTF_MAX_SIZE)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "BTF size 0x%llx at 0x%llx is out of range (limit 0x%x)",
				       (unsigned long long)size,
				       (unsigned long long)start,
				       DP_BTF_MAX_SIZE);
	buf = malloc(size);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = dp_program_read(prog, start, buf, size);
	if (err) {
		free(buf);
		return dp_error_prefix(err, "reading BTF at 0x%llx",
				       (unsigned long long)start);
	}
	*ret = buf;
	return NULL;
}

static struct dp_error *load_vmlinux_btf(struct dp_program *prog,
					 struct dp_types **ret)
{
	uint64_t start, stop;
	void *buf;
	// __start_BTF/__stop_BTF are kallsyms symbols (KALLSYMS_ALL); this
	// kernel's VMCOREINFO does not list them.
	struct dp_error *err = dp_program_symbol_address(prog, "__start_BTF",
							 &start);
	if (!err)
		err = dp_program_symbol_address(prog, "__stop_BTF", &stop);
	if (err && !prog->xlat_err) {
		// No symbols for it (or no kallsyms): scan the image for the
		// BTF header (lib/kernel/findkernel.c).
		uint64_t size;
		struct dp_error *scan = dp_program_scan_btf(prog, &start, &size);
		if (!scan) {
			dp_error_destroy(err);
			err = NULL;
			stop = start + size;
		} else {
			struct dp_error *both = dp_error_create(err->code,
				"%s; %s", err->message, scan->message);
			dp_error_destroy(scan);
			dp_error_destroy(err);
			err = both;
		}
	}
	if (err)
		return dp_error_prefix(err, "cannot locate the kernel's BTF");
	if (stop <= start)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "kernel BTF: __stop_BTF 0x%llx is not above __start_BTF 0x%llx",
				       (unsigned long long)stop,
				       (unsigned long long)start);
	err = read_blob(prog, start, stop - start, &buf);
	if (err)
		return dp_error_prefix(err, "kernel BTF");
	char origin[80];
	snprintf(origin, sizeof(origin), "kernel BTF at 0x%llx",
		 (unsigned long long)start);
	err = dp_types_create(buf, stop - start, origin, ret);
	free(buf);
	return err;
}

/* Offsets for walking btf_modules, all taken from the vmlinux BTF. */
struct modwalk {
	uint64_t list, btf;			/* struct btf_module */
	uint64_t data, data_size, name;		/* struct btf */
	uint64_t name_size;
};

static struct dp_error *member_byte(struct dp_types *types, const char *type,
				    const char *member, uint64_t *ret)
{
	struct dp_type t;
	struct dp_member m;
	struct dp_error *err = dp_types_find(types, type, &t);
	if (!err)
		err = dp_type_find_member(t, member, &m);
	if (!err)
		*ret = m.bit_offset / 8;
	return err;
}

static struct dp_error *modwalk_init(struct dp_types *types,
				     struct modwalk *w)
{
	struct dp_type t;
	struct dp_member m;
	struct dp_error *err;
	if ((err = member_byte(types, "struct btf_module", "list", &w->list)) ||
	    (err = member_byte(types, "struct btf_module", "btf", &w->btf)) ||
	    (err = member_byte(types, "struct btf", "data", &w->data)) ||
	    (err = member_byte(types, "struct btf", "data_size",
			       &w->data_size)) ||
	    (err = dp_types_find(types, "struct btf", &t)) ||
	    (err = dp_type_find_member(t, "name", &m)))
		return err;
	w->name = m.bit_offset / 8;
	w->name_size = dp_type_array_length(m.type);
	if (w->name_size == 0 || w->name_size > MODULE_NAME_MAX)
		w->name_size = MODULE_NAME_MAX;
	return NULL;
}

// Load one module's BTF from its struct btf at addr.
static struct dp_error *load_one_module(struct dp_program *prog,
					struct dp_types *types,
					const struct modwalk *w, uint64_t addr)
{
	char name[MODULE_NAME_MAX + 1] = "";
	uint64_t data;
	uint32_t size;
	void *buf;
	struct dp_error *err = dp_program_read_u64(prog, addr + w->data, &data);
	if (!err)
		err = dp_program_read(prog, addr + w->data_size, &size,
				      sizeof(size));
	if (!err)
		err = dp_program_read(prog, addr + w->name, name, w->name_size);
	if (err)
		return dp_error_prefix(err, "struct btf at 0x%llx",
				       (unsigned long long)addr);
	name[w->name_size] = '\0';
	err = read_blob(prog, data, size, &buf);
	if (err)
		return dp_error_prefix(err, "module %s", name);
	err = dp_types_add_module(types, name, buf, size);
	free(buf);
	return err;
}

static void add_warning(char **warning, struct dp_error *err)
{
	char *s;
	if (!*warning && asprintf(&s, "module BTF: %s", err->message) >= 0)
		*warning = s;
	dp_error_destroy(err);
}

// Walk the kernel's btf_modules list (kernel/bpf/btf.c); in 6.1
// module->btf_data is freed after init, so struct btf is the only copy.
static void load_module_btfs(struct dp_program *prog, struct dp_debuginfo *di)
{
	struct modwalk w;
	uint64_t head, pos;
	struct dp_error *err = modwalk_init(di->types, &w);
	if (!err)
		err = dp_program_symbol_address(prog, "btf_modules", &head);
	if (!err)
		err = dp_program_read_u64(prog, head, &pos);
	for (size_t n = 0; !err && pos != head; n++) {
		uint64_t btf, next;
		if (n == MAX_MODULE_BTFS) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "btf_modules list longer than %d entries (cycle?)",
					      MAX_MODULE_BTFS);
			break;
		}
		err = dp_program_read_u64(prog, pos - w.list + w.btf, &btf);
		if (!err)
			err = dp_program_read_u64(prog, pos, &next);
		if (err)
			break;
		struct dp_error *merr = load_one_module(prog, di->types, &w,
							btf);
		if (merr)
			add_warning(&di->module_warning, merr);
		else
			di->module_btfs++;
		pos = next;
	}
	if (err)
		add_warning(&di->module_warning, err);
}

struct dp_error *dp_program_types(struct dp_program *prog,
				  struct dp_types **ret)
{
	struct dp_debuginfo *di = dp_debuginfo_get(prog);
	if (!di)
		return &dp_enomem;
	if (!prog->btf_tried) {
		prog->btf_tried = true;
		if (prog->no_btf)
			prog->btf_err = dp_error_create(DP_ERR_NOT_FOUND,
							"BTF disabled (--no-btf)");
		else
			prog->btf_err = load_vmlinux_btf(prog, &di->types);
		if (!prog->btf_err)
			load_module_btfs(prog, di);
	}
	if (prog->btf_err)
		return dp_program_provider_error(prog->btf_err,
						 "types are not available");
	*ret = di->types;
	return NULL;
}

struct dp_error *dp_program_type_size(struct dp_program *prog,
				      const char *type, uint64_t *ret)
{
	struct dp_types *types;
	struct dp_type t;
	struct dp_error *err = dp_program_types(prog, &types);
	if (!err)
		err = dp_types_find(types, type, &t);
	if (!err)
		err = dp_type_size(t, ret);
	return err;
}

struct dp_error *dp_program_member_offset(struct dp_program *prog,
					  const char *type,
					  const char *member, uint64_t *ret)
{
	struct dp_types *types;
	struct dp_type t;
	struct dp_member m;
	struct dp_error *err = dp_program_types(prog, &types);
	if (!err)
		err = dp_types_find(types, type, &t);
	if (!err)
		err = dp_type_find_member(t, member, &m);
	if (err)
		return err;
	if (m.bit_size || m.bit_offset % 8)
		return dp_error_create(DP_ERR_INVALID,
				       "%s.%s is a bitfield (bit offset %llu); it has no byte offset",
				       type, member,
				       (unsigned long long)m.bit_offset);
	*ret = m.bit_offset / 8;
	return NULL;
}

const char *dp_program_module_btf_warning(struct dp_program *prog,
					  size_t *loaded)
{
	struct dp_debuginfo *di = dp_debuginfo_get(prog);
	if (loaded)
		*loaded = di ? di->module_btfs : 0;
	return di ? di->module_warning : NULL;
}
