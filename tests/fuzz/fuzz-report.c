// SPDX-License-Identifier: MIT
// Fuzz the kernel-log triage (docs/triage.md): any text goes through
// dp_triage_log_parse() and dp_triage_analyze() -- line and prefix
// parsing, report headers, the per-kind stack rules, titles and buckets.
// Besides "no crash": every report found has a title and a known class,
// the subject indexes the list, and the bucket hash is the FNV-1a of the
// bucket id.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/triage.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_triage_log *log;
	if (dp_triage_log_parse((const char *)data, size, &log))
		return 0;
	struct dp_triage_input in = { .log = log->recs, .nlog = log->nrecs };
	struct dp_triage_report *r;
	if (dp_triage_analyze(&in, &r)) {
		dp_triage_log_destroy(log);
		return 0;
	}
	for (size_t i = 0; i < r->nreports; i++)
		if (!r->reports[i].title || r->reports[i].cls >= DP_CLASS_COUNT ||
		    r->reports[i].rec >= log->nrecs)
			abort();
	if (r->have_subject && r->subject >= r->nreports)
		abort();
	char hash[9];
	if (!r->bucket)
		abort();
	snprintf(hash, sizeof(hash), "%08x", dp_triage_fnv1a(r->bucket));
	if (strcmp(hash, r->bucket_hash))
		abort();
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
	return 0;
}
