// SPDX-License-Identifier: MIT
// dontpanic report: the triage report (class, culprit task, guilty frame
// and module, bucket id) as text for humans or --json (docs/report-schema.json).
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/triage.h>

#include "cli.h"
#include "report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dontpanic report [--json] [--vmlinux PATH] DUMP...\n"
		"       dontpanic report [--json] --log DMESG.TXT\n\n"
		"Classify the crash, name the culprit task, the guilty frame "
		"and module,\nand print a stable bucket id. DUMP needs no "
		"debuginfo. --log works on a\nkernel log alone "
		"(makedumpfile --dump-dmesg, vmcore-dmesg.txt, dmesg,\n"
		"console logs). Every kernel report in the log (Oops, BUG, "
		"WARNING, KASAN,\nlockdep, hung task, RCU stall, ...) is "
		"listed and titled \"KIND in FUNCTION\";\nthe first one is "
		"analysed, panic or not. The head names the kernel\nrelease "
		"and build, host, machine and crash time; the log shows the\n"
		"whole last kernel report.\n\n"
		"  --json          JSON output (schema: docs/report-schema.json)\n"
		"  --log FILE      analyse a kernel log text file instead of a dump\n"
		"  --vmlinux PATH  accepted for crash-style command lines; not needed\n"
		"  -h, --help      this help\n\n"
		"Exit status: 0 report made, 1 failed, 2 usage, "
		"3 dump unreadable.\n");
}

static int report_from_log(const char *path, struct report_out *out)
{
	struct dp_triage_log *log;
	struct dp_error *err = report_read_log(path, &log);
	if (err) {
		dp_cli_error("report", err);
		return DP_EXIT_BAD_DUMP;
	}
	struct dp_triage_input in = { .log = log->recs, .nlog = log->nrecs,
				      .tasks_error = "only a kernel log was "
						     "given (--log)" };
	struct dp_triage_report *rep;
	err = dp_triage_analyze(&in, &rep);
	if (err) {
		dp_triage_log_destroy(log);
		dp_cli_error("report", err);
		return DP_EXIT_FAILURE;
	}
	struct report_head head;
	report_head_from_log(&head, log->recs, log->nrecs);
	out->head = &head;
	out->rep = rep;
	out->in = &in;
	out->log_path = path;
	report_print(out);
	dp_triage_report_destroy(rep);
	dp_triage_log_destroy(log);
	return DP_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "log", required_argument, NULL, 'l' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report_out out = { .f = stdout };
	const char *log_path = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "jl:v:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			out.json = true;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'v':
			out.vmlinux = optarg;
			break;
		case 'h':
			usage(stdout);
			return DP_EXIT_OK;
		default:
			usage(stderr);
			return DP_EXIT_USAGE;
		}
	}
	if (log_path) {
		if (optind != argc) {
			usage(stderr);
			return DP_EXIT_USAGE;
		}
		return report_from_log(log_path, &out);
	}
	if (optind >= argc) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	return report_from_dump((const char *const *)argv + optind,
				(size_t)(argc - optind), &out);
}
