package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.TlsSettings;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.TestIdentities;
import ch.qos.logback.classic.Level;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real central with TLS on, on a loopback port: agencies that trust its certificate, and some that do not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsCentralTest {

    private static final long WAIT_SECONDS = 10;
    /** First byte of a TLS alert record: the most a peer that does not speak TLS may get back. */
    private static final int TLS_ALERT = 0x15;

    @RegisterExtension
    static final TestIdentities IDENTITIES = TestIdentities.of("central", "stranger");

    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tls-agency"),
            NioIoHandler.newFactory());
    private CentralServer server;


    @BeforeEach
    void startCentral() throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, 1, dir.resolve("bets.csv"),
                1000, Duration.ofSeconds(30), Map.of());
        SslContext ssl = new TlsSettings(IDENTITIES.get("central").keystore(), IDENTITIES.get("central").password()).newServerContext();
        server = new CentralServer(config, ssl, 2, Ledgers.opener(config));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void agencyTrustingTheCentralCompletesTheConversation() throws Exception {
        // given
        TlsAgency agency = connect(IDENTITIES.get("central").certificate());
        assertTrue(agency.handshake().await(WAIT_SECONDS, TimeUnit.SECONDS) && agency.handshake().isSuccess(),
                String.valueOf(agency.handshake().cause()));

        // when
        agency.send(new Hello(1, ""));
        Message welcome = agency.receive();
        agency.send(new BetBatch(1, 0, List.of(bet(1, 7574), bet(2, 1))));
        Message ack = agency.receive();
        agency.send(new Finish(1, 2));
        Message finished = agency.receive();
        agency.send(new ResultsRequest(1));
        Message winners = agency.receive();

        // then
        assertEquals(new Welcome(1, 0), welcome);
        assertEquals(new BatchAck(0, 2), ack);
        assertEquals(new FinishAck(1, 2), finished);
        assertEquals(new Winners(true, List.of("00000001")), winners);
        agency.channel.close().sync();
    }

    @Test
    void plainAgencyGetsNoWelcomeAndIsClosed() throws Exception {
        try (LogCapture logs = LogCapture.attach();
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            // given
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

            // when: it speaks the protocol in the clear
            socket.getOutputStream().write(frame(new Hello(1, "")));
            byte[] answer = readToEnd(socket.getInputStream());

            // then: at most a TLS alert comes back before the central closes, and it logs why
            assertTrue(answer.length == 0 || answer[0] == TLS_ALERT, "got " + answer.length + " bytes");
            logs.await("WARN action: tls | result: fail", Duration.ofSeconds(WAIT_SECONDS));
            assertTrue(logs.matching("ERROR").isEmpty(), logs.lines().toString());
        }
        assertCentralStillServes();
    }

    @Test
    void agencyTrustingAnotherCertificateFailsTheHandshake() throws Exception {
        // when
        TlsAgency agency = connect(IDENTITIES.get("stranger").certificate());

        // then
        assertTrue(agency.handshake().await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(SSLHandshakeException.class, agency.handshake().cause());
        agency.channel.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertFalse(agency.channel.isActive());
        assertCentralStillServes();
    }

    @Test
    void probeThatClosesBeforeTheHandshakeIsNoError() throws Exception {
        try (LogCapture logs = LogCapture.attach()) {
            // when
            new Socket(InetAddress.getLoopbackAddress(), server.port()).close();
            assertCentralStillServes();

            // then
            assertTrue(logs.matching("result: fail").isEmpty(), logs.lines().toString());
        }
    }

    private void assertCentralStillServes() throws Exception {
        TlsAgency agency = connect(IDENTITIES.get("central").certificate());
        agency.send(new Hello(1, ""));
        assertEquals(new Welcome(1, 0), agency.receive());
        agency.channel.close().sync();
    }

    private static Bet bet(int i, int number) {
        return new Bet("Nombre " + i, "Apellido", String.format("%08d", i), "1990-01-01", number);
    }

    /** The bytes of one frame, as an agency would write them. */
    private static byte[] frame(Message message) {
        EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf part = encoder.readOutbound(); part != null; part = encoder.readOutbound()) {
            byte[] chunk = new byte[part.readableBytes()];
            part.readBytes(chunk);
            bytes.writeBytes(chunk);
            part.release();
        }
        assertFalse(encoder.finish());
        return bytes.toByteArray();
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[1024];
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                bytes.write(chunk, 0, n);
            }
        } catch (IOException e) {
            // a reset after the alert ends the stream as well
        }
        return bytes.toByteArray();
    }

    /** Connects an agency that trusts {@code trusted} and checks the central's name (localhost). */
    private TlsAgency connect(Path trusted) throws Exception {
        SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trusted.toFile())
                .endpointIdentificationAlgorithm("HTTPS").build();
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        // Kept here: a failed handshake closes the channel, which may empty its pipeline before we look.
        AtomicReference<SslHandler> tls = new AtomicReference<>();
        int port = server.port();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        tls.set(ssl.newHandler(ch.alloc(), "localhost", port));
                        ch.pipeline()
                                .addLast(tls.get())
                                .addLast(Frames.newDecoder())
                                .addLast(FrameEncoder.INSTANCE)
                                .addLast(MessageDecoder.INSTANCE)
                                .addLast(new SimpleChannelInboundHandler<Message>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
                                        received.add(msg);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect("localhost", port).sync().channel();
        return new TlsAgency(channel, tls.get(), received);
    }

    /** A test agency over TLS; its replies queue up for the test thread. */
    private record TlsAgency(Channel channel, SslHandler tls, BlockingQueue<Message> received) {

        Future<Channel> handshake() {
            return tls.handshakeFuture();
        }

        void send(Message message) throws InterruptedException {
            channel.writeAndFlush(message).sync();
        }

        Message receive() throws InterruptedException {
            Message message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no reply in " + WAIT_SECONDS + " s");
            }
            return message;
        }
    }
}
