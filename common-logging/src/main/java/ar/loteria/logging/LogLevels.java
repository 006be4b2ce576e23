package ar.loteria.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/** Reads the course's level names (Python's: DEBUG, INFO, WARNING, ERROR, CRITICAL) and applies one to logback. */
public final class LogLevels {

    private LogLevels() {
    }

    /** The logback level for a configured name, or empty when the name is not a level. */
    public static Optional<Level> parse(String name) {
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE" -> Optional.of(Level.TRACE);
            case "DEBUG" -> Optional.of(Level.DEBUG);
            case "INFO" -> Optional.of(Level.INFO);
            case "WARN", "WARNING" -> Optional.of(Level.WARN);
            case "ERROR", "CRITICAL", "FATAL" -> Optional.of(Level.ERROR);
            default -> Optional.empty();
        };
    }

    /** Sets the level of our own loggers and of the root logger; Netty's chatter stays at INFO or above. */
    public static void apply(Level level) {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(level);
        Level netty = level.isGreaterOrEqual(Level.INFO) ? level : Level.INFO;
        ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(netty);
    }
}
