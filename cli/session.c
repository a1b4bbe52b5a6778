// SPDX-License-Identifier: MIT
// Opening a dump for the kernel commands, and shared printing helpers.
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/parse.h"
#include "session.h"

#include <dontpanic/types.h>

int dp_session_open(const char *cmd, char *const *paths, size_t n,
		    const char *vmlinux, struct dp_session *s)
{
	memset(s, 0, sizeof(*s));
	if (n == 0) {
		dp_cli_errorf(cmd, "no dump file given");
		return DP_EXIT_USAGE;
	}
	s->dump = dp_cli_open_dump(cmd, (const char *const *)paths, n);
	if (!s->dump)
		return DP_EXIT_BAD_DUMP;
	struct dp_program_opts opts = { .vmlinux = vmlinux };
	struct dp_error *err = dp_program_create(s->dump, &opts, &s->prog);
	if (!err)
		err = dp_kernel_create(s->prog, &s->k);
	if (err) {
		dp_cli_error(cmd, err);
		dp_session_close(s);
		return DP_EXIT_BAD_DUMP;
	}
	// A vmlinux that does not match is not used (ORC does the unwinding).
	const char *warn = vmlinux ? dp_program_vmlinux_warning(s->prog) : NULL;
	if (warn)
		fprintf(stderr, "dontpanic %s: WARNING: %s\n", cmd, warn);
	// Every command of a session needs kallsyms: load them now, so a
	// damaged VMCOREINFO line they outvoted is said before the output.
	uint64_t stext;
	dp_error_destroy(dp_program_symbol_address(s->prog, "_stext", &stext));
	if ((warn = dp_program_kallsyms_warning(s->prog)))
		fprintf(stderr, "dontpanic %s: WARNING: %s\n", cmd, warn);
	return DP_EXIT_OK;
}

void dp_session_close(struct dp_session *s)
{
	dp_kernel_destroy(s->k);
	dp_program_destroy(s->prog);
	dp_dump_destroy(s->dump);
	memset(s, 0, sizeof(*s));
}

void dp_session_task_warning(const char *cmd, struct dp_session *s)
{
	const char *w = dp_kernel_tasks_warning(s->k);
	if (w)
		fprintf(stderr, "dontpanic %s: warning: the task list is "
			"incomplete: %s\n", cmd, w);
}

bool dp_session_symbolize(struct dp_session *s, uint64_t addr,
			  struct dp_cli_sym *ret)
{
	struct dp_symbol sym;
	const struct dp_module *m = dp_kernel_module_by_addr(s->k, addr);
	struct dp_error *err = dp_program_symbolize(s->prog, addr, &sym,
						    &ret->offset);
	memset(ret->module, 0, sizeof(ret->module));
	if (!err && (sym.module || !m)) {
		snprintf(ret->name, sizeof(ret->name), "%s", sym.name);
		if (sym.module)
			snprintf(ret->module, sizeof(ret->module), "%s",
				 sym.module);
		return true;
	}
	dp_error_destroy(err);
	if (!m)
		return false;
	err = dp_kernel_module_symbolize(s->k, addr, ret->name,
					 sizeof(ret->name), &ret->offset, &m);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	snprintf(ret->module, sizeof(ret->module), "%s", m->name);
	return true;
}

bool dp_session_symbolize_frame(struct dp_session *s,
				const struct dp_frame *f, struct dp_cli_sym *ret)
{
	// A return address can lie just past its function when the call
	// was the last instruction (a noreturn callee such as panic()):
	// name the caller, as the kernel's %pB and drgn do, and keep the
	// offset of the address itself ("dpcrash_panic+0x18/0x18").
	if (f->exact || !f->ip)
		return dp_session_symbolize(s, f->ip, ret);
	if (!dp_session_symbolize(s, f->ip - 1, ret))
		return false;
	ret->offset++;
	return true;
}

void dp_print_symbol(FILE *f, struct dp_session *s, uint64_t addr,
		     bool with_offset, bool with_module)
{
	struct dp_cli_sym sym;
	if (!dp_session_symbolize(s, addr, &sym)) {
		fprintf(f, "%016" PRIx64, addr);
		return;
	}
	fputs(sym.name, f);
	if (with_offset && sym.offset)
		fprintf(f, "+%" PRIu64, sym.offset);
	if (with_module && sym.module[0])
		fprintf(f, " [%s]", sym.module);
}

void dp_print_regs(FILE *f, const struct dp_regs_x86_64 *r, const char *in)
{
	fprintf(f, "%sRIP: %016" PRIx64 "  RSP: %016" PRIx64
		"  RFLAGS: %08" PRIx64 "\n", in, r->rip, r->rsp, r->eflags);
	fprintf(f, "%sRAX: %016" PRIx64 "  RBX: %016" PRIx64
		"  RCX: %016" PRIx64 "\n", in, r->rax, r->rbx, r->rcx);
	fprintf(f, "%sRDX: %016" PRIx64 "  RSI: %016" PRIx64
		"  RDI: %016" PRIx64 "\n", in, r->rdx, r->rsi, r->rdi);
	fprintf(f, "%sRBP: %016" PRIx64 "   R8: %016" PRIx64
		"   R9: %016" PRIx64 "\n", in, r->rbp, r->r8, r->r9);
	fprintf(f, "%sR10: %016" PRIx64 "  R11: %016" PRIx64
		"  R12: %016" PRIx64 "\n", in, r->r10, r->r11, r->r12);
	fprintf(f, "%sR13: %016" PRIx64 "  R14: %016" PRIx64
		"  R15: %016" PRIx64 "\n", in, r->r13, r->r14, r->r15);
	fprintf(f, "%sORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64
		"  SS: %04" PRIx64 "\n", in, r->orig_rax, r->cs, r->ss);
}

bool dp_parse_number(const char *s, uint64_t *ret)
{
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	else if (strlen(s) >= 9 && strspn(s, "0123456789abcdefABCDEF") ==
		 strlen(s) && strspn(s, "0123456789") != strlen(s))
		base = 16;	/* a task address as crash prints it */
	return dp_parse_u64(s, base, ret);
}

int dp_kcmd_parse(int argc, char **argv, char flag, const char *usage,
		  struct dp_kcmd_opts *ret)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char shortopts[] = { flag ? flag : 'h', 'h', '\0' };
	int c;
	*ret = (struct dp_kcmd_opts){ 0 };
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (c == 'j') {
			ret->json = true;
		} else if (c == 'V') {
			ret->vmlinux = optarg;
		} else if (flag && c == flag && c != 'h') {
			ret->flag = true;
		} else {
			return dp_cli_usage(c, usage);
		}
	}
	ret->first_path = optind;
	return -1;
}

int dp_kcmd_open(int argc, char **argv, char flag, const char *usage,
		 struct dp_kcmd_opts *o, struct dp_session *s)
{
	memset(s, 0, sizeof(*s));
	int rc = dp_kcmd_parse(argc, argv, flag, usage, o);
	if (rc >= 0)
		return rc;
	rc = dp_session_open(argv[0], argv + o->first_path,
			     (size_t)(argc - o->first_path), o->vmlinux, s);
	return rc ? rc : -1;
}
