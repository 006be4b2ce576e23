package ar.loteria.agency.config;

/** A setting is missing or malformed. {@link #key()} names it as the user wrote it (yaml key or variable). */
public final class AgencyConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String key;

    public AgencyConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The yaml key ({@code batch.maxAmount}) or environment variable ({@code CLI_BATCH_MAXAMOUNT}) at fault. */
    public String key() {
        return key;
    }
}
