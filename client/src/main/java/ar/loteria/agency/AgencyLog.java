package ar.loteria.agency;

import ar.loteria.agency.bets.BetFileException;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.MessageType;
import ar.loteria.logging.ActionLine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every operation line the agency logs, one named method each, so that the action names and keys scripts parse
 * ({@code action: NAME | result: ... | key: value}, see CONTRACT.md) are written in one place. Each method only
 * builds the line; the caller logs it at the level its situation calls for. Stateless; any thread.
 */
public final class AgencyLog {

    /** Actions of the conversation's phases, named in the lines of a refusal during each. */
    static final String HELLO = "hello";
    static final String SENDING = "envio";
    static final String FINISH = "finish";
    static final String RESULTS = "consulta_ganadores";
    static final String AGENCY = "agency";

    private static final String CONFIG = "config";
    private static final String CONNECT = "connect";
    private static final String READ_BETS = "leer_apuestas";
    private static final String SHUTDOWN = "shutdown";
    private static final String GENERATE = "generar";

    private AgencyLog() {
    }

    /** The start line, each value as configured: {@code action: config | result: success | client_id: I | ...}. */
    public static ActionLine configLoaded(AgencyConfig config) {
        return ActionLine.success(CONFIG)
                .with("client_id", config.agencyId())
                .with("server_address", config.serverAddress())
                .with("loop_amount", config.loopAmount())
                .with("loop_period", config.loopPeriod())
                .with("log_level", config.logLevel())
                .with("batch_max_amount", config.batchMaxAmount());
    }

    static ActionLine configRefused(AgencyConfigException error) {
        return ActionLine.fail(CONFIG).with("key", error.key()).withError(error.getMessage());
    }

    static ActionLine tlsOn(Path trust) {
        return ActionLine.success("tls").with("trust", trust);
    }

    static ActionLine tlsFailed(String serverAddress, Throwable cause) {
        return ActionLine.fail("tls").with("server_address", serverAddress).withError(cause.getMessage());
    }

    static ActionLine unknownCommand(String command, String usage) {
        return ActionLine.fail("start").withError("unknown command " + command + " (run without arguments, or: "
                + usage + ")");
    }

    static ActionLine betsFileMissing(Path file) {
        return ActionLine.fail(READ_BETS).with("file", file).withError("no readable file there (set CLI_DATA_FILE)");
    }

    /** A bad record (with its line) or an unreadable file. */
    static ActionLine betsFileFailed(BetFileException error) {
        ActionLine line = ActionLine.fail(READ_BETS).with("file", error.file());
        if (error.line() > 0) {
            line.with("line", error.line());
        }
        return line.withError(error.problem());
    }

    static ActionLine connected(String serverAddress) {
        return ActionLine.success(CONNECT).with("server_address", serverAddress);
    }

    static ActionLine connectRetry(int attempt) {
        return ActionLine.inProgress(CONNECT).with("attempt", attempt);
    }

    /** With several centrals: which one failed. */
    static ActionLine connectRetry(int attempt, String failedAddress) {
        return connectRetry(attempt).with("server_address", failedAddress);
    }

    static ActionLine connectGaveUp(String serverAddress, int attempts, Throwable cause) {
        return ActionLine.fail(CONNECT).with("server_address", serverAddress).with("attempts", attempts)
                .withError(cause.getMessage());
    }

    static ActionLine reconnecting(String serverAddress) {
        return ActionLine.inProgress("reconnect").with("server_address", serverAddress);
    }

    /**
     * The central left a request ({@code waitingFor}) unanswered for {@code timeout}: the agency drops the
     * connection and goes on with the next central of its list (or the same one again).
     */
    static ActionLine noAnswer(String serverAddress, MessageType waitingFor, Duration timeout) {
        return ActionLine.inProgress("sin_respuesta").with("server_address", serverAddress)
                .with("mensaje", waitingFor).with("timeout_ms", timeout.toMillis());
    }

    static ActionLine welcomed(long agency, long stored) {
        return ActionLine.success(HELLO).with("client_id", agency).with("stored", stored);
    }

    static ActionLine sending(long sent, long total) {
        return ActionLine.inProgress(SENDING).with("enviadas", sent).with("total", total);
    }

    static ActionLine batchAcknowledged(long first, int count) {
        return ActionLine.success("batch_ack").with("first", first).with("cantidad", count);
    }

    /** Single-bet mode: the bet is acknowledged. */
    public static ActionLine betSent(String document, int number) {
        return ActionLine.success("apuesta_enviada").with("dni", document).with("numero", number);
    }

    static ActionLine allSent(long total) {
        return ActionLine.success(SENDING).with("enviadas", total);
    }

    /**
     * The central closed the betting (DRAW_CLOSED): {@code stored} of the agency's bets take part in the draw, and
     * {@code notStored} of its input never will (refused, or not sent).
     */
    static ActionLine bettingClosed(long stored, long notStored) {
        return ActionLine.success("apuestas_cerradas").with("apuestas_almacenadas", stored)
                .with("apuestas_no_enviadas", notStored);
    }

    static ActionLine finished(long agency, long stored) {
        return ActionLine.success(FINISH).with("client_id", agency).with("stored", stored);
    }

    static ActionLine waitingForWinners(long agency) {
        return ActionLine.inProgress(RESULTS).with("client_id", agency);
    }

    static ActionLine winner(String document) {
        return ActionLine.success("ganador").with("dni", document);
    }

    public static ActionLine winnersReceived(int count) {
        return ActionLine.success(RESULTS).with("cant_ganadores", count);
    }

    /** A refusal that says "not now" (the agency reconnects), during the phase whose action is {@code action}. */
    static ActionLine refusedForNow(String action, ErrorReply error) {
        return ActionLine.inProgress(action).with("code", error.code()).with("reason", error.reason());
    }

    /** A refusal that ends the run, during the phase whose action is {@code action}. */
    static ActionLine refused(String action, ErrorReply error) {
        return ActionLine.fail(action).with("code", error.code()).with("ref", error.ref())
                .with("reason", error.reason());
    }

    static ActionLine protocolError(String problem) {
        return ActionLine.fail("protocol").withError(problem);
    }

    static ActionLine unexpectedFailure(long agency, Object server, Throwable cause) {
        return ActionLine.fail(AGENCY).with("client_id", agency).with("server", server).withError(cause.toString());
    }

    static ActionLine senderStopped(boolean done) {
        return result("stop_sender", done);
    }

    static ActionLine connectionClosed(boolean done) {
        return result("close_connection", done);
    }

    static ActionLine fileClosed(boolean done, String file) {
        return result("close_file", done).with("file", file);
    }

    static ActionLine eventLoopClosed(boolean done) {
        return result("close_event_loop", done);
    }

    static ActionLine shutdownStarted() {
        return ActionLine.inProgress(SHUTDOWN).with("signal", "SIGTERM");
    }

    public static ActionLine shutdownDone() {
        return ActionLine.success(SHUTDOWN);
    }

    /** The {@code generate} command's arguments are wrong. */
    public static ActionLine generateRefused(String problem, String usage) {
        return ActionLine.fail(GENERATE).withError(problem).with("usage", usage);
    }

    public static ActionLine fileGenerated(Path file, int bets, int winners, long bytes) {
        return ActionLine.success(GENERATE).with("file", file).with("apuestas", bets).with("ganadores", winners)
                .with("bytes", bytes);
    }

    public static ActionLine generateFailed(Path out, Exception error) {
        return ActionLine.fail(GENERATE).with("out", out).withError(error.toString());
    }

    private static ActionLine result(String action, boolean success) {
        return success ? ActionLine.success(action) : ActionLine.fail(action);
    }
}
