package ar.loteria.agency.config;

import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.config.ConfigSources.Setting;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.logging.LogLevels;
import io.netty.buffer.ByteBufUtil;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Reads the agency's settings from {@code ./config.yaml} (a missing file means defaults) and the environment
 * (a non-empty variable wins over its key), and validates them into an {@link AgencyConfig}. A bad value is an
 * {@link AgencyConfigException} naming its key or variable. Main thread, once, at start.
 */
public final class AgencyConfigLoader {

    public static final String DEFAULT_SERVER_ADDRESS = "server:12345";
    public static final int DEFAULT_LOOP_AMOUNT = 5;
    public static final String DEFAULT_LOOP_PERIOD = "5s";
    public static final String DEFAULT_LOG_LEVEL = "INFO";
    public static final int DEFAULT_BATCH_MAX_AMOUNT = 10;
    /** Agency ids are u32 on the wire. */
    public static final long MAX_AGENCY_ID = 0xFFFF_FFFFL;
    /**
     * How long a request the central answers at once (HELLO, BETS, FINISH) may go unanswered. A central answers in
     * milliseconds, and within a second with a thousand agencies pipelining; five seconds is far above that, so a
     * busy central is not taken for a hung one, and far below the 30 s retry budget, so that a list of centrals
     * gets several tries within it.
     */
    public static final String DEFAULT_ANSWER_TIMEOUT = "5s";
    /** The shortest answer timeout taken (0 excepted, which turns it off). */
    static final Duration MIN_ANSWER_TIMEOUT = Duration.ofMillis(100);
    /** The longest answer timeout taken. */
    static final Duration MAX_ANSWER_TIMEOUT = Duration.ofHours(1);

    private AgencyConfigLoader() {
    }

    /** Reads {@code file} and applies the overrides of {@code env}. Empty variables count as unset. */
    public static AgencyConfig load(Path file, Map<String, String> env) throws AgencyConfigException {
        ConfigSources sources = ConfigSources.read(file, env);
        Setting id = sources.setting("id", "CLI_ID", null);
        if (id == null) {
            throw new AgencyConfigException("CLI_ID",
                    "the agency id is required: set CLI_ID (or id in config.yaml)");
        }
        long agencyId = id.integer(1, MAX_AGENCY_ID);

        Setting address = sources.setting("server.address", "CLI_SERVER_ADDRESS", DEFAULT_SERVER_ADDRESS);
        List<CentralAddress> centrals = CentralAddress.parseList(address);

        Setting amount = sources.setting("loop.amount", "CLI_LOOP_AMOUNT", String.valueOf(DEFAULT_LOOP_AMOUNT));
        int loopAmount = (int) amount.integer(0, Integer.MAX_VALUE);

        Setting period = sources.setting("loop.period", "CLI_LOOP_PERIOD", DEFAULT_LOOP_PERIOD);
        if (!GoDuration.SYNTAX.matcher(period.text()).matches()) {
            throw period.invalid("must be a duration such as 5s or 100ms");
        }

        Setting level = sources.setting("log.level", "CLI_LOG_LEVEL", DEFAULT_LOG_LEVEL);
        if (LogLevels.parse(level.text()).isEmpty()) {
            throw level.invalid("must be DEBUG, INFO, WARNING, ERROR or CRITICAL");
        }

        Setting maxAmount = sources.setting("batch.maxAmount", "CLI_BATCH_MAXAMOUNT",
                String.valueOf(DEFAULT_BATCH_MAX_AMOUNT));
        int batchMaxAmount = (int) maxAmount.integer(1, BetBatcher.MAX_AMOUNT);

        Duration answerTimeout = answerTimeout(sources.setting("server.answerTimeout", "CLI_SERVER_ANSWERTIMEOUT",
                DEFAULT_ANSWER_TIMEOUT));

        String dataFileText = env.get("CLI_DATA_FILE");
        Path dataFile = Path.of(ConfigSources.isSet(dataFileText) ? dataFileText
                : "./.data/agency-" + agencyId + ".csv");

        return new AgencyConfig(agencyId, address.text(), centrals, loopAmount, period.text(), level.text(),
                batchMaxAmount, dataFile, token(sources, env), SingleBetSettings.read(env, LocalDate.now()),
                AgencyTlsSettings.load(sources), answerTimeout);
    }

    /** A duration of 100ms to 1h, or 0 (no timeout). */
    private static Duration answerTimeout(Setting setting) throws AgencyConfigException {
        Duration timeout = GoDuration.parse(setting.text()).orElseThrow(
                () -> setting.invalid("must be a duration such as 5s or 500ms (0: no timeout)"));
        if (!timeout.isZero() && (timeout.compareTo(MIN_ANSWER_TIMEOUT) < 0
                || timeout.compareTo(MAX_ANSWER_TIMEOUT) > 0)) {
            throw setting.invalid("must be 0 (no timeout) or from 100ms to 1h");
        }
        return timeout;
    }

    /** {@code CLI_TOKEN} when it is in the environment, even empty (no token); else {@code auth.token}. */
    private static String token(ConfigSources sources, Map<String, String> env) throws AgencyConfigException {
        Setting token = env.containsKey("CLI_TOKEN") ? new Setting("CLI_TOKEN", env.get("CLI_TOKEN"))
                : sources.setting("auth.token", null, "");
        if (ByteBufUtil.utf8Bytes(token.text()) > MessageEncoder.MAX_STR8_BYTES) {
            throw new AgencyConfigException(token.key(), "is longer than " + MessageEncoder.MAX_STR8_BYTES + " bytes");
        }
        return token.text();
    }
}
