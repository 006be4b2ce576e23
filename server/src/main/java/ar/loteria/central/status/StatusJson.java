package ar.loteria.central.status;

import ar.loteria.codec.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator's view as JSON: the whole status ({@code GET /status.json}, and the first event of {@code
 * /events}), and the update from one status to the next (the later events). Field by field in {@code
 * docs/STATUS.md}. Only counts, ids and times are written: a status holds no document or name to leak. Stateless;
 * any thread.
 */
final class StatusJson {

    private StatusJson() {
    }

    /** Everything the page shows; {@code status} may be {@code null} while the store opens. */
    static String document(CentralStatus status, int openConnections, Readiness readiness) {
        StringBuilder json = new StringBuilder(status == null ? 64 : 512 + 80 * status.agencies().size());
        json.append('{');
        summary(json, status, openConnections, readiness);
        if (status != null) {
            json.append(",\"ingest\":");
            samples(json, status.ingest(), null);
            json.append(",\"agencies\":[");
            List<AgencyStatus> agencies = status.agencies();
            for (int i = 0; i < agencies.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                agency(json, agencies.get(i));
            }
            json.append(']');
        }
        return json.append('}').toString();
    }

    /**
     * What changed from {@code before} to {@code now}: the whole summary, the ingest samples taken after {@code
     * before}'s, the agencies whose row changed or that are new ({@code agencies}), and the ids of those no longer
     * listed ({@code gone}). Applied to {@code before}'s document it gives {@code now}'s. Both lists are sorted by
     * agency id, as a status lists its agencies.
     */
    static String update(CentralStatus before, CentralStatus now, int openConnections, Readiness readiness) {
        StringBuilder json = new StringBuilder(512);
        json.append('{');
        summary(json, now, openConnections, readiness);
        List<IngestSample> seen = before.ingest();
        json.append(",\"ingest\":");
        samples(json, now.ingest(), seen.isEmpty() ? null : seen.get(seen.size() - 1).at());
        json.append(",\"agencies\":[");
        StringBuilder gone = new StringBuilder();
        List<AgencyStatus> old = before.agencies();
        List<AgencyStatus> fresh = now.agencies();
        int i = 0;
        int j = 0;
        boolean first = true;
        while (i < old.size() || j < fresh.size()) {
            AgencyStatus was = i < old.size() ? old.get(i) : null;
            AgencyStatus is = j < fresh.size() ? fresh.get(j) : null;
            if (is == null || (was != null && was.agency() < is.agency())) {
                if (gone.length() > 0) {
                    gone.append(',');
                }
                gone.append(was.agency());
                i++;
                continue;
            }
            if (was == null || is.agency() < was.agency()) {
                j++;
            } else {
                i++;
                j++;
                if (was.equals(is)) {
                    continue;
                }
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            agency(json, is);
        }
        json.append("],\"gone\":[").append(gone).append(']');
        return json.append('}').toString();
    }

    /** {@code GET /health}: the process answers. */
    static String health() {
        return "{\"status\":\"up\"}";
    }

    /** {@code GET /ready}. */
    static String ready(Readiness readiness) {
        return "{\"ready\":" + (readiness == Readiness.READY) + ",\"state\":\"" + readiness.word() + "\"}";
    }

    private static void summary(StringBuilder json, CentralStatus status, int openConnections, Readiness readiness) {
        json.append("\"state\":\"").append(readiness.word()).append('"');
        json.append(",\"connections\":").append(openConnections);
        if (status == null) {
            return;
        }
        json.append(",\"at\":");
        instant(json, status.at());
        json.append(",\"agenciesExpected\":").append(status.agenciesExpected());
        json.append(",\"agenciesFinished\":").append(status.agenciesFinished());
        json.append(",\"agenciesConnected\":").append(status.agenciesConnected());
        json.append(",\"agenciesNotFinished\":").append(status.agenciesNotFinished());
        json.append(",\"closesAt\":");
        instant(json, status.closesAt());
        json.append(",\"drawn\":").append(status.drawn());
        json.append(",\"drawnAt\":");
        instant(json, status.drawnAt());
        json.append(",\"winners\":");
        count(json, status.winners());
        json.append(",\"betsStored\":").append(status.betsStored());
        json.append(",\"batchesStored\":").append(status.batchesStored());
        json.append(",\"batchesRefused\":{");
        boolean first = true;
        for (Map.Entry<ErrorCode, Long> refused : new TreeMap<>(status.batchesRefused()).entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('"').append(refused.getKey().name()).append("\":").append(refused.getValue());
        }
        json.append('}');
        json.append(",\"resultsWaiting\":").append(status.resultsWaiting());
        json.append(",\"storeBytes\":").append(status.storeBytes());
    }

    /** {@code [[epoch milliseconds, bets stored], ...]}, only the samples after {@code after} when it is given. */
    private static void samples(StringBuilder json, List<IngestSample> ingest, Instant after) {
        json.append('[');
        boolean first = true;
        for (IngestSample sample : ingest) {
            if (after != null && !sample.at().isAfter(after)) {
                continue;
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append('[').append(sample.at().toEpochMilli()).append(',').append(sample.betsStored()).append(']');
        }
        json.append(']');
    }

    private static void agency(StringBuilder json, AgencyStatus agency) {
        json.append("{\"agency\":").append(agency.agency())
                .append(",\"connections\":").append(agency.connections())
                .append(",\"betsStored\":").append(agency.betsStored())
                .append(",\"finished\":").append(agency.finished())
                .append(",\"winners\":");
        count(json, agency.winners());
        json.append('}');
    }

    /** A count that is -1 when not known yet: {@code null} then. */
    private static void count(StringBuilder json, long value) {
        if (value < 0) {
            json.append("null");
        } else {
            json.append(value);
        }
    }

    private static void instant(StringBuilder json, Instant instant) {
        if (instant == null) {
            json.append("null");
        } else {
            json.append('"').append(instant).append('"');
        }
    }
}
