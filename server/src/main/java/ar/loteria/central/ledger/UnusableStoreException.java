package ar.loteria.central.ledger;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The store cannot be used: the central does not start on it (exit 1). The message says why; {@link #file()} names
 * the file at fault when the store is a file.
 */
public class UnusableStoreException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file at fault, as logged; {@code null} when the store is not a file (a database). */
    private final String file;

    public UnusableStoreException(String message) {
        this(message, null);
    }

    public UnusableStoreException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /** {@code file} cannot be used because of {@code message}. */
    public UnusableStoreException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file.toString();
    }

    /**
     * {@code file} could not be opened or read: {@code cause} says why, in the words of the operating system where
     * Java keeps them ("Is a directory", "No space left on device") and in plain words where it keeps only the path
     * (permission denied, no such file). An {@code UnusableStoreException} already is the answer.
     */
    public static UnusableStoreException of(Path file, IOException cause) {
        if (cause instanceof UnusableStoreException unusable) {
            return unusable;
        }
        return new UnusableStoreException(file, describe(file, cause), cause);
    }

    /** The file at fault, or {@code null} when the store is not a file. */
    public String file() {
        return file;
    }

    private static String describe(Path file, IOException cause) {
        if (!(cause instanceof FileSystemException failed)) {
            return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        }
        String why = cause instanceof AccessDeniedException ? "permission denied"
                : cause instanceof NoSuchFileException ? "no such file or folder"
                : cause instanceof NotDirectoryException ? "not a folder"
                : cause instanceof FileAlreadyExistsException ? "already exists"
                : failed.getReason() != null ? failed.getReason() : cause.getClass().getSimpleName();
        // The path only when it is not the file the line names already (a folder on the way to it, say).
        String where = failed.getFile();
        return where == null || same(Path.of(where), file) ? why : where + ": " + why;
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
