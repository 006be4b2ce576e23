package ar.loteria.central.status;

import java.time.Instant;

/**
 * The bets in the store at one publication of the status: consecutive samples give the ingest rate.
 *
 * @param at         when the status was taken
 * @param betsStored bets in the store then
 */
public record IngestSample(Instant at, long betsStored) {
}
