package ar.loteria.bench;

import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.launch.JarProcess;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N agencies say HELLO and ask for their winners before anyone has finished, and are held there; then each
 * finishes, the last FINISH draws, and every held request is answered. Reports the central's threads meanwhile.
 * Runs on the caller's thread; owns its event loops, its central process and its folder.
 */
final class ParkedBenchmark {

    private final LoadGenerator options;
    private final Path work;

    ParkedBenchmark(LoadGenerator options, Path work) {
        this.options = options;
        this.work = work;
    }

    int run() throws Exception {
        int held = options.parked;
        Path dir = work.resolve("parked");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.eventLoops,
                new DefaultThreadFactory("load-io"), NioIoHandler.newFactory());
        try (JarProcess central = JarProcess.start(options.launch(BenchedCentral.CENTRAL), options.settings(held, dir), dir,
                work.resolve("central-parked.log"))) {
            int port = central.awaitPort(LoadGenerator.READY);
            ProcessMeter meter = new ProcessMeter(central.pid());
            long threadsIdle = meter.status("Threads");
            AtomicInteger welcomed = new AtomicInteger();
            List<CompletableFuture<Integer>> answered = new ArrayList<>();
            List<Channel> channels = new ArrayList<>();
            for (int id = 1; id <= held; id++) {
                Waiter waiter = new Waiter(id, welcomed);
                answered.add(waiter.answered);
                channels.add(LoadGenerator.connect(group, port, waiter));
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (welcomed.get() < held && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(2_000);
            long waitingDone = answered.stream().filter(CompletableFuture::isDone).count();
            long threadsHeld = meter.status("Threads");
            double rssMb = meter.status("VmHWM") / 1024.0;
            System.out.printf(Locale.ROOT, "parked: %,d of %,d requests held for 2 s, %d answered early; central "
                    + "threads idle %d, holding %d; peak RSS %.0f MB%n", welcomed.get(), held, waitingDone,
                    threadsIdle, threadsHeld, rssMb);
            long start = System.nanoTime();
            for (int id = 1; id <= held; id++) {
                channels.get(id - 1).writeAndFlush(LoadGenerator.frame(new Finish(id, 0)));
            }
            int answers = 0;
            for (CompletableFuture<Integer> answer : answered) {
                answer.get(2, TimeUnit.MINUTES);
                answers++;
            }
            double answeredMillis = (System.nanoTime() - start) / 1e6;
            central.terminate();
            System.out.printf(Locale.ROOT, "parked: all %,d answered %.0f ms after the FINISH wave; central exit %d%n",
                    answers, answeredMillis, central.awaitExit(LoadGenerator.STOP));
            return waitingDone == 0 && answers == held ? 0 : 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            LoadGenerator.deleteTree(dir);
        }
    }

    /** An agency that only asks for its winners; per channel, event loop only. */
    private static final class Waiter extends SimpleChannelInboundHandler<Message> {
        private final long id;
        private final AtomicInteger welcomed;
        private final CompletableFuture<Integer> answered = new CompletableFuture<>();

        Waiter(long id, AtomicInteger welcomed) {
            this.id = id;
            this.welcomed = welcomed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.write(LoadGenerator.frame(new Hello(id, "")));
            ctx.writeAndFlush(LoadGenerator.frame(new ResultsRequest(id)));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
            if (msg instanceof Welcome) {
                welcomed.incrementAndGet();
            } else if (msg instanceof Winners winners && winners.last()) {
                answered.complete(winners.documents().size());
                ctx.close();
            } else if (!(msg instanceof FinishAck)) {
                answered.completeExceptionally(new IllegalStateException("agency " + id + " got " + msg));
            }
        }
    }
}
