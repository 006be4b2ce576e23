package ar.loteria.agency.bets;

/** The bets could not be read: a bad record (with its line) or an unreadable file (line 0). */
public final class BetFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String problem;

    public BetFileException(String file, long line, String problem) {
        super(line > 0 ? file + ", line " + line + ": " + problem : file + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The file, as configured. */
    public String file() {
        return file;
    }

    /** The 1-based line where the bad record starts, or 0 when the problem is not about one record. */
    public long line() {
        return line;
    }

    /** What is wrong, without file and line. */
    public String problem() {
        return problem;
    }
}
