// SPDX-License-Identifier: MIT
// Bucket id: a readable "CLASS:module!function" plus an 8-hex-digit
// FNV-1a hash of it. Built only from facts that do not depend on the dump
// format, KASLR or timing (class, normalised function, module name), so
// the same crash buckets the same everywhere. See docs/triage.md.
#include <stdio.h>
#include <string.h>

#include "internal.h"

uint32_t dp_triage_fnv1a(const char *s)
{
	uint32_t h = 0x811c9dc5u;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x01000193u;
	}
	return h;
}

void triage_make_bucket(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	const char *cls = dp_triage_class_name(r->cls);
	if (r->guilty_function)
		r->bucket = triage_printf(c, "%s:%s!%s", cls,
					  r->guilty_module ?
					  r->guilty_module : "vmlinux",
					  r->guilty_function);
	else if (r->cls == DP_CLASS_OOM && r->nmemusers)
		// The cause of an OOM is a process, not code: bucket by the
		// biggest memory user's name.
		r->bucket = triage_printf(c, "%s:task!%s", cls,
					  r->memusers[0].task.comm);
	else if (r->cls == DP_CLASS_MCE && r->detail)
		r->bucket = triage_printf(c, "%s:hardware", cls);
	else
		r->bucket = triage_strdup(c, cls);
	if (r->bucket)
		snprintf(r->bucket_hash, sizeof(r->bucket_hash), "%08x",
			 dp_triage_fnv1a(r->bucket));
}
