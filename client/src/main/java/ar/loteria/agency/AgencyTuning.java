package ar.loteria.agency;

import java.time.Duration;

/**
 * Internal limits of the agency that are not part of its configuration; tests shrink the waits.
 *
 * @param window           batches in flight before their acknowledgement
 * @param retryDelay       wait between two connection attempts
 * @param retryBudget      how long connection attempts go on before the agency gives up
 * @param unansweredBudget the same while no attempt got an answer: the central's name did not resolve (a DNS
 *                         server that does not know a just-started container yet), the connection timed out (a
 *                         central whose accept queue is full) or HELLO went unanswered (a central starved of CPU);
 *                         used if longer than retryBudget
 * @param connectTimeout   longest wait for one connection attempt
 * @param progressEvery    how often a long send logs its progress
 * @param closeTimeout     longest wait for each resource when closing
 */
public record AgencyTuning(int window, Duration retryDelay, Duration retryBudget, Duration unansweredBudget,
                           Duration connectTimeout, Duration progressEvery, Duration closeTimeout) {

    /**
     * Production values: 32 batches in flight, a retry a second for 30 s (90 s while no attempt got an answer: 100
     * containers started at once on two cores have left agencies without an answer from the network's DNS server
     * or from the central for more than 30 s; docs/RELIABILITY.md), progress every 5 s.
     */
    public static final AgencyTuning DEFAULT = new AgencyTuning(32, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(3));

    public AgencyTuning {
        if (window < 1) {
            throw new IllegalArgumentException("window must be 1 or more");
        }
    }
}
