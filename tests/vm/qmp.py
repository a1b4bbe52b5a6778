#!/usr/bin/python3
"""Send QMP commands to a QEMU monitor socket, one reply per output line.

usage: qmp.py SOCKET COMMAND [JSON-ARGUMENTS] [COMMAND [JSON-ARGUMENTS]]...
Exits 1 if any command returns an error.
"""
import json
import socket
import sys
import time


def parse(argv):
    cmds = []
    while argv:
        name, args = argv.pop(0), {}
        if argv and argv[0].startswith('{'):
            args = json.loads(argv.pop(0))
        cmds.append((name, args))
    return cmds


def connect(path):
    for _ in range(100):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s.makefile('rwb', buffering=0)
        except OSError:
            s.close()
            time.sleep(0.1)
    raise SystemExit(f'qmp.py: cannot connect to {path}')


def reply(f):
    """Next reply, skipping asynchronous events."""
    while True:
        line = f.readline()
        if not line:
            raise SystemExit('qmp.py: QEMU closed the connection')
        msg = json.loads(line)
        if 'event' not in msg:
            return msg


def main():
    f = connect(sys.argv[1])
    reply(f)                                  # greeting
    failed = 0
    for name, args in [('qmp_capabilities', {})] + parse(sys.argv[2:]):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        t0 = time.time()
        f.write((json.dumps(msg) + '\n').encode())
        r = reply(f)
        if name == 'qmp_capabilities':
            continue
        r['cmd'], r['elapsed_s'] = name, round(time.time() - t0, 3)
        print(json.dumps(r), flush=True)
        failed |= 'error' in r
    return failed


if __name__ == '__main__':
    sys.exit(main())
