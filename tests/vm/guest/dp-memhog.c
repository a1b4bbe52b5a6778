/* OOM scenario: allocate and touch memory until the OOM killer panics
 * the kernel (vm.panic_on_oom=1).  Built static for the initramfs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	unsigned long mib = 0;

	for (;;) {
		char *p = malloc(1 << 20);

		if (!p)
			continue;
		memset(p, 0x5a, 1 << 20);
		if (++mib % 64 == 0) {
			printf("dp-memhog: %lu MiB\n", mib);
			fflush(stdout);
		}
	}
}
