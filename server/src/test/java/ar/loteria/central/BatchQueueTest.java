package ar.loteria.central;

import ar.loteria.central.draw.Lottery;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class BatchQueueTest {

    @Test
    void aFailureOutsideTheStoreStillAnswersEveryBatchAndFreesItsPlace() {
        // given: a lottery that fails in an unexpected way, and a budget of one waiting batch
        Lottery lottery = mock(Lottery.class);
        when(lottery.store(anyList())).thenThrow(new IllegalStateException("a bug"));
        BatchQueue queue = new BatchQueue(lottery, ImmediateEventExecutor.INSTANCE, 1);
        EmbeddedChannel channel = new EmbeddedChannel();
        BetBatch batch = new BetBatch(3, 0, List.of(new Bet("Ana", "Paz", "1", "1990-01-01", 5)));
        AtomicInteger pending = new AtomicInteger(1);

        // when
        queue.add(channel, batch, CsvRows.render(3, batch.bets()), pending);

        // then: refused as not stored, nothing left waiting, the budget free again
        ErrorReply reply = assertInstanceOf(ErrorReply.class, channel.readOutbound());
        assertEquals(ErrorCode.STORAGE_FAILURE, reply.code());
        assertEquals(0, reply.ref());
        assertNull(channel.readOutbound());
        assertEquals(0, pending.get());
        assertFalse(queue.overBudget());
        channel.finishAndReleaseAll();
    }
}
