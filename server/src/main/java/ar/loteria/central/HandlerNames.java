package ar.loteria.central;

/** Names of the central's pipeline handlers, in pipeline order. */
final class HandlerNames {

    static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    static final String CONNECTION_LIMIT = "connectionLimit";
    static final String TLS = "tls";
    static final String FRAME_DECODER = "frameDecoder";
    static final String FRAME_ENCODER = "frameEncoder";
    static final String MESSAGE_DECODER = "messageDecoder";
    static final String AGENCY_BINDING = "agencyBinding";
    static final String BETS = "bets";
    static final String FINISH = "finish";
    static final String RESULTS = "results";
    static final String EXCEPTION = "exception";

    private HandlerNames() {
    }
}
