package ar.loteria.agency.config;

import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.config.ConfigSources.Setting;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.logging.LogLevels;
import io.netty.buffer.ByteBufUtil;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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

    /** Go-style durations, as the course's client took them: {@code 5s}, {@code 100ms}, {@code 1m30s}. */
    private static final Pattern DURATION = Pattern.compile("0|(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");

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
        if (!DURATION.matcher(period.text()).matches()) {
            throw period.invalid("must be a duration such as 5s or 100ms");
        }

        Setting level = sources.setting("log.level", "CLI_LOG_LEVEL", DEFAULT_LOG_LEVEL);
        if (LogLevels.parse(level.text()).isEmpty()) {
            throw level.invalid("must be DEBUG, INFO, WARNING, ERROR or CRITICAL");
        }

        Setting maxAmount = sources.setting("batch.maxAmount", "CLI_BATCH_MAXAMOUNT",
                String.valueOf(DEFAULT_BATCH_MAX_AMOUNT));
        int batchMaxAmount = (int) maxAmount.integer(1, BetBatcher.MAX_AMOUNT);

        String dataFileText = env.get("CLI_DATA_FILE");
        Path dataFile = Path.of(ConfigSources.isSet(dataFileText) ? dataFileText
                : "./.data/agency-" + agencyId + ".csv");

        return new AgencyConfig(agencyId, address.text(), centrals, loopAmount, period.text(), level.text(),
                batchMaxAmount, dataFile, token(sources, env), SingleBetSettings.read(env, LocalDate.now()),
                AgencyTlsSettings.load(sources));
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
