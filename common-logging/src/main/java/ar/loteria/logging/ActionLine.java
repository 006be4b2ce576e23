package ar.loteria.logging;

/**
 * Builds the operation lines that scripts parse: {@code action: NAME | result: success|fail|in_progress | key: value}.
 * Values are cleaned so that a line never holds a stray {@code |} or line break. Not thread-safe; build one per line.
 */
public final class ActionLine {

    /** The three results the grammar allows. */
    public enum Result {
        SUCCESS("success"), FAIL("fail"), IN_PROGRESS("in_progress");

        private final String word;

        Result(String word) {
            this.word = word;
        }
    }

    private final StringBuilder text = new StringBuilder(96);

    private ActionLine(String action, Result result) {
        text.append("action: ").append(clean(action)).append(" | result: ").append(result.word);
    }

    public static ActionLine success(String action) {
        return new ActionLine(action, Result.SUCCESS);
    }

    public static ActionLine fail(String action) {
        return new ActionLine(action, Result.FAIL);
    }

    public static ActionLine inProgress(String action) {
        return new ActionLine(action, Result.IN_PROGRESS);
    }

    /** Appends {@code | key: value}. */
    public ActionLine with(String key, Object value) {
        text.append(" | ").append(clean(key)).append(": ").append(clean(String.valueOf(value)));
        return this;
    }

    /**
     * Appends {@code | error: text}, with every colon of the text turned into a dash: scripts split a line's
     * fields on the first colon, and an error message is free text.
     */
    public ActionLine withError(Object error) {
        return with("error", String.valueOf(error).replace(": ", " - ").replace(':', '-'));
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private static String clean(String value) {
        boolean dirty = false;
        for (int i = 0; i < value.length() && !dirty; i++) {
            char c = value.charAt(i);
            dirty = c == '|' || c == '\n' || c == '\r';
        }
        return dirty ? value.replace('|', '/').replace('\n', ' ').replace('\r', ' ') : value;
    }
}
