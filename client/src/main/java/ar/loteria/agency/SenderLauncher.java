package ar.loteria.agency;

/** Starts a {@link BatchSender} off the event loop: on a new named thread in production, inline in tests. */
@FunctionalInterface
interface SenderLauncher {

    void launch(BatchSender sender);
}
