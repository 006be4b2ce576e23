package ar.loteria.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads another process's memory, threads and CPU time from {@code /proc/PID}; every figure is -1 (or empty) where
 * /proc is missing. Stateless apart from the pid; any thread.
 */
final class ProcessMeter {

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final long pid;

    ProcessMeter(long pid) {
        this.pid = pid;
    }

    /** A line of {@code /proc/PID/status} as a number (VmHWM and RssAnon in kB, Threads), or -1. */
    long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** CPU seconds (user and system) the whole process has used so far, or -1. */
    double cpuSeconds() {
        try {
            return cpuSecondsOf(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds the process's threads have used so far, summed by role (event loops, storage, the references'
     * selector and writer, GC, JIT compiler, other), from {@code /proc/PID/task/*}; empty where /proc is missing.
     */
    Map<String, Double> cpuByRole() {
        Map<String, Double> roles = new TreeMap<>();
        try (var threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : threads.toList()) {
                String name = Files.readString(task.resolve("comm")).trim();
                roles.merge(roleOf(name), cpuSecondsOf(Files.readString(task.resolve("stat"))), Double::sum);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return roles;
    }

    /**
     * CPU seconds the whole machine has been busy so far, all cores and processes together (every state of the
     * first line of {@code /proc/stat} but idle and iowait), or -1.
     */
    static double machineBusySeconds() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length; i++) {
                // user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user already
                if (i != 4 && i != 5 && i < 9) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy / TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a {@code stat} line; the fields after the command name, which may hold spaces. */
    private static double cpuSecondsOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
    }

    private static String roleOf(String thread) {
        if (thread.startsWith("central-io")) {
            return "event-loops";
        }
        if (thread.startsWith("bet-storage")) {
            return "storage";
        }
        if (thread.startsWith("central-status")) {
            return "status";
        }
        if (thread.startsWith("reference-sel")) {
            return "selector";
        }
        if (thread.startsWith("reference-wri")) {
            return "writer";
        }
        if (thread.startsWith("GC ") || thread.startsWith("G1 ")) {
            return "gc";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        return "other";
    }
}
