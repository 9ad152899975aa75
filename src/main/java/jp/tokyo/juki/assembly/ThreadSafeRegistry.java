package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.support.SupplierRegistry;

/**
 * The registry camel-main binds the gateway's beans in, safe for several threads. Camel's own
 * ({@code SimpleRegistry}, a {@code LinkedHashMap}) is not: while the start added the agencies'
 * routes on the main thread (each creation looks beans up by type, iterating the map), the lease
 * thread took lease {@code sftp} and bound the SFTP server it had started — the start ended in a
 * {@code ConcurrentModificationException} (a CI run, HostileLineIT; very likely also the restart
 * StopUnderLoadIT saw end during its start). That bind is gone (decision 31); this registry keeps
 * any later one from breaking a start or a lookup. Every method holds the registry's lock; a
 * bean's supplier called back runs under it on the same thread (the lock is re-entrant).
 */
final class ThreadSafeRegistry extends SupplierRegistry {
    @Override
    public synchronized Object lookupByName(String name) {
        return super.lookupByName(name);
    }

    @Override
    public synchronized <T> T lookupByNameAndType(String name, Class<T> type) {
        return super.lookupByNameAndType(name, type);
    }

    @Override
    public synchronized <T> Map<String, T> findByTypeWithName(Class<T> type) {
        return super.findByTypeWithName(type);
    }

    @Override
    public synchronized <T> Set<T> findByType(Class<T> type) {
        return super.findByType(type);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean) {
        super.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Object bean, String initMethod, String destroyMethod) {
        super.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Supplier<Object> bean) {
        super.bind(id, type, bean);
    }

    @Override
    public synchronized void bind(String id, Class<?> type, Supplier<Object> bean, String initMethod,
                                  String destroyMethod) {
        super.bind(id, type, bean, initMethod, destroyMethod);
    }

    @Override
    public synchronized void bindAsPrototype(String id, Class<?> type, Supplier<Object> bean) {
        super.bindAsPrototype(id, type, bean);
    }

    @Override
    public synchronized void unbind(String id) {
        super.unbind(id);
    }

    @Override
    public synchronized void close() throws IOException {
        super.close();
    }
}
