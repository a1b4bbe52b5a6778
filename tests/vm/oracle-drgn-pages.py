# drgn script (run by test-pageclass.py on a full ELF dump): the page
# frames the analysis reads, one "need PFN WHAT" line each, and the
# kernel's own count of free (buddy) pages, "free N".
#   drgn -q -c DUMP -s VMLINUX oracle-drgn-pages.py
# Tasks: task_struct, kernel stack, signal_struct, mm_struct; modules:
# struct module, every mem[] region, the kallsyms tables; slab caches:
# kmem_cache, kmem_cache_node, every slab on a node's partial list and
# every CPU's slab and partial chain; each mm's pgd and the kernel page
# tables the walks below read.  Vmalloc addresses are translated by a
# walk of init_mm's page tables (drgn 0.0.22 has no helper for it).
import struct as st

from drgn import cast, sizeof
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.mm import page_to_pfn
from drgn.helpers.linux.percpu import per_cpu_ptr
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.slab import for_each_slab_cache

PAGE = 4096
DIRECT = int(prog["page_offset_base"])
START_KERNEL_MAP = 0xFFFFFFFF80000000
PHYS_BASE = prog.read_u64(prog.symbol("phys_base").address)
seen = set()
walked = set()


def phys(va):
    """Physical address of a kernel virtual address (4-level paging)."""
    if START_KERNEL_MAP <= va < START_KERNEL_MAP + (1 << 30):  # the image
        return (va - START_KERNEL_MAP + PHYS_BASE) & (2**64 - 1)  # wraps
    if DIRECT <= va < DIRECT + (1 << 46):
        return va - DIRECT
    table = phys(int(prog["init_mm"].pgd))
    for shift in (39, 30, 21, 12):
        walked.add(table >> 12)  # a page-table page the walk reads
        e = st.unpack("<Q", prog.read(table + ((va >> shift) & 511) * 8, 8,
                                      True))[0]
        if not e & 1:
            return None
        base = e & 0x000FFFFFFFFFF000
        if shift == 12 or (shift in (30, 21) and e & 0x80):
            return (base & ~((1 << shift) - 1)) + (va & ((1 << shift) - 1))
        table = base
    return None


def need(va, size, what):
    for p in range(va & ~(PAGE - 1), va + max(size, 1), PAGE):
        pa = phys(p)
        if pa is not None and (pa >> 12, what) not in seen:
            seen.add((pa >> 12, what))
            print(f"need {pa >> 12:x} {what}")


def need_pfns(pfn, n, what):
    for k in range(n):
        print(f"need {pfn + k:x} {what}")


ntasks = 0
# THREAD_SIZE: a vmapped stack's page count, else x86_64's 16 KiB
# (arch/x86/include/asm/page_64_types.h, no KASAN in Debian's kernels).
def stack_size(t):
    try:
        if t.stack_vm_area:
            return int(t.stack_vm_area.nr_pages) * PAGE
    except AttributeError:
        pass
    return 16384


for t in for_each_task(prog):
    ntasks += 1
    name = f"task {int(t.pid)} {t.comm.string_().decode()}"
    need(int(t), sizeof(t[0]), name)
    need(int(t.stack), stack_size(t), name + " stack")
    need(int(t.signal), sizeof(t.signal[0]), name + " signal")
    if t.mm:
        need(int(t.mm), sizeof(t.mm[0]), name + " mm")
        # its top page table (two pages with PTI)
        need(int(t.mm.pgd), 2 * PAGE, name + " pgd")

nmods = 0
for mod in list_for_each_entry("struct module", prog["modules"].address_of_(),
                               "list"):
    nmods += 1
    name = f"module {mod.name.string_().decode()}"
    need(int(mod), sizeof(mod[0]), name)
    try:  # 6.4+: mem[MOD_MEM_NUM_TYPES]; before: core/init layouts
        regions = [(mod.mem[i].base, mod.mem[i].size, f"mem{i}")
                   for i in range(len(mod.mem))]
    except AttributeError:
        regions = [(mod.core_layout.base, mod.core_layout.size, "core"),
                   (mod.init_layout.base, mod.init_layout.size, "init")]
    for base, size, what in regions:
        if base:
            need(int(base), int(size), f"{name} {what}")
    ks = mod.kallsyms
    need(int(ks), sizeof(ks[0]), name + " kallsyms")
    need(int(ks.symtab), int(ks.num_symtab) * 24, name + " symtab")

ncaches = nslabs = 0
nodes = int(prog["nr_node_ids"])


def need_slab(slab, cache, name):
    global nslabs
    nslabs += 1
    order = int(cache.oo.x) >> 16  # OO_SHIFT (mm/slub.c)
    need_pfns(int(page_to_pfn(cast("struct page *", slab))), 1 << order,
              name + " slab")


for cache in for_each_slab_cache(prog):
    ncaches += 1
    name = f"cache {cache.name.string_().decode()}"
    need(int(cache), sizeof(cache[0]), name)
    for n in range(nodes):
        node = cache.node[n]
        if not node:
            continue
        need(int(node), sizeof(node[0]), name + " node")
        for slab in list_for_each_entry("struct slab", node.partial.address_of_(),
                                        "slab_list"):
            need_slab(slab, cache, name)
    for cpu in for_each_possible_cpu(prog):
        c = per_cpu_ptr(cache.cpu_slab, cpu)
        if c.slab:
            need_slab(c.slab, cache, name)
        s, k = c.partial, 0
        while s and k < 1000:
            need_slab(s, cache, name)
            s, k = s.next, k + 1

for pfn in sorted(walked):
    print(f"need {pfn:x} kernel page table")

free = 0
for n in range(nodes):
    for z in prog["node_data"][n].node_zones:
        for o in range(len(z.free_area)):
            free += int(z.free_area[o].nr_free) << o
print(f"walked {ntasks} tasks {nmods} modules {ncaches} caches {nslabs} slabs")
print(f"free {free}")
