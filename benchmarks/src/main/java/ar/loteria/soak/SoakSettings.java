package ar.loteria.soak;

import ar.loteria.launch.Launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one soak runs: how to start the central and the agency, the data, the cycles and the kills' bounds, and
 * where it works. Immutable.
 *
 * @param central        the central's command; every start gets its settings through the environment
 * @param client         the agency's command (also its {@code generate} command, with arguments added)
 * @param agencies       agency processes, K
 * @param bets           bets of agency 1, 2, ..., repeated over the agencies
 * @param winners        bets on the winning number per agency
 * @param seed           seeds the data and the kills
 * @param cycles         kills and restarts of the central, N
 * @param batches        bets per batch of agency 1, 2, ... ({@code CLI_BATCH_MAXAMOUNT}), repeated over the agencies
 * @param minDelay       each kill comes after a delay drawn between this and {@code maxDelay} since the central
 *                       listened...
 * @param maxDelay       (see {@code minDelay})
 * @param maxGrowth      ...or once the store has grown by a number of bytes drawn up to this, if that comes first
 * @param tornPercent    the share of kills after which a torn row is appended to the store
 * @param earlyPercent   the share of kills whose clock starts when the central listens; the others' starts when
 *                       every agency has been welcomed by it
 * @param port           the central's port, kept over its restarts; 0: the first start takes a free one
 * @param timeout        a bound on the whole soak
 * @param work           the folder of the data, the store and every process's log; must hold no store
 */
record SoakSettings(Launch central, Launch client, int agencies, List<Integer> bets, int winners, long seed, int cycles,
                    List<Integer> batches, Duration minDelay, Duration maxDelay, long maxGrowth, int tornPercent,
                    int earlyPercent, int port, Duration timeout, Path work) {

    SoakSettings {
        bets = List.copyOf(bets);
        batches = List.copyOf(batches);
    }

    /** Bets of agency {@code id} (from 1). */
    int bets(int id) {
        return bets.get((id - 1) % bets.size());
    }

    /** Bets per batch of agency {@code id} (from 1). */
    int batch(int id) {
        return batches.get((id - 1) % batches.size());
    }
}
