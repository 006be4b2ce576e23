package ar.loteria.agency.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as the course's Go client wrote them: {@code 5s}, {@code 100ms}, {@code 1m30s}, {@code 1.5s},
 * or {@code 0}; units ns, us (or µs), ms, s, m, h. Stateless; any thread.
 */
final class GoDuration {

    /** A whole duration: one or more number-and-unit terms, or a bare 0. */
    static final Pattern SYNTAX = Pattern.compile("0|(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");

    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    /** Far beyond any wait the agency takes, and far below where nanoseconds overflow a long. */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Duration.ofDays(365).toNanos());

    private GoDuration() {
    }

    /** The duration {@code text} writes, to the nanosecond; empty when it is not one (or longer than a year). */
    static Optional<Duration> parse(String text) {
        if (!SYNTAX.matcher(text).matches()) {
            return Optional.empty();
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher term = TERM.matcher(text);
        while (term.find()) {
            nanos = nanos.add(new BigDecimal(term.group(1)).multiply(BigDecimal.valueOf(
                    NANOS_PER_UNIT.get(term.group(2)))));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                return Optional.empty();
            }
        }
        return Optional.of(Duration.ofNanos(nanos.longValue()));
    }
}
