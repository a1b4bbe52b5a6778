// SPDX-License-Identifier: MIT
// The kernel model's pure helpers: panic line, taint letters, task states.
#include <stdlib.h>

#include <dontpanic/kernel.h>

#include "test.h"

static char *msg(const char *log, bool *oops)
{
	return dp_panic_message_from_log(log, strlen(log), oops);
}

TEST(panic_line)
{
	bool oops;
	char *m = msg("a\nKernel panic - not syncing: sysrq triggered crash\n"
		      "CPU: 1 PID: 130\n---[ end Kernel panic - not syncing: "
		      "sysrq triggered crash ]---\n", &oops);
	/* The line itself, not the "---[ end" trailer that repeats it. */
	CHECK_STR(m, "Kernel panic - not syncing: sysrq triggered crash");
	CHECK(!oops);
	free(m);
	m = msg("BUG: kernel NULL pointer dereference, address: 0\n#PF: x\n"
		"Oops: 0002 [#1] PREEMPT SMP NOPTI\nCPU: 1\n", &oops);
	CHECK_STR(m, "Oops: 0002 [#1] PREEMPT SMP NOPTI");
	CHECK(oops);
	free(m);
	m = msg("kernel BUG at /x/dpcrash.c:57!\ninvalid opcode: 0000 [#1]\n",
		&oops);
	CHECK_STR(m, "kernel BUG at /x/dpcrash.c:57!");
	CHECK(!oops);
	free(m);
	/* A panic after an oops wins over the oops. */
	m = msg("Oops: 0000 [#1]\nKernel panic - not syncing: Fatal exception",
		&oops);
	CHECK_STR(m, "Kernel panic - not syncing: Fatal exception");
	free(m);
	CHECK(msg("nothing here\n", &oops) == NULL);
	CHECK(msg("", &oops) == NULL);
}

TEST(taint_letters)
{
	char buf[32];
	dp_taint_string(0x3000, buf, sizeof(buf));	/* OE: a test module */
	CHECK_STR(buf, "OE");
	dp_taint_string(0x201, buf, sizeof(buf));	/* P and W */
	CHECK_STR(buf, "PW");
	dp_taint_string(0, buf, sizeof(buf));
	CHECK_STR(buf, "");
	dp_taint_string(1ULL << 40, buf, sizeof(buf));	/* unknown bit */
	CHECK_STR(buf, "?");
	dp_taint_string(~0ULL, buf, 4);			/* truncated */
	CHECK_STR(buf, "PFS");
}

TEST(task_states)
{
	struct dp_task t = { 0 };
	CHECK_STR(dp_task_state_short(&t), "RU");
	CHECK_STR(dp_task_state_name(&t), "TASK_RUNNING");
	t.state = 1;
	CHECK_STR(dp_task_state_short(&t), "IN");
	t.state = 2;
	CHECK_STR(dp_task_state_short(&t), "UN");
	t.state = 0x402;	/* TASK_IDLE */
	CHECK_STR(dp_task_state_short(&t), "ID");
	t.state = 0x2001;	/* TASK_FREEZABLE | INTERRUPTIBLE (6.1) */
	CHECK_STR(dp_task_state_short(&t), "IN");
	t.state = 0x80;
	t.exit_state = 0x20;	/* zombie */
	CHECK_STR(dp_task_state_short(&t), "ZO");
	t.state = 0x40;
	t.exit_state = 0;
	CHECK_STR(dp_task_state_name(&t), "TASK_PARKED");
}

TEST_MAIN(T(panic_line), T(taint_letters), T(task_states))
