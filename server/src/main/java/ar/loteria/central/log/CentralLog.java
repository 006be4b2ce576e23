package ar.loteria.central.log;

import ar.loteria.codec.ErrorCode;
import ar.loteria.logging.ActionLine;
import ar.loteria.logging.HeldLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every operation line the central writes, one named method each, so that the action names scripts parse
 * ({@code CONTRACT.md}) are written once and a line is built the same way wherever it happens. Levels are part of
 * the contract too: per batch at INFO, per bet at DEBUG, refusals at ERROR or WARN as the table in
 * {@code docs/PROTOCOL.md} section 7 says. Any thread.
 */
public final class CentralLog {

    private static final Logger LOG = LoggerFactory.getLogger("ar.loteria.central");

    private CentralLog() {
    }

    /**
     * The calling thread's lines wait from now on, to go out together at {@link #releaseLines()}: the storage thread
     * holds the lines of a round of messages and releases them before it sends the round's replies.
     */
    public static void holdLines() {
        HeldLines.hold();
    }

    /** Writes the calling thread's held lines, in order, with one write; later lines go out as they happen. */
    public static void releaseLines() {
        HeldLines.release();
    }

    // --- start and stop

    public static void config(int port, int backlog, String level, int agencies) {
        LOG.info("{}", ActionLine.success("config").with("port", port).with("listen_backlog", backlog)
                .with("logging_level", level).with("agencies", agencies));
    }

    public static void configRefused(String error) {
        LOG.error("{}", ActionLine.fail("config").withError(error));
    }

    public static void storageSync(Path file) {
        LOG.info("{}", ActionLine.success("storage_sync").with("file", file));
    }

    /** A close of betting is configured (DRAW_AT, DRAW_AFTER_SECONDS); {@code none} for the one not set. */
    public static void closeConfigured(Instant drawAt, Duration afterFirstFinish) {
        LOG.info("{}", ActionLine.success("cierre_configurado")
                .with("draw_at", drawAt == null ? "none" : drawAt)
                .with("draw_after_seconds", afterFirstFinish == null ? "none" : afterFirstFinish.toSeconds()));
    }

    public static void tlsOn(Path keystore) {
        LOG.info("{}", ActionLine.success("tls").with("keystore", keystore));
    }

    public static void listening(int port, String transport) {
        LOG.info("{}", ActionLine.inProgress("accept_connections").with("port", port).with("transport", transport));
    }

    /** SERVER_TRANSPORT asked for a native transport that cannot load here: the event loops run on {@code used}. */
    public static void transportFallback(String asked, String used, String reason) {
        LOG.warn("{}", ActionLine.success("transport").with("asked", asked).with("transport", used)
                .with("reason", reason.replace(": ", " - ").replace(':', '-').replace('|', '/')));
    }

    public static void cannotListen(int port, String error) {
        LOG.error("{}", ActionLine.fail("accept_connections").with("port", port).withError(error));
    }

    /** The operator's view listens (STATUS_PORT on STATUS_BIND). */
    public static void statusListening(int port, String bind, boolean tokenRequired) {
        LOG.info("{}", ActionLine.inProgress("accept_status_requests").with("port", port).with("bind", bind)
                .with("token", tokenRequired ? "required" : "none"));
    }

    public static void statusCannotListen(int port, String bind, String error) {
        LOG.error("{}", ActionLine.fail("accept_status_requests").with("port", port).with("bind", bind)
                .withError(error));
    }

    /** The store cannot be opened at start: the file at fault (when the store is a file) and why. */
    public static void storeUnusable(String file, String error) {
        ActionLine line = ActionLine.fail("abrir_almacen");
        if (file != null) {
            line.with("file", file);
        }
        LOG.error("{}", line.withError(error));
    }

    public static void storeRepaired(Path file, long bytesCut) {
        LOG.warn("{}", ActionLine.success("reparar_almacen").with("file", file).with("bytes_cortados", bytesCut));
    }

    public static void shutdownStarted() {
        LOG.info("{}", ActionLine.inProgress("shutdown"));
    }

    public static void shutdownDone() {
        LOG.info("{}", ActionLine.success("shutdown"));
    }

    /** One closed resource at shutdown, with its details ({@code key, value, key, value ...}). */
    public static void closed(String resource, Object... details) {
        LOG.info("{}", withDetails(ActionLine.success(resource), details));
    }

    /** A resource that could not be closed cleanly at shutdown. */
    public static void notClosed(String resource, String error, Object... details) {
        LOG.error("{}", withDetails(ActionLine.fail(resource), details).withError(error));
    }

    // --- connections and agencies

    public static void connectionRefused(SocketAddress remote, String error) {
        LOG.warn("{}", ActionLine.fail("aceptar_conexion").with("remote", remote).withError(error));
    }

    public static void identified(long agency, SocketAddress remote) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}", ActionLine.success("identificar").with("agency", agency).with("remote", remote));
        }
    }

    public static void identificationRefused(Long agency, SocketAddress remote, String error) {
        LOG.warn("{}", ActionLine.fail("identificar").with("agency", agency).with("remote", remote).withError(error));
    }

    public static void undecodable(Long agency, SocketAddress remote, ErrorCode code, String error) {
        LOG.error("{}", ActionLine.fail("recibir_mensaje").with("agency", agency).with("remote", remote)
                .with("code", code).withError(error));
    }

    public static void frameTimedOut(Long agency, SocketAddress remote, String error) {
        LOG.warn("{}", ActionLine.fail("recibir_mensaje").with("agency", agency).with("remote", remote)
                .withError(error));
    }

    /** A peer that went away or reset the connection: routine, so DEBUG. */
    public static void connectionLost(Long agency, SocketAddress remote, String error) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}", ActionLine.fail("conexion").with("agency", agency).with("remote", remote)
                    .withError(error));
        }
    }

    public static void connectionFailed(Long agency, SocketAddress remote, Throwable cause) {
        LOG.error("{}", ActionLine.fail("conexion").with("agency", agency).with("remote", remote)
                .withError(String.valueOf(cause)), cause);
    }

    public static void tlsRefused(SocketAddress remote, String error) {
        LOG.warn("{}", ActionLine.fail("tls").with("remote", remote).withError(error));
    }

    /** A connection closed because it leaves its replies unread while asking for more. */
    public static void repliesUnread(Long agency, SocketAddress remote, long unreadBytes) {
        LOG.warn("{}", ActionLine.fail("responder").with("agency", agency).with("remote", remote)
                .with("bytes_sin_leer", unreadBytes)
                .withError("the agency does not read its replies; connection closed"));
    }

    // --- the status port: routine refusals at DEBUG, so that a scanner cannot flood the log

    public static void statusRequestRefused(SocketAddress remote, int httpStatus, String reason) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}", ActionLine.fail("status_request").with("remote", remote).with("http_status", httpStatus)
                    .withError(reason));
        }
    }

    public static void statusConnectionLost(SocketAddress remote, String error) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}", ActionLine.fail("status_connection").with("remote", remote).withError(error));
        }
    }

    public static void statusRequestFailed(SocketAddress remote, Throwable cause) {
        LOG.warn("{}", ActionLine.fail("status_request").with("remote", remote)
                .withError(String.valueOf(cause)), cause);
    }

    // --- bets, finish, draw

    public static boolean perBetLinesOn() {
        return LOG.isDebugEnabled();
    }

    public static void betStored(String document, int number) {
        LOG.debug("{}", ActionLine.success("apuesta_almacenada").with("dni", document).with("numero", number));
    }

    /**
     * A batch stored: the line whose {@code cantidad} values add up to the bets stored. Like {@link #finished}, a
     * line of every agency, so it is handed over as its text, with nothing for logback to format.
     */
    public static void batchStored(int count) {
        if (LOG.isInfoEnabled()) {
            LOG.info(ActionLine.success("apuesta_recibida").with("cantidad", count).toString());
        }
    }

    /** A batch refused whole: nothing of it was stored. */
    public static void batchRefused(int count, long agency, String error) {
        LOG.error("{}", ActionLine.fail("apuesta_recibida").with("cantidad", count).with("agency", agency)
                .withError(error));
    }

    /** A batch already stored, sent again after a reconnect: acknowledged, not stored twice. */
    public static void batchRepeated(long agency, int count) {
        LOG.info("{}", ActionLine.success("lote_repetido").with("agency", agency).with("apuestas", count));
    }

    public static void finished(long agency, long bets, int agenciesFinished) {
        if (LOG.isInfoEnabled()) {
            LOG.info(ActionLine.success("fin_apuestas").with("agency", agency).with("apuestas", bets)
                    .with("agencias_listas", agenciesFinished).toString());
        }
    }

    public static void finishRefused(long agency, String error) {
        LOG.error("{}", ActionLine.fail("fin_apuestas").with("agency", agency).withError(error));
    }

    /** The store failed in a way it does not report as a refused batch (a bug, or a database gone away). */
    public static void storageFailed(String error, Throwable cause) {
        LOG.error("{}", ActionLine.fail("almacenamiento").withError(error), cause);
    }

    /**
     * The store stopped taking writes (a full disk, say): logged once per incident, not once per refused batch,
     * since every agency keeps retrying until it can write again.
     */
    public static void storeCannotWrite(Object store, String error) {
        LOG.error("{}", ActionLine.fail("escribir_almacen").with("file", store).withError(error));
    }

    /** The store takes writes again after an incident; how many batches were refused meanwhile. */
    public static void storeWritesAgain(Object store, long refusedBatches) {
        LOG.warn("{}", ActionLine.success("escribir_almacen").with("file", store)
                .with("lotes_rechazados", refusedBatches));
    }

    // --- the database (STORAGE_URL)

    /** Connected to the database at start. */
    public static void databaseConnected(String url) {
        LOG.info("{}", ActionLine.success("base_de_datos").with("url", url));
    }

    /** Connected again after the database was lost; how many batches were refused meanwhile. */
    public static void databaseBack(String url, long refusedBatches) {
        LOG.warn("{}", ActionLine.success("base_de_datos").with("url", url).with("lotes_rechazados", refusedBatches));
    }

    /** The database cannot be reached yet at start; the central keeps trying for a while. */
    public static void databaseWaiting(String url, int attempt, String error) {
        LOG.warn("{}", ActionLine.inProgress("base_de_datos").with("url", url).with("attempt", attempt)
                .withError(error));
    }

    /**
     * The database went away: batches are refused with STORAGE_FAILURE until it is back. Once per incident, as
     * {@link #storeCannotWrite}, since every agency keeps retrying meanwhile.
     */
    public static void databaseLost(String url, String error) {
        LOG.error("{}", ActionLine.fail("base_de_datos").with("url", url).withError(error));
    }

    /**
     * A session of another central held the lottery's locks in a transaction far older than any that runs (a frozen
     * central): ended, so that the lottery goes on.
     */
    public static void hungSessionEnded(long pid, String session, long seconds) {
        LOG.warn("{}", ActionLine.success("cortar_central_colgada").with("pid", pid).with("session", session)
                .with("segundos", seconds));
    }

    /** A hung session that could not be ended (the database refused: another role, say). */
    public static void hungSessionNotEnded(long pid, String session, String error) {
        LOG.error("{}", ActionLine.fail("cortar_central_colgada").with("pid", pid).with("session", session)
                .withError(error));
    }

    /** The connection that listens for the draw was lost (it reconnects by itself, then checks again). */
    public static void drawListenerLost(String error) {
        LOG.warn("{}", ActionLine.fail("escuchar_sorteo").withError(error));
    }

    public static void drawListenerBack() {
        LOG.info("{}", ActionLine.success("escuchar_sorteo"));
    }

    // --- export

    public static void exported(Object from, Path file, long bets) {
        LOG.info("{}", ActionLine.success("export").with("from", from).with("file", file).with("bets", bets));
    }

    public static void exportFailed(String error) {
        LOG.error("{}", ActionLine.fail("export").withError(error));
    }

    /** A restarted central found who had finished in the store's finish log: the draw carries on. */
    public static void finishesRestored(Path log, int agencies) {
        LOG.info("{}", ActionLine.success("restaurar_finalizadas").with("file", log).with("agencias_listas", agencies));
    }

    /**
     * The finish log's last line had no line break (a crash cut it): cut off, with what it held and, once its first
     * field is whole, the agency whose FINISH no longer counts.
     */
    public static void finishLineCut(Path log, int bytesCut, String text, Long agency) {
        ActionLine line = ActionLine.success("reparar_finalizadas").with("file", log).with("bytes_cortados", bytesCut)
                .with("texto_cortado", text);
        if (agency != null) {
            line.with("agency", agency);
        }
        LOG.warn("{}", line);
    }

    /** The finish log beside the store did not fit it (the bets file was replaced): a new draw. */
    public static void finishesDiscarded(Path log) {
        LOG.warn("{}", ActionLine.success("descartar_finalizadas").with("file", log)
                .with("motivo", "does not match the bets file (a new draw)"));
    }

    /**
     * Betting closed ({@code DRAW_AT} or {@code DRAW_AFTER_SECONDS}) before every agency finished: the draw is made
     * over what is stored.
     *
     * @param unfinished agencies with bets stored that had not finished
     * @param unseen     agencies AGENCIES counted on of which nothing is known (no bet, no FINISH)
     */
    public static void bettingClosed(Instant at, int finished, int unfinished, int unseen) {
        LOG.info("{}", ActionLine.success("cierre_apuestas").with("closed_at", at).with("agencias_listas", finished)
                .with("agencias_sin_finalizar", unfinished).with("agencias_sin_conectar", unseen));
    }

    /** An agency that had not finished when betting closed, and its stored bets (which take part in the draw). */
    public static void unfinishedAtClose(long agency, long bets) {
        LOG.warn("{}", ActionLine.success("agencia_sin_finalizar").with("agency", agency).with("apuestas", bets));
    }

    /** The agencies that had not finished when betting closed, in one line when there are many. */
    public static void unfinishedAtClose(List<Long> agencies) {
        StringBuilder list = new StringBuilder();
        for (long agency : agencies) {
            list.append(list.length() == 0 ? "" : ",").append(agency);
        }
        LOG.warn("{}", ActionLine.success("agencias_sin_finalizar").with("cantidad", agencies.size())
                .with("agencies", list));
    }

    /** A recorded close of betting that the store's close log holds, found again at start. */
    public static void closeRestored(Path log, Instant closedAt) {
        LOG.info("{}", ActionLine.success("restaurar_cierre").with("file", log).with("closed_at", closedAt));
    }

    /** The close log beside the store did not fit it (the bets file was replaced): a new draw. */
    public static void closeDiscarded(Path log) {
        LOG.warn("{}", ActionLine.success("descartar_cierre").with("file", log)
                .with("motivo", "does not match the bets file (a new draw)"));
    }

    /** The close of betting could not be recorded beside the store; the draw is made all the same. */
    public static void closeNotRecorded(Path log, String error) {
        LOG.warn("{}", ActionLine.fail("registrar_cierre").with("file", log).withError(error));
    }

    /** The draw, once, before any winners are sent. */
    public static void drawn() {
        LOG.info("{}", ActionLine.success("sorteo"));
    }

    /** The draw's figures; named apart from {@code sorteo} so that scripts counting the draw line find one. */
    public static void drawFigures(long bets, int winners, long millis) {
        LOG.info("{}", ActionLine.success("draw_winners").with("bets", bets).with("winners", winners)
                .with("ms", millis));
    }

    private static ActionLine withDetails(ActionLine line, Object... details) {
        for (int i = 0; i + 1 < details.length; i += 2) {
            line.with(String.valueOf(details[i]), details[i + 1]);
        }
        return line;
    }
}
