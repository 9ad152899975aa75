package jp.tokyo.juki.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.SupplierRegistry;
import org.junit.jupiter.api.Test;

/**
 * One thread binds beans while another looks beans up by type, as the start's route creation did
 * while the lease thread bound the SFTP server: Camel's own registry throws
 * ConcurrentModificationException (so the test can fail), the gateway's does not.
 */
class ThreadSafeRegistryTest {
    private static final int ROUNDS = 200_000;

    /** The first failure of either thread, or null. */
    private static Throwable race(Registry registry) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            registry.bind("bean-" + i, Integer.class, i);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread binder = new Thread(() -> {
            try {
                for (int i = 0; i < ROUNDS && failure.get() == null; i++) {
                    registry.bind("late-" + (i % 500), String.class, "v" + i);
                    if (i % 3 == 0) {
                        registry.unbind("late-" + ((i + 250) % 500));
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        binder.start();
        try {
            for (int i = 0; i < ROUNDS && binder.isAlive() && failure.get() == null; i++) {
                registry.findByType(Integer.class);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
        binder.join();
        return failure.get();
    }

    @Test
    void camelsOwnRegistryBreaksUnderABindDuringALookup() throws InterruptedException {
        // a race: tried until it shows (it does in the first attempt or two; 20 give it room on a busy machine)
        Throwable failure = null;
        for (int attempt = 0; attempt < 20 && failure == null; attempt++) {
            failure = race(new SupplierRegistry());
        }
        assertThat(failure).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void theGatewaysRegistryLooksUpAndBindsFromTwoThreads() throws InterruptedException {
        ThreadSafeRegistry registry = new ThreadSafeRegistry();
        assertThat(race(registry)).isNull();
        assertThat(registry.findByType(Integer.class)).hasSize(200);
        assertThat(registry.lookupByNameAndType("bean-7", Integer.class)).isEqualTo(7);
    }
}
