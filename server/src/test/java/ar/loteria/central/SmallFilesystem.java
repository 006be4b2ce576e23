package ar.loteria.central;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs a test mounts, so that a full disk is a real one: writes beyond its size, or files beyond its inode
 * count, fail with ENOSPC as on a full disk. It needs root and the right to mount; elsewhere the test is skipped,
 * saying why. Test-owned: closing it unmounts it (the test closes it after whatever has files open there).
 */
public final class SmallFilesystem implements AutoCloseable {

    private final Path mount;

    private SmallFilesystem(Path mount) {
        this.mount = mount;
    }

    /**
     * Mounts a tmpfs of {@code options} (as {@code mount -o} takes them: {@code size=256k}, {@code nr_inodes=3}) on
     * {@code dir}, created when missing; or skips the test with the reason.
     */
    public static SmallFilesystem mount(Path dir, String options) throws IOException, InterruptedException {
        Path target = Files.createDirectories(dir);
        boolean root = "root".equals(System.getProperty("user.name"));
        int mounted = root ? run("mount", "-t", "tmpfs", "-o", options, "tmpfs", target.toString()) : -1;
        if (mounted != 0) {
            String reason = "skipped: a real full filesystem needs a tmpfs mounted by the test, which "
                    + (root ? "this machine refused (mount exited " + mounted + ")" : "needs root");
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return new SmallFilesystem(target);
    }

    /** Where it is mounted. */
    public Path root() {
        return mount;
    }

    /** Writes files into it until it is full (no block or no inode left), so that the next write fails. */
    public void fill() throws IOException {
        for (int i = 0; ; i++) {
            try {
                Files.write(mount.resolve("filler-" + i), new byte[4096]);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("No space left")) {
                    return;
                }
                throw e;
            }
        }
    }

    /**
     * Unmounts it. A store the central scanned may still be mapped into memory until the garbage collector frees
     * the mapping, which keeps the filesystem busy: collected and tried again, then detached lazily (it goes once
     * nothing uses it).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (run("umount", mount.toString()) == 0) {
                return;
            }
            System.gc();
            Thread.sleep(50);
        }
        run("umount", "-l", mount.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
