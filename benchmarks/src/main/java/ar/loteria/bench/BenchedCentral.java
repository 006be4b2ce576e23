package ar.loteria.bench;

/** What one run of the ingest benchmark is measured against: the project's central or a reference central. */
enum BenchedCentral {
    /** The central's jar, as built. */
    CENTRAL("central", true),
    /** The do-nothing reference: acknowledges every batch without storing it; the ceiling. */
    NULL("null", false),
    /** The reference that also appends every bet to a CSV file, the simplest way, before acknowledging it. */
    NULL_CSV("null+csv", true);

    private final String label;
    private final boolean stores;

    BenchedCentral(String label, boolean stores) {
        this.label = label;
        this.stores = stores;
    }

    /** Its name in the output. */
    String label() {
        return label;
    }

    /** Whether it writes a store, which the run then checks row for row. */
    boolean stores() {
        return stores;
    }
}
