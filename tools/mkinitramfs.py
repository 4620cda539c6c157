#!/usr/bin/env python3
"""tools/mkinitramfs.py - writes a gzip'ed newc cpio archive (the format
Linux unpacks into its initramfs; the kernel's
Documentation/driver-api/early-userspace/buffer-format.rst) from a list of
entries, with nothing installed on the host.

    mkinitramfs.py OUT.gz ENTRY...

An ENTRY is one of
    dir:PATH                    a directory (mode 0755)
    file:PATH=HOSTFILE[:MODE]   a regular file with HOSTFILE's bytes (mode
                                octal, default: HOSTFILE's permission bits)
    link:PATH=TARGET            a symbolic link
    cdev:PATH=MAJOR,MINOR       a character device node (mode 0600)
PATH is inside the archive, without a leading slash.  Parent directories
are not made implicitly: list them.  Every entry is owned by root, mtime 0,
so the same inputs give the same bytes."""
import gzip
import os
import stat
import sys

NEWC_MAGIC = b"070701"


def pad4(n):
    return (4 - n % 4) % 4


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0), nlink=1):
    """One header + name + data, each padded to 4 bytes (header and name
    together, then data)."""
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    hdr = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * pad4(len(out))
    out += data + b"\0" * pad4(len(data))
    return out


def parse(entry):
    kind, _, rest = entry.partition(":")
    if kind == "dir":
        return rest, stat.S_IFDIR | 0o755, b"", (0, 0)
    path, eq, arg = rest.partition("=")
    if not eq:
        raise ValueError("entry %r: want KIND:PATH=ARG" % entry)
    if kind == "file":
        host, _, mode = arg.partition(":")
        with open(host, "rb") as f:
            data = f.read()
        perm = int(mode, 8) if mode else stat.S_IMODE(os.stat(host).st_mode)
        return path, stat.S_IFREG | perm, data, (0, 0)
    if kind == "link":
        return path, stat.S_IFLNK | 0o777, arg.encode(), (0, 0)
    if kind == "cdev":
        major, minor = (int(x) for x in arg.split(","))
        return path, stat.S_IFCHR | 0o600, b"", (major, minor)
    raise ValueError("entry %r: unknown kind %r" % (entry, kind))


def build(entries):
    out = bytearray()
    seen = set()
    for ino, e in enumerate(entries, start=1):
        path, mode, data, rdev = parse(e)
        path = path.strip("/")
        if not path or path in seen:
            raise ValueError("entry %r: empty or repeated path" % e)
        parent = os.path.dirname(path)
        if parent and parent not in seen:
            raise ValueError("entry %r: parent %r not listed before it" % (e, parent))
        seen.add(path)
        out += newc_entry(ino, path, mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
    out += newc_entry(0, "TRAILER!!!", 0)
    return bytes(out)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    try:
        archive = build(argv[2:])
    except (OSError, ValueError) as e:
        sys.stderr.write("mkinitramfs: %s\n" % e)
        return 1
    tmp = argv[1] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(archive, 9, mtime=0))
    os.replace(tmp, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
