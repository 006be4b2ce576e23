package ar.loteria.soak;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one agency process has logged so far, read as its lines come: the batches the central acknowledged (its
 * DEBUG {@code batch_ack} lines), its WELCOMEs, FINISHes, reconnects and connection retries, the winner counts it
 * received and its {@code result: fail} lines. {@link #read} takes only the lines added since the last call. Used on
 * one thread (the soak's).
 */
final class AgencyTranscript {

    private static final Pattern ACK =
            Pattern.compile("action: batch_ack \\| result: success \\| first: (\\d+) \\| cantidad: (\\d+)");
    private static final Pattern WINNERS =
            Pattern.compile("action: consulta_ganadores \\| result: success \\| cant_ganadores: (\\d+)");
    private static final Pattern WELCOME =
            Pattern.compile("action: hello \\| result: success \\| client_id: \\d+ \\| stored: (\\d+)");
    private static final String FINISHED = "action: finish | result: success";
    private static final String RECONNECT = "action: reconnect | result: in_progress";
    private static final String RETRY = "action: connect | result: in_progress";
    private static final String FAIL = "| result: fail";

    private final int agency;
    private int seen;
    private long acks;
    private long ackedBets;
    /** The end of the furthest acknowledged batch: every bet before it was acknowledged. */
    private long ackedEnd;
    /** Every bet (by its place in the agency's stream) that a BATCH_ACK covered. */
    private final BitSet acked = new BitSet();
    private int reconnects;
    private int welcomes;
    private int resumes;
    private int finishes;
    private int retries;
    private final List<Integer> winners = new ArrayList<>();
    private final List<String> failLines = new ArrayList<>();

    AgencyTranscript(int agency) {
        this.agency = agency;
    }

    /** Reads the lines of {@code lines} (all the agency's lines so far, in order) not read before. */
    void read(List<String> lines) {
        for (String line : lines.subList(seen, lines.size())) {
            Matcher matcher;
            if ((matcher = ACK.matcher(line)).find()) {
                long first = Long.parseLong(matcher.group(1));
                long count = Long.parseLong(matcher.group(2));
                acks++;
                ackedBets += count;
                ackedEnd = Math.max(ackedEnd, first + count);
                acked.set(Math.toIntExact(first), Math.toIntExact(first + count));
            } else if ((matcher = WELCOME.matcher(line)).find()) {
                welcomes++;
                resumes += Long.parseLong(matcher.group(1)) > 0 ? 1 : 0;
            } else if ((matcher = WINNERS.matcher(line)).find()) {
                winners.add(Integer.parseInt(matcher.group(1)));
            } else if (line.contains(FINISHED)) {
                finishes++;
            } else if (line.contains(RECONNECT)) {
                reconnects++;
            } else if (line.contains(RETRY)) {
                retries++;
            }
            if (line.contains(FAIL)) {
                failLines.add(line);
            }
        }
        seen = lines.size();
    }

    int agency() {
        return agency;
    }

    long acks() {
        return acks;
    }

    long ackedBets() {
        return ackedBets;
    }

    long ackedEnd() {
        return ackedEnd;
    }

    /** Distinct bets that some BATCH_ACK covered. */
    long distinctAcked() {
        return acked.cardinality();
    }

    int reconnects() {
        return reconnects;
    }

    /** WELCOMEs received: one per connection that a central accepted. */
    int welcomes() {
        return welcomes;
    }

    /** WELCOMEs that said the central already held bets of the agency: it resumed from there. */
    int resumes() {
        return resumes;
    }

    /** FINISH_ACKs received: more than one when a restarted central had forgotten the FINISH. */
    int finishes() {
        return finishes;
    }

    int retries() {
        return retries;
    }

    /** The {@code cant_ganadores} of every winners line, in order. */
    List<Integer> winners() {
        return List.copyOf(winners);
    }

    List<String> failLines() {
        return List.copyOf(failLines);
    }
}
