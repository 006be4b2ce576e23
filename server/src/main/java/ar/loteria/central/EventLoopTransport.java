package ar.loteria.central;

import ar.loteria.central.config.TransportSetting;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The I/O the central's event loops run on, resolved once at start from SERVER_TRANSPORT: Netty's native epoll
 * transport (the default where it loads: Linux on x86-64), its io_uring transport when asked for, or the JDK's
 * selector (NIO), which is also what an asked-for native transport falls back to when it cannot load (another
 * system, or io_uring refused by the kernel or a container's seccomp profile). Immutable.
 *
 * @param name          epoll, io_uring or nio: what the accept_connections line reports
 * @param handlers      the event loops' I/O handlers
 * @param serverChannel the listener's channel class
 * @param fallback      why the asked-for transport could not load, or {@code null}
 */
record EventLoopTransport(String name, IoHandlerFactory handlers, Class<? extends ServerChannel> serverChannel,
                          String fallback) {

    static EventLoopTransport of(TransportSetting setting) {
        return switch (setting) {
            case NIO -> nio(null);
            case IO_URING -> IoUring.isAvailable()
                    ? new EventLoopTransport("io_uring", IoUringIoHandler.newFactory(),
                            IoUringServerSocketChannel.class, null)
                    : nio("io_uring: " + IoUring.unavailabilityCause());
            case EPOLL, AUTO -> Epoll.isAvailable()
                    ? new EventLoopTransport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, null)
                    : nio(setting == TransportSetting.AUTO ? null : "epoll: " + Epoll.unavailabilityCause());
        };
    }

    private static EventLoopTransport nio(String fallback) {
        return new EventLoopTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, fallback);
    }
}
