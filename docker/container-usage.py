#!/usr/bin/env python3
"""Samples the memory and CPU of the composition's JVMs from the host's /proc, for docker/smoke.sh.

    python3 docker/container-usage.py OUT_FILE [INTERVAL_SECONDS]

Runs until SIGTERM or SIGINT, then writes OUT_FILE, one tab-separated line per container and a total:

    container  peak_rss_mb  peak_anon_mb  cpu_s  first_seen  last_seen
    TOTAL      peak_sum_rss_mb  peak_sum_anon_mb  cpu_s_sum  -  -

A container's JVM is the only process in it (exec-form entrypoint), so the JVM's figures are the
container's. It is found by its command line (/app/lottery-server.jar or /app/lottery-client.jar, the
paths inside the images) and named from its environment (CLI_ID=I is clientI).
- peak_rss_mb: the kernel's high-water mark of the process's resident memory (VmHWM);
- peak_anon_mb: the largest private, anonymous part of it seen (RssAnon: heap, metaspace, stacks, code
  cache), which is what each container adds; the rest (the JVM's code, the class archive) is mapped from
  files of the image, shared by all containers of that image;
- cpu_s: user + system CPU time at the last sample before the process ended (up to one interval short);
- first_seen, last_seen: when the JVM was first and last seen (Unix time, seconds): its start and end;
- TOTAL: the largest sums, over one sample, of the containers' resident memory (VmRSS) and of its
  anonymous part (RssAnon), and the sum of cpu_s.
This needs the engine's processes to be visible in this host's /proc (Docker or podman on Linux);
elsewhere it finds nothing and writes only the TOTAL line with zeros.
"""
import os
import signal
import sys
import time

JARS = {"/app/lottery-server.jar": "server", "/app/lottery-client.jar": "client"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def identify(pid):
    """Returns the container name of a JVM of the images, or None."""
    try:
        # A container's process is seen before it execs the JVM, so this runs until it has.
        with open(f"/proc/{pid}/comm") as f:
            if f.read().strip() != "java":
                return None
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except OSError:
        return None
    words = [a.decode(errors="replace") for a in args]
    role = next((JARS[w] for w in words if w in JARS), None)
    if role != "client":
        return role
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = dict(e.split(b"=", 1) for e in f.read().split(b"\0") if b"=" in e)
    except OSError:
        return None
    return "client" + env.get(b"CLI_ID", b"?").decode(errors="replace")


def sample(pid):
    """(VmHWM kB, VmRSS kB, RssAnon kB, CPU seconds) of a live process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        with open(f"/proc/{pid}/stat") as f:
            # The command name may hold spaces: fields are counted after its closing parenthesis.
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError, ValueError):
        return None
    if "VmHWM" not in status:
        return None  # a zombie: its memory is gone, its last CPU figure is the one already kept
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    kb = [int(status[key].split()[0]) for key in ("VmHWM", "VmRSS", "RssAnon")]
    return kb[0], kb[1], kb[2], cpu


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out, interval = sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 0.05
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))
    known = {}      # pid -> container name, once identified
    figures = {}    # (container, pid) -> [peak kB, peak anon kB, cpu s, first seen, last seen]
    peak_total_kb = peak_anon_kb = 0
    while not stop:
        now = time.time()
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        total_kb = anon_kb = 0
        for pid in pids:
            name = known.get(pid)
            if name is None:
                name = identify(pid)
                if name is not None:
                    known[pid] = name
            if name is None:
                continue
            s = sample(pid)
            if s is None:
                continue
            entry = figures.setdefault((name, pid), [0, 0, 0.0, now, now])
            entry[0] = max(entry[0], s[0])
            entry[1] = max(entry[1], s[2])
            entry[2] = s[3]
            entry[4] = now
            total_kb += s[1]
            anon_kb += s[2]
        peak_total_kb = max(peak_total_kb, total_kb)
        peak_anon_kb = max(peak_anon_kb, anon_kb)
        # Forget pids that are gone, so that a reused pid is identified again.
        alive = set(pids)
        for pid in [p for p in known if p not in alive]:
            del known[pid]
        time.sleep(interval)
    with open(out, "w") as f:
        f.write("container\tpeak_rss_mb\tpeak_anon_mb\tcpu_s\tfirst_seen\tlast_seen\n")
        for (name, _pid), (peak, anon, cpu, first, last) in sorted(figures.items(), key=order):
            f.write(f"{name}\t{peak / 1024:.1f}\t{anon / 1024:.1f}\t{cpu:.2f}\t{first:.2f}\t{last:.2f}\n")
        cpu_sum = sum(e[2] for e in figures.values())
        f.write(f"TOTAL\t{peak_total_kb / 1024:.1f}\t{peak_anon_kb / 1024:.1f}\t{cpu_sum:.2f}\t-\t-\n")


def order(item):
    """server first, then clients by number."""
    name = item[0][0]
    digits = name[len("client"):]
    return (0, 0) if name == "server" else (1, int(digits) if digits.isdigit() else 0)


if __name__ == "__main__":
    main()
