"""What a query worker may not do: open a network connection, or take more than a bounded amount of memory.

The network is closed with a seccomp filter: socket() and socketpair() fail with EACCES for every
address family but AF_UNIX (which multiprocessing may use between processes), and io_uring_setup()
fails too, since an io_uring can open sockets without calling socket(). A filter needs no root, only
no_new_privs (which libseccomp sets), is inherited by every later thread and child, and cannot be
lifted; so whatever a query asks for, SERVICE included, the worker cannot reach any address.

A new network namespace (unshare of a user and a network namespace) was the other choice, and costs
the same here (under a millisecond either way), but it needs unprivileged user namespaces, which
Ubuntu (since 23.10), Docker's default seccomp profile and hardened kernels refuse, and a process
that has no threads yet; seccomp is refused only where the kernel lacks it.

Confinement fails closed: a worker that cannot apply it, or finds that a TCP socket still opens
after it, raises ConfinementError and never serves a query.
"""

from __future__ import annotations

import errno
import resource
import socket

from graph.errors import CasegraphError

REMEDY = "casegraph's query workers need Linux with seccomp and libseccomp.so.2 (Debian's libseccomp2)"


class ConfinementError(CasegraphError):
    """A query worker could not be barred from the network, so it does not serve queries."""


def deny_network() -> None:
    """Bar this process, its threads and children from every socket but AF_UNIX; ConfinementError if it cannot."""
    try:
        import pyseccomp as seccomp  # raises RuntimeError when libseccomp.so.2 is missing
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # every thread, should a library have started one already
        for call in ("socket", "socketpair"):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), call, seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "io_uring_setup")
        rules.load()
    except (OSError, RuntimeError, ValueError) as error:
        raise ConfinementError(f"the network could not be closed to a query worker ({error}); {REMEDY}") from None
    _check_closed()


def _check_closed() -> None:
    """Fail unless opening an Internet socket is refused."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.socket(family, socket.SOCK_STREAM).close()
        except OSError:
            continue
        raise ConfinementError(f"a query worker could still open a {family.name} socket after its seccomp filter; {REMEDY}")


def limit_data(megabytes: int) -> None:
    """Cap this process's private writable memory (RLIMIT_DATA) at its present size plus `megabytes`.

    This is the hard backstop behind the parent's polling (graph/workers.py): an allocation past it
    fails, and the process aborts, even if a query grows faster than the polling sees. File mappings,
    such as the store's, do not count, which is why it is RLIMIT_DATA and not RLIMIT_AS.
    """
    with open("/proc/self/status") as status:
        now = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    limit = now + megabytes * 2**20 if hard == resource.RLIM_INFINITY else min(hard, now + megabytes * 2**20)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
