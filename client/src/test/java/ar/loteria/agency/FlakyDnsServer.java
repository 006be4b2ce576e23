package ar.loteria.agency;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 that knows one name (an A record for 127.0.0.1) and never answers queries from the
 * first source port it hears from, as a network that lost track of one flow would. Every other name gets NXDOMAIN.
 */
final class FlakyDnsServer implements AutoCloseable {

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Set<Integer> sourcePorts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile int droppedPort = -1;
    private Channel channel;

    /** @param name the one name it resolves, without the trailing dot */
    FlakyDnsServer(String name) {
        this.name = name + ".";
    }

    /** Binds a free UDP port on 127.0.0.1; returns the server's address. */
    InetSocketAddress start() {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Responder());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** Source ports seen, the dropped one included. */
    int sourcePorts() {
        return sourcePorts.size();
    }

    /** Queries answered (with the record or NXDOMAIN). */
    int answered() {
        return answered.get();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            int port = query.sender().getPort();
            sourcePorts.add(port);
            if (droppedPort == -1) {
                droppedPort = port;
            }
            if (port == droppedPort) {
                return;
            }
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
            if (question.name().equalsIgnoreCase(name) && question.type() == DnsRecordType.A) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 60,
                        Unpooled.wrappedBuffer(new byte[] {127, 0, 0, 1})));
            } else if (!question.name().equalsIgnoreCase(name)) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            }
            answered.incrementAndGet();
            ctx.writeAndFlush(response);
        }
    }
}
