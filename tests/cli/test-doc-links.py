#!/usr/bin/env python3
"""README.md and docs/*.md link only to files in the repository (issue 16:
they pointed at ../shared/docs/..., outside it): every markdown link
target and every backquoted path-like word that starts with a top-level
directory of the repository (or ../) must exist."""
import os
import re
import sys

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tops = {d for d in os.listdir(top) if not d.startswith('.')}
docs = [os.path.join(top, 'README.md'), os.path.join(top, 'tests/vm/README.md')]
docs += [os.path.join(top, 'docs', f) for f in sorted(os.listdir(os.path.join(top, 'docs')))
         if f.endswith('.md')]
# Backquoted words that look like repository paths but are not:
NOT_OURS = {'scripts/kallsyms.c',  # the kernel's, cited in dump-reading.md
            'lib/modules'}         # /lib/modules under --root, service.md
bad = []
checked = 0
for doc in docs:
    base = os.path.dirname(doc)
    text = open(doc, encoding='utf-8').read()
    for m in re.finditer(r'\]\(([^)\s#]+)(#[^)]*)?\)', text):
        target = m.group(1)
        if re.match(r'[a-z]+:', target):
            continue  # http:, mailto:
        checked += 1
        path = os.path.normpath(os.path.join(base, target))
        if not path.startswith(top + os.sep) or not os.path.exists(path):
            bad.append(f'{os.path.relpath(doc, top)}: link {target}')
    for m in re.finditer(r'`(\.\./[^`\s]+|[A-Za-z0-9_.-]+/[^`\s]*)`', text):
        word = m.group(1)
        first = word.split('/')[0]
        if word in NOT_OURS or (first != '..' and first not in tops):
            continue  # not a repository path (e.g. /proc/..., lib.so/x)
        if any(c in word for c in '*<>{}$[]'):
            continue  # a pattern, not a file
        checked += 1
        # Paths in backquotes are written from the repository's top.
        path = os.path.normpath(os.path.join(top, word))
        if first == '..' or not os.path.exists(path.rstrip('/')):
            bad.append(f'{os.path.relpath(doc, top)}: path `{word}`')
for b in bad:
    print('FAIL:', b)
if bad:
    sys.exit(1)
print(f'ok: {checked} links and paths in {len(docs)} documents exist in the repository')
