"""Work inside another process's network namespace (Linux; needs CAP_SYS_ADMIN), from a thread of its own.

vsmartcard's virtual reader (vpcd) binds its card ports to every interface (INADDR_ANY is compiled in, and its
"connect to the card" mode crashes pcscd when the card goes away). Tests therefore run pcscd in a network
namespace of its own (`unshare --net`), where the only interface is loopback, and reach vpcd from a thread that
entered that namespace: a socket stays in the namespace it was made in, whichever thread uses it later.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def namespace_of(pid: int) -> Path:
    return Path(f"/proc/{pid}/ns/net")


def in_namespace(namespace: Path, action: Callable[[], T]) -> T:
    """The result of action(), run on a new thread that entered the network namespace first."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def enter_and_act() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            with namespace.open("rb") as handle:
                if libc.setns(handle.fileno(), _CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), f"cannot enter the network namespace {namespace}")
            outcome.append(action())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    worker = threading.Thread(target=enter_and_act, name="network-namespace", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]


def bring_loopback_up() -> None:
    """Switch on `lo` in the current thread's network namespace (a new namespace starts with it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as control:
        interface_request = struct.pack("16sH22x", b"lo", 0)  # struct ifreq: name, then flags in a 24-byte union
        flags: int = struct.unpack_from("16sH", fcntl.ioctl(control, _SIOCGIFFLAGS, interface_request))[1]
        fcntl.ioctl(control, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | _IFF_UP))


def can_enter_namespaces() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and Path("/proc/self/ns/net").exists()
